"""Reads of phases 2–3: movements of a host office, a movement's board, the ABN inbox of an
origin office, an ABN as its reader may see it (R-VOT-3) and the worklists of deadlines."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_day, office_today
from homeward.accounts.roles import FieldGroup, Perm
from homeward.accounts.selectors import calendars_for
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record
from homeward.cases.models import Phase, VulnerabilityCategory
from homeward.cases.policies import readable_groups_for_case
from homeward.core.deadlines import (
    DeadlineStatus,
    abn_latest_send_date,
    deadline_status,
    departure_confirmation_due,
)
from homeward.core.errors import NotFound, parse_uuid
from homeward.people.models import IdentityDocument
from homeward.registration.models import HealthAssessment
from homeward.registration.services import age_on

from .abn_display import AbnDisplay, abn_display
from .models import (
    ACTIVE_BOOKING,
    LARGE_SCALE_THRESHOLD,
    AbnStatus,
    AdvanceBookingNotification,
    Booking,
    BookingStatus,
    Movement,
    MovementStatus,
    Suspension,
    TransitAssistanceRequest,
    TravelDocumentRequest,
    TravelDocumentStatus,
)
from .services import (
    TRAVEL_DOCUMENT_KINDS,
    UMC_ESCORT_AGE,
    departure_day,
    departure_reasons,
    large_scale_requirements,
)


def _viewable_offices(actor) -> frozenset:
    return access_for(actor).offices_with(Perm.CASE_VIEW)


def movement_list_for(actor, *, past: bool = False):
    """Movements leaving the actor's host offices or coming to their origin offices, with
    their active bookings: upcoming ones soonest first, or (`past`) departed and cancelled
    ones latest first. No personal data: routes, dates and head counts."""
    offices = _viewable_offices(actor)
    movements = (
        Movement.objects.filter(Q(host_office__in=offices) | Q(origin_office__in=offices))
        .select_related("host_office", "origin_office")
        .annotate(migrants=Count("bookings", filter=Q(bookings__status__in=ACTIVE_BOOKING)))
    )
    ended = [MovementStatus.DEPARTED, MovementStatus.CANCELLED]
    if past:
        return movements.filter(status__in=ended).order_by("-departs_at")
    return movements.exclude(status__in=ended).order_by("departs_at")


def movement_get_for(actor, *, movement_id) -> Movement:
    """A movement seen by its host or origin office; NotFound otherwise."""
    offices = _viewable_offices(actor)
    movement = (
        Movement.objects.select_related("host_office", "origin_office")
        .filter(pk=parse_uuid(movement_id, _("Movement not found.")))
        .filter(Q(host_office__in=offices) | Q(origin_office__in=offices))
        .first()
    )
    if movement is None:
        raise NotFound(_("Movement not found."))
    return movement


@dataclass
class BoardRow:
    booking: Booking
    travel_document: bool
    escort_reasons: list = field(default_factory=list)
    suspended: str = ""
    abn: str = ""  # "", sent, confirmed, queried — of the latest ABN listing the case
    final_discussion: bool = False

    @property
    def abn_label(self) -> str:
        return AbnStatus(self.abn).label if self.abn else ""

    @property
    def ready(self) -> bool:
        """Ready to travel: document, escorts, no suspension, ABN confirmed (R-TRV-2) and
        the final discussion held (R-TRV-8)."""
        return (
            self.travel_document
            and not self.escort_reasons
            and not self.suspended
            and self.abn == AbnStatus.CONFIRMED
            and self.final_discussion
        )

    @property
    def travelling(self) -> bool:
        """The case is booked to travel (travel booked), not withdrawn after its ticket."""
        return self.booking.case.phase == Phase.TRAVEL_BOOKED

    @property
    def needs_ticket_again(self) -> bool:
        """Rebooked after its ticket: the new booking's ticket is not issued yet."""
        return self.travelling and self.booking.status == BookingStatus.BOOKED


