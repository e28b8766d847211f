"""Phase 4, arrival in the country of origin: pocket money (R-ARR-4), reception and onward
transport (R-ARR-1, R-ARR-5), secondary movements (R-ARR-2) and handover of children
(R-ARR-6)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from homeward.cases.models import Case
from homeward.core.models import BaseModel
from homeward.geo.models import Country
from homeward.programmes.models import Programme

USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 14, "decimal_places": 2}


class PocketMoneyRate(BaseModel):
    """R-ARR-4: the pocket money set for a programme's returnees to one origin country."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="pocket_money_rates"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("origin country"), on_delete=models.PROTECT, related_name="+"
    )
    amount_eur = models.DecimalField(_("amount in EUR"), **MONEY)
    amount_local = models.DecimalField(_("amount in local currency"), **MONEY)
    currency = models.CharField(_("local currency"), max_length=3, help_text=_("ISO 4217 code"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["programme", "country", "-valid_from"]
        verbose_name = _("pocket money rate")
        verbose_name_plural = _("pocket money rates")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country", "valid_from"], name="unique_pocket_money_rate"
            ),
            models.CheckConstraint(
                condition=Q(amount_eur__gt=0) & Q(amount_local__gt=0),
                name="pocket_money_rate_positive",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="pocket_money_rate_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} — {self.country_id}: {self.amount_eur} EUR"

    def clean(self):
        import pycountry
        from django.core.exceptions import ValidationError

        errors = {}
        self.currency = (self.currency or "").upper()
        if self.currency and pycountry.currencies.get(alpha_3=self.currency) is None:
            errors["currency"] = _("Unknown currency code.")
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            errors["valid_to"] = _("The end comes before the start.")
        if not errors and self.programme_id and self.country_id and self.valid_from:
            overlapping = PocketMoneyRate.objects.filter(
                programme_id=self.programme_id, country_id=self.country_id
            ).exclude(pk=self.pk)
            if self.valid_to:
                overlapping = overlapping.filter(valid_from__lte=self.valid_to)
            overlapping = overlapping.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from)
            )
            if overlapping.exists():
                errors["valid_from"] = _(
                    "Another rate for this programme and country covers part of this period."
                )
        if errors:
            raise ValidationError(errors)


