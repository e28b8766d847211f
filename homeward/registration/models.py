"""Phase 1 records (SOP steps 1–2): counselling, screening, special procedures, duplicates."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup
from homeward.cases.models import Case, VulnerabilityCategory, category_group
from homeward.core.models import BaseModel
from homeward.geo.models import AdminArea
from homeward.people.models import Person

USER = settings.AUTH_USER_MODEL


class SessionKind(models.TextChoices):
    RETURN = "return", _("Return counselling")
    REINTEGRATION = "reintegration", _("Pre-departure reintegration counselling")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class CounsellingSession(BaseModel):
    """R-CNS-1: one counselling session, in a language the migrant understands."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="counselling_sessions")
    kind = models.CharField(_("kind"), max_length=16, choices=SessionKind.choices)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    mode = models.CharField(_("mode"), max_length=12, choices=SessionMode.choices)
    language = models.CharField(_("language used"), max_length=8, help_text=_("ISO 639 code"))
    interpreter = models.CharField(_("interpreter"), max_length=200, blank=True)
    interpreted_into = models.CharField(
        _("interpreted into"),
        max_length=8,
        blank=True,
        help_text=_("ISO 639 code of the language the interpreter spoke with the migrant"),
    )
    participants = models.CharField(_("participants"), max_length=300, blank=True)
    counsellor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    # R-CNS-4: asked only when the migrant is in immigration detention.
    direct_access = models.BooleanField(_("direct access to the migrant"), null=True, blank=True)
    spoke_freely = models.BooleanField(
        _("conditions allowed the migrant to speak freely"), null=True, blank=True
    )

    class Meta:
        ordering = ["-held_on", "-created_at"]
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class Education(models.TextChoices):
    NONE = "none", _("None")
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    VOCATIONAL = "vocational", _("Vocational")
    UNIVERSITY = "university", _("University")


class DetentionGrounds(models.TextChoices):
    IMMIGRATION_ONLY = "immigration_only", _("Breach of immigration rules only")
    OTHER = "other", _("Other grounds (e.g. criminal proceedings)")


