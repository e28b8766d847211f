import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.clock import office_today
from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup
from homeward.core.models import BaseModel
from homeward.geo.models import AdminArea
from homeward.people.models import Person
from homeward.programmes.models import Programme, ReturnScheme


class Phase(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    COUNSELLING = "counselling", _("Counselling")
    REGISTERED = "registered", _("Registered")
    PRE_DEPARTURE = "pre_departure", _("Pre-departure")
    TRAVEL_BOOKED = "travel_booked", _("Travel booked")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    REINTEGRATION = "reintegration", _("Reintegration")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    DECLINED_UNSAFE = "declined_unsafe", _("Declined: return not safe")
    REFERRED_ASYLUM = "referred_asylum", _("Referred for asylum")


class Case(BaseModel):
    reference = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cases")
    scheme = models.CharField(_("return scheme"), max_length=16, choices=ReturnScheme.choices)
    host_office = models.ForeignKey(
        Office,
        verbose_name=_("host office"),
        on_delete=models.PROTECT,
        related_name="hosted_cases",
        db_index=False,  # the (host_office, -updated_at) index serves lookups by office
        null=True,
        blank=True,
    )
    origin_office = models.ForeignKey(
        Office,
        verbose_name=_("origin office"),
        on_delete=models.PROTECT,
        related_name="origin_cases",
        db_index=False,  # the (origin_office, -updated_at) index serves lookups by office
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
        db_index=False,  # the (assigned_to, phase) index serves lookups by assignee
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=Phase.choices, default=Phase.IDENTIFIED, editable=False
    )
    phase_changed_at = models.DateTimeField(_("phase changed"), auto_now_add=True)
    intended_return_area = models.ForeignKey(
        AdminArea,
        verbose_name=_("intended return area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    family_members = models.ManyToManyField(
        "self", verbose_name=_("family members returning together"), symmetrical=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    # R-VOT-3: set by the consent service while the migrant's consent to share protection
    # detail with the assigned case manager is in force; cleared at once on withdrawal.
    protection_shared_with_assignee = models.BooleanField(default=False, editable=False)
    # The person's folded spellings, copied here by the people service so that searching
    # a list needs no join (kept in step by people.services.refresh_search_text).
    search_text = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["origin_office", "-updated_at"], name="case_origin_recent"),
            models.Index(fields=["host_office", "-updated_at"], name="case_host_recent"),
            models.Index(fields=["-updated_at"], name="case_recent"),
            models.Index(fields=["assigned_to", "phase"], name="case_assignee_phase"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def office_ids(self) -> tuple:
        return tuple(o for o in (self.host_office_id, self.origin_office_id) if o is not None)

    def today(self) -> datetime.date:
        """The day it is at the office acting on the case: the host office while the migrant
        is in the host country, the origin office for returns that open at arrival."""
        return office_today(self.host_office or self.origin_office)


class ReferenceSequence(models.Model):
    """The last number issued per origin country and year; rows are locked to issue numbers."""

    country_code = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "year"], name="unique_reference_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_code}-{self.year}: {self.last_number}"


class CaseEvent(models.Model):
    """One entry of a case's timeline: who did what, when, from which phase to which, why."""

    # Indexed by case_event_timeline (case, -at).
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events", db_index=False)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=32)
    from_phase = models.CharField(_("from"), max_length=16, choices=Phase.choices, blank=True)
    to_phase = models.CharField(_("to"), max_length=16, choices=Phase.choices, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="case_event_timeline")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.from_phase}→{self.to_phase}"


class VulnerabilityCategory(models.TextChoices):
    """R-VUL-2 categories; each belongs to a field group that decides who may see it."""

    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    MEDICAL_CONDITION = "medical_condition", _("Significant medical condition")
    MENTAL_HEALTH = "mental_health", _("Mental health needs")
    TRAFFICKING = "trafficking", _("Victim of trafficking")
    GBV = "gbv", _("Victim of violence, exploitation or abuse (incl. GBV)")
    ELDERLY = "elderly", _("Elderly")
    UMC = "umc", _("Unaccompanied or separated child")
    SINGLE_HEADED = "single_headed", _("Single-headed household")
    FEMALE_HEADED = "female_headed", _("Female-headed household")
    PREGNANCY = "pregnancy", _("Pregnancy")
    DISABILITY = "disability", _("Disability")
    OTHER = "other", _("Other vulnerability")


CATEGORY_GROUP = {
    VulnerabilityCategory.CHRONIC_ILLNESS: FieldGroup.MEDICAL,
    VulnerabilityCategory.MEDICAL_CONDITION: FieldGroup.MEDICAL,
    VulnerabilityCategory.MENTAL_HEALTH: FieldGroup.MEDICAL,
    VulnerabilityCategory.PREGNANCY: FieldGroup.MEDICAL,
    VulnerabilityCategory.TRAFFICKING: FieldGroup.TRAFFICKING,
    VulnerabilityCategory.GBV: FieldGroup.GBV,
}


def category_group(category: str) -> FieldGroup:
    return CATEGORY_GROUP.get(category, FieldGroup.VULNERABILITY)


class VulnerabilityFlag(models.Model):
    """A current vulnerability of a case; `field_group` decides which roles may see it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="flags")
    category = models.CharField(
        _("vulnerability"), max_length=24, choices=VulnerabilityCategory.choices
    )
    field_group = models.CharField(max_length=16, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="unique_case_flag")
        ]
        indexes = [models.Index(fields=["category", "case"], name="flag_category_case")]

    def __str__(self) -> str:
        return self.get_category_display()

    def save(self, *args, **kwargs):
        self.field_group = category_group(self.category)
        super().save(*args, **kwargs)