@dataclass
class Board:
    movement: Movement
    rows: list
    abns: list
    large_scale: list
    legs: list

    @property
    def migrants(self) -> int:
        return len(self.rows)

    @property
    def departure_blockers(self) -> list:
        """R-TRV-8, R-TRV-2: the cases holding the departure back, by reference (the same
        reasons `movement_confirm_departure` refuses with)."""
        return departure_reasons([r.booking for r in self.rows])


def movement_board(actor, *, movement_id) -> Board:
    """Every active booking of a movement with its readiness (R-TRV-1, R-TRV-2, R-TRV-6,
    R-SUS-1), in a fixed number of queries whatever the number of bookings."""
    movement = movement_get_for(actor, movement_id=movement_id)
    day = departure_day(movement)
    bookings = list(
        movement.bookings.filter(status__in=ACTIVE_BOOKING)
        .select_related(
            "case__person",
            "case__intended_return_area__parent__parent",
            "final_discussion",
            "rebooked_from__movement",
        )
        .prefetch_related("case__flags")
        .order_by("created_at")
    )
    case_ids = [b.case_id for b in bookings]
    person_ids = [b.case.person_id for b in bookings]
    valid = Q(expires_on__isnull=True) | Q(expires_on__gte=day)
    with_document = set(
        IdentityDocument.objects.filter(person_id__in=person_ids, kind__in=TRAVEL_DOCUMENT_KINDS)
        .filter(valid)
        .values_list("person_id", flat=True)
    ) | set(
        TravelDocumentRequest.objects.filter(
            case_id__in=case_ids, status=TravelDocumentStatus.ISSUED
        )
        .filter(valid)
        .values_list("case__person_id", flat=True)
    )
    medical = set(
        HealthAssessment.objects.filter(
            case_id__in=case_ids, needs_medical_escort=True
        ).values_list("case_id", flat=True)
    )
    suspensions = list(
        Suspension.objects.filter(country_id=movement.origin_office.country_id, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("admin_area")
    )
    abns = list(movement.abns.select_related("responded_by").order_by("-sent_at"))
    large = len(bookings) > LARGE_SCALE_THRESHOLD
    rows = []
    for booking in bookings:
        case = booking.case
        categories = {f.category for f in case.flags.all()}
        reasons = []
        if not booking.medical_escort and (
            case.pk in medical or VulnerabilityCategory.MEDICAL_CONDITION in categories
        ):
            reasons.append(_("medical escort"))
        if not booking.operational_escort:
            age = age_on(case.person, day)
            child = VulnerabilityCategory.UMC in categories and age is not None
            if large or (child and age < UMC_ESCORT_AGE):
                reasons.append(_("operational escort"))
        rows.append(
            BoardRow(
                booking=booking,
                travel_document=case.person_id in with_document,
                escort_reasons=reasons,
                suspended=_suspension_of(case, suspensions),
                abn=next((a.status for a in abns if str(case.pk) in a.case_ids), ""),
                final_discussion=hasattr(booking, "final_discussion"),
            )
        )
    return Board(
        movement=movement,
        rows=rows,
        abns=abns,
        large_scale=large_scale_requirements(movement, len(bookings)),
        legs=list(movement.legs.select_related("transit_office")),
    )


def _suspension_of(case, suspensions) -> str:
    areas, area = set(), case.intended_return_area
    while area is not None:
        areas.add(area.pk)
        area = area.parent if area.parent_id else None
    for s in suspensions:
        if s.admin_area_id is None or s.admin_area_id in areas:
            return s.reason
    return ""


# --- ABN inbox and copies ------------------------------------------------------------------


@dataclass
class InboxRow:
    abn: AdvanceBookingNotification
    status: DeadlineStatus


def abn_inbox_for(actor, *, today: datetime.date | None = None) -> list[InboxRow]:
    """ABNs sent to the origin offices where the actor works, open ones first (R-TRV-4).
    Deadlines are read on each origin office's own day unless `today` is given."""
    offices = _viewable_offices(actor)
    abns = (
        AdvanceBookingNotification.objects.filter(origin_office__in=offices)
        .select_related("movement__host_office", "origin_office")
        .order_by("confirmation_due", "-sent_at")[:200]
    )
    rows = []
    for abn in abns:
        # A query is an answer in time too: the host office must then send an updated ABN.
        office = abn.origin_office
        done = office_day(office, abn.responded_at) if abn.responded_at else None
        day = today or office_today(office)
        rows.append(InboxRow(abn, deadline_status(abn.confirmation_due, today=day, done_on=done)))
    rows.sort(key=lambda r: (not r.status.is_open, r.abn.confirmation_due))
    return rows


@dataclass
class AbnCopy:
    abn: AdvanceBookingNotification
    content: dict
    protection: dict  # {reference: [{group, category, note}]} the reader may see
    can_answer: bool

    def display(self) -> AbnDisplay:
        """R-TRV-3: this copy with its codes' labels in the active language (the page's,
        the request's or the PDF's); ABNs stored with labels only show those labels."""
        return abn_display(self.content, self.protection)


def abn_copy_for(actor, *, abn_id, record_view: bool = True) -> AbnCopy:
    """The ABN as `actor` may read it: the general copy, plus protection detail of the
    cases whose trafficking or GBV group the actor may read (R-VOT-3)."""
    offices = _viewable_offices(actor)
    abn = (
        AdvanceBookingNotification.objects.select_related(
            "movement__host_office", "movement__origin_office", "origin_office", "sent_by"
        )
        .filter(pk=parse_uuid(abn_id, _("Notification not found.")))
        .filter(Q(origin_office__in=offices) | Q(movement__host_office__in=offices))
        .first()
    )
    if abn is None:
        raise NotFound(_("Notification not found."))
    protection = {}
    if abn.protection:
        from homeward.cases.models import Case

        cases = Case.objects.filter(reference__in=list(abn.protection)).select_related(
            "origin_office", "host_office"
        )
        for case in cases:
            groups = readable_groups_for_case(actor, case)
            shown = [p for p in abn.protection[case.reference] if p["group"] in groups]
            if shown:
                protection[case.reference] = shown
    access = access_for(actor)
    if record_view:
        audit_record(
            actor=actor,
            action=AuditAction.VIEW,
            obj=abn,
            offices=[abn.origin_office_id, abn.movement.host_office_id],
            summary=gettext_lazy("Advance Booking Notification read"),
            changes={"protection": sorted(protection)},
            restricted_group=protection_group(protection),
        )
    return AbnCopy(
        abn=abn,
        content=abn.content,
        protection=protection,
        can_answer=Perm.ABN_CONFIRM in access.perms_at({abn.origin_office_id})
        and abn.status != AbnStatus.CONFIRMED,
    )


def protection_group(protection: dict) -> str:
    """The field group an audit line about this protection detail is restricted to
    (trafficking first when both trafficking and GBV detail were shown)."""
    groups = {p["group"] for items in protection.values() for p in items}
    for group in (FieldGroup.TRAFFICKING, FieldGroup.GBV):
        if group in groups:
            return str(group)
    return ""


# --- Worklists ------------------------------------------------------------------------------


@dataclass
class WorkItem:
    kind: str  # send_abn, confirm_departure, answer_abn
    label: str
    due: datetime.date
    status: DeadlineStatus
    movement: Movement
    abn: AdvanceBookingNotification | None = None


def worklist_for(actor, *, today: datetime.date | None = None) -> list[WorkItem]:
    """Open deadlines of the actor's offices: ABNs to send (R-TRV-3) and departures to
    confirm (R-TRV-10) at host offices, ABNs to answer (R-TRV-4) at origin offices.
    Each item's status is read on the day of the office that must act (its own time zone)
    unless `today` is given."""
    todays = {}

    def today_at(office) -> datetime.date:
        if today is not None:
            return today
        if office.pk not in todays:
            todays[office.pk] = office_today(office)
        return todays[office.pk]

    access = access_for(actor)
    book_offices = access.offices_with(Perm.TRAVEL_BOOK)
    depart_offices = access.offices_with(Perm.TRAVEL_DEPART)
    answer_offices = access.offices_with(Perm.ABN_CONFIRM)
    items = []
    movements = list(
        Movement.objects.filter(
            host_office__in=book_offices | depart_offices,
            status__in=[MovementStatus.PLANNED, MovementStatus.BOOKED],
        )
        .select_related("host_office", "origin_office")
        .annotate(
            migrants=Count("bookings", filter=Q(bookings__status__in=ACTIVE_BOOKING)),
            abn_count=Count("abns"),
        )
    )
    calendars = calendars_for({m.host_office for m in movements})
    latest = {}  # the last ABN of each movement
    for abn in AdvanceBookingNotification.objects.filter(
        movement__in=[m.pk for m in movements if m.abn_count]
    ).order_by("sent_at"):
        latest[abn.movement_id] = abn
    for movement in movements:
        day = departure_day(movement)
        host_today = today_at(movement.host_office)
        last = latest.get(movement.pk)
        if movement.host_office_id in book_offices and last and last.status == AbnStatus.QUERIED:
            due = abn_latest_send_date(day, calendars[movement.host_office_id])
            items.append(
                WorkItem(
                    "answer_query",
                    _("Answer the origin office's query and send an updated ABN"),
                    due,
                    deadline_status(due, today=host_today),
                    movement,
                )
            )
        if movement.host_office_id in book_offices and movement.migrants and not movement.abn_count:
            due = abn_latest_send_date(day, calendars[movement.host_office_id])
            items.append(
                WorkItem(
                    "send_abn",
                    _("Send the ABN"),
                    due,
                    deadline_status(due, today=host_today),
                    movement,
                )
            )
        if (
            movement.host_office_id in depart_offices
            and movement.status == MovementStatus.BOOKED
            and day <= host_today
        ):
            due = departure_confirmation_due(day)
            items.append(
                WorkItem(
                    "confirm_departure",
                    _("Confirm the departure"),
                    due,
                    deadline_status(due, today=host_today),
                    movement,
                )
            )
    abns = AdvanceBookingNotification.objects.filter(
        origin_office__in=answer_offices, status=AbnStatus.SENT
    ).select_related("movement__host_office", "movement__origin_office", "origin_office")
    for abn in abns:
        items.append(
            WorkItem(
                "answer_abn",
                _("Confirm reception (ABN)"),
                abn.confirmation_due,
                deadline_status(abn.confirmation_due, today=today_at(abn.origin_office)),
                abn.movement,
                abn,
            )
        )
    # R-TRV-11: transit offices see the assistance asked of them until the travel day.
    transit_offices = access.offices_with(Perm.CASE_VIEW)
    requests = TransitAssistanceRequest.objects.filter(
        transit_office__in=transit_offices,
        movement__status__in=[MovementStatus.PLANNED, MovementStatus.BOOKED],
    ).select_related("movement__host_office", "movement__origin_office", "transit_office")
    for request in requests:
        day = departure_day(request.movement)
        items.append(
            WorkItem(
                "transit_assistance",
                _("Assist %(n)s returnees in transit") % {"n": request.migrants},
                day,
                deadline_status(day, today=today_at(request.transit_office)),
                request.movement,
            )
        )
    items.sort(key=lambda i: i.due)
    return items


def booking_status_label(status: str) -> str:
    return BookingStatus(status).label


# --- Rebooking and suspensions ---------------------------------------------------------------


def rebook_targets_for(actor, *, booking: Booking):
    """Movements a booking may be moved to: same host and origin offices, still taking
    bookings, not yet left, other than its own; soonest first."""
    if Perm.TRAVEL_BOOK not in access_for(actor).perms_at({booking.movement.host_office_id}):
        return Movement.objects.none()
    return (
        Movement.objects.filter(
            host_office_id=booking.movement.host_office_id,
            origin_office_id=booking.movement.origin_office_id,
            status__in=[MovementStatus.PLANNED, MovementStatus.BOOKED],
            departs_at__gt=timezone.now(),
        )
        .exclude(pk=booking.movement_id)
        .select_related("host_office")
        .order_by("departs_at")
    )


def suspension_list(*, limit: int = 50) -> list:
    """Suspensions of returns, the latest first, with who set and lifted them (R-SUS-1)."""
    return list(
        Suspension.objects.select_related("country", "admin_area", "set_by", "lifted_by")[:limit]
    )
