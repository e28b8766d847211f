"""Models of the movements app.

Imports of the authorities' notification lists (R-ARR-3) come first; movements, bookings and
arrivals (phases 2–4) are kept apart below them.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.clock import office_day
from homeward.accounts.models import Office
from homeward.cases.models import Case
from homeward.core.deadlines import departure_confirmation_due
from homeward.core.models import BaseModel
from homeward.people.models import Person
from homeward.programmes.models import Programme, ReturnScheme

# --- Imports of notification lists (R-ARR-3) ------------------------------------------------


IMPORTABLE_SCHEMES = (ReturnScheme.FORCED, ReturnScheme.OTHER_ACTOR)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ImportBatch(BaseModel):
    """One import of an authority's notification list of forced or other-actor returns into
    an origin office: the file's fingerprint, progress, counts and the rows with problems."""

    office = models.ForeignKey(
        Office, verbose_name=_("origin office"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.CharField(
        _("return scheme"),
        max_length=16,
        choices=[(s, ReturnScheme(s).label) for s in IMPORTABLE_SCHEMES],
        default=ReturnScheme.FORCED,
        help_text=_("For rows that do not name their scheme"),
    )
    file_name = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(_("file fingerprint"), max_length=64, db_index=True)
    file_kind = models.CharField(_("file type"), max_length=4)  # "csv" or "xlsx"
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # Counts from the check made when the batch was created.
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    invalid_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    duplicate_rows = models.PositiveIntegerField(_("rows repeated in the file"), default=0)
    already_imported_rows = models.PositiveIntegerField(_("rows already imported"), default=0)
    # Progress and outcome of the run.
    rows_to_import = models.PositiveIntegerField(_("rows to import"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    created_cases = models.PositiveIntegerField(_("cases opened"), default=0)
    skipped_rows = models.PositiveIntegerField(_("rows skipped"), default=0)
    failed_rows = models.PositiveIntegerField(_("rows that failed"), default=0)
    likely_duplicates = models.PositiveIntegerField(_("cases with likely duplicates"), default=0)
    # Rows with a problem, in file order: {"row", "status", "name", "errors": {field: [..]}}.
    report = models.JSONField(default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification list import")
        verbose_name_plural = _("notification list imports")
        indexes = [models.Index(fields=["office", "-created_at"], name="import_office_recent")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d})"

    @property
    def percent_done(self) -> int:
        if not self.rows_to_import:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_to_import))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)


class ImportedRow(models.Model):
    """A notification-list row that opened a case, under its natural key, so that the same
    returnee (in the same file, a re-export or another list) is never imported twice into
    the office. The flight date and origin come from the list."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="rows")
    # Indexed by unique_imported_row (office, row_key).
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+", db_index=False)
    # sha256 of the authority's reference, or of names, birth data, sex and flight date.
    row_key = models.CharField(max_length=64)
    row_number = models.PositiveIntegerField(_("row"))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="notification")
    authority_reference = models.CharField(_("authority reference"), max_length=64, blank=True)
    flight_date = models.DateField(_("flight date"))
    flight_origin = models.CharField(_("flight origin"), max_length=100)
    likely_duplicate = models.BooleanField(_("likely duplicate"), default=False)

    class Meta:
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["office", "row_key"], name="unique_imported_row")
        ]

    def __str__(self) -> str:
        return f"{self.batch_id} row {self.row_number}"


# --- Movements, bookings and arrivals (phases 2–4) ------------------------------------------


class TravelDocumentKind(models.TextChoices):
    LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer")
    TEMPORARY = "temporary", _("Temporary travel document")
    PASSPORT_RENEWAL = "passport_renewal", _("Passport renewal")


class TravelDocumentStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    REFUSED = "refused", _("Refused")


class TravelDocumentRequest(BaseModel):
    """R-TRV-1: a travel document requested from an authority for a case, tracked to issue."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="travel_documents")
    kind = models.CharField(_("document"), max_length=20, choices=TravelDocumentKind.choices)
    requested_on = models.DateField(_("requested on"))
    authority = models.CharField(_("authority"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=TravelDocumentStatus.choices,
        default=TravelDocumentStatus.REQUESTED,
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    number = models.CharField(_("number"), max_length=64, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["case", "-requested_on"]
        verbose_name = _("travel document request")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    def valid_on(self, day) -> bool:
        return self.status == TravelDocumentStatus.ISSUED and (
            self.expires_on is None or self.expires_on >= day
        )


class Means(models.TextChoices):
    FLIGHT = "flight", _("Commercial flight")
    CHARTER = "charter", _("Charter flight")
    BUS = "bus", _("Bus")
    BOAT = "boat", _("Boat")


class MovementStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    BOOKED = "booked", _("Booked")
    DEPARTED = "departed", _("Departed")
    CANCELLED = "cancelled", _("Cancelled")


#: R-TRV-5: a movement of more than this many migrants is a large-scale return.
LARGE_SCALE_THRESHOLD = 50


class Movement(BaseModel):
    """A group travel from a host office to an origin office (one flight, bus or boat)."""

    host_office = models.ForeignKey(
        Office, verbose_name=_("host office"), on_delete=models.PROTECT, related_name="+"
    )
    origin_office = models.ForeignKey(
        Office, verbose_name=_("origin office"), on_delete=models.PROTECT, related_name="+"
    )
    means = models.CharField(_("means of travel"), max_length=8, choices=Means.choices)
    departs_at = models.DateTimeField(_("departure"))
    departure_place = models.CharField(_("from"), max_length=150)
    arrival_place = models.CharField(_("to"), max_length=150)
    carrier_reference = models.CharField(_("carrier / flight number"), max_length=64, blank=True)
    luggage_allowance = models.CharField(_("luggage allowance"), max_length=150)
    airspace_countries = models.CharField(
        _("countries whose airspace is crossed"),
        max_length=200,
        blank=True,
        help_text=_("Charter flights: ISO codes separated by commas (R-TRV-5)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MovementStatus.choices, default=MovementStatus.PLANNED
    )
    departed_on = models.DateField(_("departed on"), null=True, blank=True)
    departure_confirmed_at = models.DateTimeField(_("departure confirmed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["departs_at"]
        verbose_name = _("movement")
        indexes = [models.Index(fields=["host_office", "departs_at"], name="movement_host_date")]

    def __str__(self) -> str:
        return f"{self.get_means_display()} {self.departure_place} → {self.arrival_place}"

    @property
    def departure_confirmed_late(self) -> bool:
        """R-TRV-10: confirmed after the second day following departure (days of the host
        office's time zone)."""
        if not (self.departed_on and self.departure_confirmed_at):
            return False
        confirmed = office_day(self.host_office, self.departure_confirmed_at)
        return confirmed > departure_confirmation_due(self.departed_on)


class MovementLeg(models.Model):
    """One leg of a movement; a leg ending at a transit point makes the travel indirect."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="legs")
    sequence = models.PositiveSmallIntegerField(_("order"))
    from_place = models.CharField(_("from"), max_length=150)
    to_place = models.CharField(_("to"), max_length=150)
    departs_at = models.DateTimeField(_("departure"), null=True, blank=True)
    carrier_reference = models.CharField(_("carrier / flight number"), max_length=64, blank=True)
    transit_office = models.ForeignKey(
        Office,
        verbose_name=_("transit office"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The office assisting at the transit point at the end of this leg."),
    )

    class Meta:
        ordering = ["movement", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "sequence"], name="unique_leg_order")
        ]

    def __str__(self) -> str:
        return f"{self.from_place} → {self.to_place}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    TICKETED = "ticketed", _("Ticket issued")
    DEPARTED = "departed", _("Departed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_BOOKING = (BookingStatus.BOOKED, BookingStatus.TICKETED)


class Booking(BaseModel):
    """A case's seat on a movement, with its escorts and ticket."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="bookings")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(
        _("status"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    medical_escort = models.BooleanField(_("medical escort"), default=False)
    operational_escort = models.BooleanField(_("operational escort"), default=False)
    escort_notes = models.CharField(_("escort details"), max_length=255, blank=True)
    needs_airport_assistance = models.BooleanField(_("airport assistance"), default=False)
    needs_onward_transport = models.BooleanField(_("onward transport"), default=False)
    needs_temporary_shelter = models.BooleanField(_("temporary shelter"), default=False)
    final_destination = models.CharField(_("final destination"), max_length=150, blank=True)
    assistance_notes = models.TextField(
        _("assistance received or due under the host country's project"), blank=True
    )
    ticket_number = models.CharField(_("ticket number"), max_length=64, blank=True)
    ticket_issued_on = models.DateField(_("ticket issued on"), null=True, blank=True)
    informed_on = models.DateField(
        _("migrant told travel details and luggage allowance on"), null=True, blank=True
    )
    # R-SUS-1: set when returns to the destination are suspended after booking.
    review_required = models.BooleanField(_("to review"), default=False)
    review_reason = models.CharField(_("why to review"), max_length=255, blank=True)
    cancellation_reason = models.CharField(_("why cancelled"), max_length=255, blank=True)
    # A booking made by rebooking the case from another movement (missed flight, new date).
    rebooked_from = models.OneToOneField(
        "self",
        verbose_name=_("rebooked from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rebooked_to",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["movement", "created_at"]
        verbose_name = _("booking")
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=["booked", "ticketed"]),
                name="one_active_booking_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} on {self.movement_id}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_BOOKING


class Suspension(BaseModel):
    """R-SUS-1: returns to a country (or one of its areas) suspended for a period."""

    country = models.ForeignKey(
        "geo.Country", verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    admin_area = models.ForeignKey(
        "geo.AdminArea",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty to suspend returns to the whole country."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Lifted by a programme manager: returns are accepted again from `lifted_on` (the
    # suspension's `ends_on` becomes the day before).
    lifted_on = models.DateField(_("returns accepted again from"), null=True, blank=True)
    lift_reason = models.TextField(_("why lifted"), blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("suspension of returns")

    def __str__(self) -> str:
        return f"{self.admin_area or self.country_id} {self.starts_on}"

    @property
    def is_lifted(self) -> bool:
        return self.lifted_on is not None

    def active_on(self, day) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


class AbnStatus(models.TextChoices):
    SENT = "sent", _("Sent, awaiting confirmation")
    CONFIRMED = "confirmed", _("Reception confirmed")
    QUERIED = "queried", _("Queried")


class AdvanceBookingNotification(BaseModel):
    """R-TRV-3/4: the notice of a movement sent to the origin office, and its answer.

    `content` is the general copy (what every reader of the origin office sees); `protection`
    holds trafficking-protection detail per case reference, shown only to readers of that
    group (R-VOT-3)."""

    movement = models.ForeignKey(Movement, on_delete=models.PROTECT, related_name="abns")
    origin_office = models.ForeignKey(
        Office, verbose_name=_("origin office"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AbnStatus.choices, default=AbnStatus.SENT
    )
    sent_at = models.DateTimeField(_("sent"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    send_due = models.DateField(_("to send by"))
    sent_late = models.BooleanField(_("sent late"), default=False)
    confirmation_due = models.DateField(_("confirmation due"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responded_late = models.BooleanField(_("answered late"), default=False)
    message = models.TextField(_("message"), blank=True)
    case_ids = models.JSONField(default=list)
    content = models.JSONField(default=dict)
    protection = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("advance booking notification")
        indexes = [
            models.Index(fields=["origin_office", "status"], name="abn_office_status"),
        ]

    def __str__(self) -> str:
        return f"ABN {self.movement_id} {self.sent_at:%Y-%m-%d}"


class FinalDiscussion(BaseModel):
    """R-TRV-8: before departure, travel details confirmed, reintegration assistance reviewed
    and origin-office contacts given."""

    booking = models.OneToOneField(
        Booking, on_delete=models.PROTECT, related_name="final_discussion"
    )
    held_on = models.DateField(_("held on"))
    travel_details_confirmed = models.BooleanField(_("travel details confirmed"), default=False)
    reintegration_reviewed = models.BooleanField(
        _("reintegration assistance reviewed"), default=False
    )
    contacts_given = models.BooleanField(_("origin office contacts given"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("final discussion")


class TransitAssistanceRequest(BaseModel):
    """R-TRV-11: assistance asked of a transit office for an indirect movement."""

    movement = models.ForeignKey(
        Movement, on_delete=models.PROTECT, related_name="transit_requests"
    )
    leg = models.ForeignKey(MovementLeg, on_delete=models.PROTECT, related_name="+")
    transit_office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested"))
    migrants = models.PositiveIntegerField(_("migrants"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["movement", "leg"], name="unique_transit_request")
        ]