class CaseProfile(BaseModel):
    """R-CNS-2 and R-CNS-4: the migrant's situation and history, kept with the case."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="profile")
    current_situation = models.TextField(_("current situation"), blank=True)
    left_home_on = models.DateField(_("left home on"), null=True, blank=True)
    route = models.TextField(_("migration route"), blank=True)
    months_abroad = models.PositiveSmallIntegerField(_("months abroad"), null=True, blank=True)
    migration_cost = models.DecimalField(
        _("cost of migration"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    debt = models.DecimalField(
        _("debt incurred"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    cost_currency = models.CharField(_("currency"), max_length=3, blank=True)
    education = models.CharField(_("education"), max_length=12, choices=Education, blank=True)
    occupation = models.CharField(_("occupation"), max_length=200, blank=True)
    skills = models.TextField(_("skills"), blank=True)
    in_detention = models.BooleanField(_("in immigration detention"), default=False)
    detention_grounds = models.CharField(
        _("grounds of detention"), max_length=20, choices=DetentionGrounds, blank=True
    )
    returns_with_one_parent = models.BooleanField(
        _("child returning with only one of two custodial parents"), default=False
    )

    class Meta:
        verbose_name = _("case profile")

    def __str__(self) -> str:
        return f"profile {self.case_id}"


class AsylumOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for the migrant's decision")
    NOT_PURSUING = "not_pursuing", _("Migrant confirmed they do not wish to pursue asylum")
    PURSUING = "pursuing", _("Migrant is pursuing asylum")


class AsylumReferral(BaseModel):
    """R-CNS-3: a potential asylum seeker referred to UNHCR."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="asylum_referrals")
    referred_on = models.DateField(_("referred on"))
    referred_to = models.CharField(_("referred to"), max_length=200, default="UNHCR")
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=AsylumOutcome, default=AsylumOutcome.PENDING
    )
    decided_on = models.DateField(_("decision recorded on"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        verbose_name = _("asylum referral")

    def __str__(self) -> str:
        return f"{self.referred_to} {self.referred_on}"


class ScreeningStage(models.TextChoices):
    PRE_DEPARTURE = "pre_departure", _("Before departure")
    ARRIVAL = "arrival", _("On arrival")
    LATER = "later", _("Later reassessment")


class Capacity(models.TextChoices):
    ABLE = "able", _("Able to make an informed decision")
    UNABLE = "unable", _("Not able to make an informed decision")


class OfficeVulnerability(models.Model):
    """An office's configured "other vulnerability" (R-VUL-2); reference data."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="vulnerabilities")
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["office", "name"]
        verbose_name = _("other vulnerability")
        verbose_name_plural = _("other vulnerabilities")
        constraints = [
            models.UniqueConstraint(fields=["office", "name"], name="unique_office_vulnerability")
        ]

    def __str__(self) -> str:
        return self.name


class Screening(BaseModel):
    """R-VUL-1, R-VUL-2: one profile and vulnerability screening; screenings form a history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="screenings")
    stage = models.CharField(_("stage"), max_length=16, choices=ScreeningStage)
    screened_on = models.DateField(_("screened on"))
    screened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    capacity = models.CharField(_("decision capacity"), max_length=8, choices=Capacity)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-screened_on", "-created_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"{self.get_stage_display()} {self.screened_on}"


class ScreeningFinding(models.Model):
    """A vulnerability identified by a screening; its field group decides who may read it."""

    screening = models.ForeignKey(Screening, on_delete=models.CASCADE, related_name="findings")
    category = models.CharField(
        _("vulnerability"), max_length=24, choices=VulnerabilityCategory.choices
    )
    other = models.ForeignKey(
        OfficeVulnerability,
        verbose_name=_("other vulnerability"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field_group = models.CharField(max_length=16, editable=False)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class Meta:
        ordering = ["category"]

    def __str__(self) -> str:
        return str(self.other or self.get_category_display())

    def save(self, *args, **kwargs):
        self.field_group = category_group(self.category)
        super().save(*args, **kwargs)


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")


class Referral(BaseModel):
    """R-VUL-3: a referral proposed for an identified vulnerability (free-text provider)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="vulnerability_referrals")
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    category = models.CharField(
        _("vulnerability"), max_length=24, choices=VulnerabilityCategory.choices
    )
    field_group = models.CharField(max_length=16, editable=False)
    provider = models.CharField(_("service provider"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReferralStatus, default=ReferralStatus.PROPOSED
    )
    urgent = models.BooleanField(_("urgent (life-saving)"), default=False)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("referral")

    def __str__(self) -> str:
        return f"{self.get_category_display()} → {self.provider or '?'}"

    def save(self, *args, **kwargs):
        self.field_group = category_group(self.category)
        super().save(*args, **kwargs)


class TreatmentAtOrigin(models.TextChoices):
    AVAILABLE = "available", _("Available")
    UNAVAILABLE = "unavailable", _("Not available")


class HealthDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    RETURN = "return", _("Return")
    DO_NOT_RETURN = "do_not_return", _("Do not return (life-saving treatment unavailable)")
    RELOCATE = "relocate", _("Relocate to another area")


class HealthAssessment(BaseModel):
    """R-HLT-1: fitness to travel, treatment at origin, the decision and travel needs."""

    FIELD_GROUP = FieldGroup.MEDICAL

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="health")
    treatment_at_origin = models.CharField(
        _("treatment available at origin"), max_length=12, choices=TreatmentAtOrigin, blank=True
    )
    treatment_notes = models.TextField(_("treatment notes"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=HealthDecision, default=HealthDecision.PENDING
    )
    relocation_area = models.ForeignKey(
        AdminArea,
        verbose_name=_("relocation area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    needs_medication = models.BooleanField(_("medication during travel"), default=False)
    needs_wheelchair = models.BooleanField(_("wheelchair"), default=False)
    needs_stretcher = models.BooleanField(_("stretcher"), default=False)
    needs_medical_escort = models.BooleanField(_("medical escort"), default=False)
    travel_needs_notes = models.TextField(_("travel needs"), blank=True)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("health assessment")

    def __str__(self) -> str:
        return f"health {self.case_id}"


class BestInterests(models.TextChoices):
    PENDING = "pending", _("Not concluded")
    RETURN = "return", _("Return is in the child's best interests")
    NO_RETURN = "no_return", _("Return is not in the child's best interests")


class ChildProtection(BaseModel):
    """R-UMC-1: the conditions for an unaccompanied or separated child's return."""

    FIELD_GROUP = FieldGroup.VULNERABILITY

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="child_protection")
    guardian_confirmed_host = models.BooleanField(
        _("legal guardian's identity confirmed in the host country"), default=False
    )
    guardian_confirmed_origin = models.BooleanField(
        _("legal guardian's identity confirmed in the country of origin"), default=False
    )
    family_assessment_on = models.DateField(
        _("family assessment completed on"), null=True, blank=True
    )
    best_interests = models.CharField(
        _("best-interests determination"),
        max_length=12,
        choices=BestInterests,
        default=BestInterests.PENDING,
    )
    best_interests_on = models.DateField(_("determination concluded on"), null=True, blank=True)
    child_willing = models.BooleanField(_("the child is willing to return"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("child protection")

    def __str__(self) -> str:
        return f"child protection {self.case_id}"


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ProtectionOutcome(models.TextChoices):
    PENDING = "pending", _("Pending")
    SAFE = "safe", _("Return is safe and sustainable")
    UNSAFE = "unsafe", _("Return is not safe or not sustainable")


class ProtectionAssessment(BaseModel):
    """R-VOT-1, R-VOT-2: screening interview and risk assessment of a victim of trafficking,
    exploitation, abuse or violence. Readable only with the trafficking group (R-VOT-3)."""

    FIELD_GROUP = FieldGroup.TRAFFICKING

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="protection")
    interviewed_on = models.DateField(_("screening interview held on"), null=True, blank=True)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=RiskLevel, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=8, choices=ProtectionOutcome, default=ProtectionOutcome.PENDING
    )
    community_of_choice = models.ForeignKey(
        AdminArea,
        verbose_name=_("community of choice for return"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    protection_notes = models.TextField(_("risk and protection detail"), blank=True)
    assessed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("protection assessment")

    def __str__(self) -> str:
        return f"protection {self.case_id}"


class GuardianReason(models.TextChoices):
    MINOR = "minor", _("The migrant is a child")
    CAPACITY = "capacity", _("The migrant was assessed as unable to decide")


class Guardian(BaseModel):
    """R-VOL-3: the legal guardian associated with the return decision."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="guardians")
    reason = models.CharField(_("why a guardian"), max_length=12, choices=GuardianReason)
    name = models.CharField(_("guardian's name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    identity_confirmed = models.BooleanField(_("identity confirmed"), default=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("legal guardian")

    def __str__(self) -> str:
        return self.name


class DuplicateCheck(models.Model):
    """R-DUP-1: one search for earlier registrations of the case's person, and its result."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duplicate_checks")
    checked_at = models.DateTimeField(_("checked at"), auto_now_add=True)
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, related_name="+")
    candidates = models.JSONField(default=list)

    class Meta:
        ordering = ["-checked_at", "-id"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"duplicate check {self.case_id} {self.checked_at:%Y-%m-%d}"


class DuplicateVerdict(models.TextChoices):
    NOT_SAME = "not_same", _("Not the same person")
    CONTINUE = "continue", _("Same person: continue with justification")
    REFUSE = "refuse", _("Same person: refuse renewed assistance")


class DuplicateDecision(BaseModel):
    """R-DUP-1: the office's decision on one likely match."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="duplicate_decisions")
    candidate = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    verdict = models.CharField(_("decision"), max_length=10, choices=DuplicateVerdict)
    justification = models.TextField(_("justification"))
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["case", "candidate"], name="unique_duplicate_decision")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} ~ {self.candidate_id}: {self.verdict}"
