"""Demo data for phases 2–3: a case booked through the real services (one write path)."""

import datetime

from django.utils import timezone

from homeward.accounts.clock import office_day, office_localtime, office_today
from homeward.cases.models import Case

from . import services
from .models import Booking, BookingStatus


def book_for_demo(*, officer, confirmer, case: Case, departs_soon: bool = False) -> Case:
    """A one-case movement for `case` (in pre-departure): a laissez-passer if it has no
    valid travel document, the escorts it needs, the ABN confirmed and the ticket issued —
    the ticket moves the case to travel booked. `officer` is a movement officer of the host
    office, `confirmer` may confirm ABNs at the origin office."""
    # A case the demo takes further leaves on a movement departing very soon (its departure
    # is then confirmed the same day); the others travel in three weeks.
    if departs_soon:
        departs = _soon_and_today(case.host_office)
    else:
        departs = timezone.now() + datetime.timedelta(days=21)
    today = office_today(case.host_office)
    if services.travel_document_problems(case, office_day(case.host_office, departs)):
        request = services.travel_document_request(
            actor=officer,
            case_id=case.pk,
            kind="laissez_passer",
            requested_on=today,
            authority="Consulate",
        )
        services.travel_document_record_outcome(
            actor=officer,
            request_id=request.pk,
            version=request.version,
            status="issued",
            issued_on=today,
            number=f"LP-{case.reference}",
            expires_on=today + datetime.timedelta(days=90),
        )
    movement = services.movement_create(
        actor=officer,
        host_office_id=case.host_office_id,
        origin_office_id=case.origin_office_id,
        means="flight",
        departs_at=departs,
        departure_place=case.host_office.name,
        arrival_place=case.origin_office.name,
        luggage_allowance="1 × 23 kg",
    )
    booking = services.booking_create(
        actor=officer,
        movement_id=movement.pk,
        case_id=case.pk,
        medical_escort=services.needs_medical_escort(case),
        operational_escort=True,
        needs_airport_assistance=True,
    )
    abn = services.abn_send(actor=officer, movement_id=movement.pk)
    services.abn_respond(actor=confirmer, abn_id=abn.pk, version=abn.version, confirm=True)
    services.booking_issue_ticket(
        actor=officer,
        booking_id=booking.pk,
        version=booking.version,
        ticket_number=f"TK-{case.reference}",
        issued_on=today,
    )
    return Case.objects.get(pk=case.pk)


def _soon_and_today(office) -> datetime.datetime:
    """In a minute, or halfway to the office's midnight when that comes sooner: R-TRV-10
    refuses to confirm a departure before the day it is planned for, and the demo confirms
    it at once."""
    now = office_localtime(office)
    midnight = datetime.datetime.combine(
        now.date() + datetime.timedelta(days=1), datetime.time(), tzinfo=now.tzinfo
    )
    left_today = midnight.astimezone(datetime.UTC) - now.astimezone(datetime.UTC)
    return now + min(datetime.timedelta(minutes=1), left_today / 2)


def depart_for_demo(*, officer, case: Case) -> Case:
    """Confirm today the departure of the movement the case is ticketed on (R-TRV-10)."""
    booking = Booking.objects.select_related("movement__host_office").get(
        case=case, status=BookingStatus.TICKETED
    )
    today = office_today(booking.movement.host_office)
    services.final_discussion_record(  # R-TRV-8: held before the departure is confirmed
        actor=officer,
        booking_id=booking.pk,
        held_on=today,
        travel_details_confirmed=True,
        reintegration_reviewed=True,
        contacts_given=True,
    )
    services.movement_confirm_departure(
        actor=officer, movement_id=booking.movement_id, departed_on=today
    )
    return Case.objects.get(pk=case.pk)