class PocketMoneyPayment(BaseModel):
    """R-ARR-4: the pocket-money ledger, one line per returnee, apart from reintegration
    assistance. A line either records the payment on arrival with its signed receipt, or
    that the returnee already received pocket money before departure."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="pocket_money")
    received_before_departure = models.BooleanField(
        _("already received before departure"), default=False
    )
    paid_on = models.DateField(_("paid on"))
    rate = models.ForeignKey(
        PocketMoneyRate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    amount_local = models.DecimalField(_("amount paid"), null=True, blank=True, **MONEY)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    exchange_rate = models.DecimalField(
        _("exchange rate (1 EUR in local currency)"),
        max_digits=16,
        decimal_places=6,
        null=True,
        blank=True,
    )
    amount_eur = models.DecimalField(_("amount in EUR"), null=True, blank=True, **MONEY)
    deviation_reason = models.TextField(_("reason for a different amount"), blank=True)
    note = models.TextField(_("note"), blank=True)
    paid_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # The signed acknowledgement of payment: a scan kept outside the web root, or a
    # signature made in the payer's presence.
    receipt_signed_in_presence = models.BooleanField(
        _("receipt signed in my presence"), default=False
    )
    receipt_storage_name = models.CharField(max_length=200, blank=True, editable=False)
    receipt_original_name = models.CharField(max_length=255, blank=True, editable=False)
    receipt_content_type = models.CharField(max_length=40, blank=True, editable=False)
    receipt_size = models.PositiveIntegerField(default=0, editable=False)
    receipt_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    office = models.ForeignKey(
        "accounts.Office", on_delete=models.PROTECT, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-paid_on", "-created_at"]
        verbose_name = _("pocket money payment")
        verbose_name_plural = _("pocket money payments")
        indexes = [models.Index(fields=["office", "-paid_on"], name="pocket_money_office_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(received_before_departure=True)
                | (
                    Q(amount_local__gt=0)
                    & Q(exchange_rate__gt=0)
                    & Q(amount_eur__gt=0)
                    & ~Q(currency="")
                ),
                name="pocket_money_paid_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.paid_on}"

    @property
    def has_receipt_scan(self) -> bool:
        return bool(self.receipt_storage_name)


class ReceptionReason(models.TextChoices):
    LARGE_SCALE = "large_scale", _("Large-scale return")
    VULNERABLE = "vulnerable", _("Vulnerable migrant needing immediate assistance")
    HOST_REQUEST = "host_request", _("Requested by the host office")
    OTHER = "other", _("Other")


class PlaceKind(models.TextChoices):
    AIRPORT = "airport", _("Airport")
    BUS_STATION = "bus_station", _("Bus station")
    BORDER = "border", _("Border crossing")
    OTHER = "other", _("Other")


class ReceptionPlan(BaseModel):
    """R-ARR-1: the reception planned at the airport or bus station for one returnee."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="reception_plan")
    reasons = models.JSONField(_("why reception is planned"), default=list)
    place_kind = models.CharField(_("place"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("airport, station or place"), max_length=200)
    expected_at = models.DateTimeField(_("expected arrival"))
    staff = models.ForeignKey(
        USER,
        verbose_name=_("receiving staff member"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    planned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["expected_at"]
        verbose_name = _("reception plan")

    def __str__(self) -> str:
        return f"{self.case_id} {self.place}"


class ReceptionRequest(BaseModel):
    """R-ARR-1: a host office asks the origin office to receive a returnee."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reception_requests")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("reception request")

    def __str__(self) -> str:
        return f"{self.case_id} reception request"


class Provision(models.TextChoices):
    PROVIDED = "provided", _("Provided")
    DECLINED = "declined", _("Offered, declined by the returnee")
    NOT_NEEDED = "not_needed", _("Not needed")
    NOT_PROVIDED = "not_provided", _("Not provided")


class ArrivalRecord(BaseModel):
    """R-ARR-1, R-ARR-5: the returnee's arrival, who received them, immediate needs, onward
    transport and overnight accommodation."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="arrival")
    arrived_at = models.DateTimeField(_("arrived at"))
    place_kind = models.CharField(_("place"), max_length=12, choices=PlaceKind.choices)
    place = models.CharField(_("airport, station or place"), max_length=200)
    received_by = models.ForeignKey(
        USER, verbose_name=_("received by"), on_delete=models.PROTECT, related_name="+"
    )
    immediate_needs = models.TextField(_("immediate needs"), blank=True)
    onward_transport = models.CharField(
        _("onward transport"), max_length=12, choices=Provision.choices
    )
    onward_transport_reason = models.CharField(_("why not provided"), max_length=255, blank=True)
    onward_destination = models.CharField(_("final destination"), max_length=200, blank=True)
    accommodation = models.CharField(
        _("overnight accommodation"), max_length=12, choices=Provision.choices
    )
    accommodation_reason = models.CharField(_("why not provided"), max_length=255, blank=True)
    vulnerable = models.BooleanField(_("vulnerable at arrival"), default=False, editable=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-arrived_at"]
        verbose_name = _("arrival")

    def __str__(self) -> str:
        return f"{self.case_id} arrived {self.arrived_at:%Y-%m-%d}"


class SecondaryMovement(BaseModel):
    """R-ARR-2: a returnee found not to be from the country of return, moved on to the
    actual country of origin and re-registered there (a new, linked case)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="secondary_movement")
    actual_country = models.ForeignKey(
        Country,
        verbose_name=_("actual country of origin"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    actual_origin_office = models.ForeignKey(
        "accounts.Office",
        verbose_name=_("actual origin office"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    new_case = models.OneToOneField(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="secondary_source"
    )
    findings = models.TextField(_("how it was found"))
    needs = models.TextField(_("temporary accommodation and basic needs meanwhile"), blank=True)
    old_case_closed = models.BooleanField(default=False, editable=False)
    closure_note = models.CharField(max_length=255, blank=True, editable=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("secondary movement")

    def __str__(self) -> str:
        return f"{self.case_id} → {self.actual_country_id}"


class OfficeNotice(BaseModel):
    """An in-app notice to an office about a case (also sent by e-mail on commit)."""

    class Kind(models.TextChoices):
        SECONDARY_MOVEMENT = "secondary_movement", _("Secondary movement")
        UMC_HANDOVER = "umc_handover", _("Child handed over")

    office = models.ForeignKey("accounts.Office", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    message = models.TextField()
    emailed_to = models.EmailField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["office", "-created_at"], name="notice_office_recent")]

    def __str__(self) -> str:
        return f"{self.office_id} {self.kind}"


class UmcHandover(BaseModel):
    """R-ARR-6: a returning child handed over to the legal guardian, with the UMC handover
    notification (arrival and handover details)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="umc_handover")
    guardian = models.ForeignKey(
        "registration.Guardian",
        verbose_name=_("legal guardian"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    identity_checked_with = models.CharField(_("guardian's identity checked with"), max_length=200)
    handed_over_at = models.DateTimeField(_("handed over at"))
    place = models.CharField(_("place of handover"), max_length=200)
    staff = models.ForeignKey(
        USER, verbose_name=_("staff member"), on_delete=models.PROTECT, related_name="+"
    )
    signed_in_presence = models.BooleanField(_("signed by the guardian in my presence"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("UMC handover")

    def __str__(self) -> str:
        return f"{self.case_id} handover"
