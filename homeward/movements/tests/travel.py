"""Set-ups for the travel tests: cases ready to book, movements, a confirmed ABN."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from homeward.cases.models import Phase
from homeward.movements import services
from homeward.movements.models import FinalDiscussion
from homeward.people.models import IdentityDocument

#: Today at the host office of these set-ups (Niamey, UTC+1): the day its staff act on.
TODAY = timezone.localdate(timezone=ZoneInfo("Africa/Niamey"))


def departure(days: int = 14, hour: int = 10) -> datetime.datetime:
    day = TODAY + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def with_passport(case, expires_on=None):
    IdentityDocument.objects.create(
        person=case.person,
        kind=IdentityDocument.Kind.PASSPORT,
        number="P123",
        expires_on=expires_on or TODAY + datetime.timedelta(days=400),
    )
    return case


def ready_case(world, **kwargs):
    """A Niamey → Dakar case in pre-departure with a valid passport."""
    return with_passport(world.case(phase=Phase.PRE_DEPARTURE, **kwargs))


def movement(world, *, days: int = 14, means: str = "flight", legs=None, origin=None):
    return services.movement_create(
        actor=world.user("movement_officer", "niamey"),
        host_office_id=world.niamey.pk,
        origin_office_id=(origin or world.dakar).pk,
        means=means,
        departs_at=departure(days),
        departure_place="Niamey",
        arrival_place="Dakar",
        carrier_reference="AT 123",
        luggage_allowance="1 bag of 23 kg",
        legs=legs,
    )


def book(world, mv, case, **kwargs):
    return services.booking_create(
        actor=world.user("movement_officer", "niamey"), movement_id=mv.pk, case_id=case.pk, **kwargs
    )


def confirm_abn(world, mv):
    abn = services.abn_send(actor=world.user("movement_officer", "niamey"), movement_id=mv.pk)
    return services.abn_respond(
        actor=world.user("reception_officer", "dakar"),
        abn_id=abn.pk,
        version=abn.version,
        confirm=True,
    )


def ticket(world, booking, number="TK-1"):
    booking.refresh_from_db()
    return services.booking_issue_ticket(
        actor=world.user("movement_officer", "niamey"),
        booking_id=booking.pk,
        version=booking.version,
        ticket_number=number,
        issued_on=TODAY,
    )


def booked_case(world, mv=None, case=None):
    """A case with a ticket on a movement whose ABN the origin office confirmed."""
    mv = mv or movement(world)
    case = case or ready_case(world)
    booking = book(world, mv, case)
    confirm_abn(world, mv)
    return ticket(world, booking)


def discuss(world, booking, held_on=None):
    """R-TRV-8: the final discussion of a booking, all three points covered."""
    return services.final_discussion_record(
        actor=world.user("movement_officer", "niamey"),
        booking_id=booking.pk,
        held_on=held_on or TODAY,
        travel_details_confirmed=True,
        reintegration_reviewed=True,
        contacts_given=True,
    )


def depart(world, booking):
    """The booking's movement left an hour ago and its departure is confirmed today (after
    the final discussion, R-TRV-8)."""
    if not FinalDiscussion.objects.filter(booking=booking).exists():
        discuss(world, booking)
    movement = booking.movement
    movement.refresh_from_db()
    movement.departs_at = timezone.now() - datetime.timedelta(hours=1)
    movement.save(update_fields=["departs_at"])
    return services.movement_confirm_departure(
        actor=world.user("movement_officer", "niamey"),
        movement_id=movement.pk,
        departed_on=timezone.localdate(timezone=ZoneInfo("Africa/Niamey")),
    )
