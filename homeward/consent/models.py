"""Consent records (R-DAT-1) and the signed documents of a case (R-VOL-1, R-FRM-1).

A consent says what the migrant agreed to (purpose, which data, to whom), in which language,
on which form version, who signed and when; it ends when it expires or is withdrawn. A signed
document is the proof that a form was signed: a scan kept outside the web root, or a
signature recorded by the staff member in whose presence the form was signed.
"""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.roles import FieldGroup
from homeward.cases.models import Case
from homeward.core.models import BaseModel


class ConsentPurpose(models.TextChoices):
    DATA_COLLECTION = (
        "data_collection",
        _("Voluntary return declaration and authorization for collection of personal data"),
    )
    MEDICAL_DATA_SHARING = "medical_data_sharing", _("Sharing of medical data with third parties")
    FAMILY_TRACING = "family_tracing", _("Family tracing and family assessment")
    PROTECTION_SHARING = (
        "protection_sharing",
        _("Sharing of protection detail with the assigned case manager"),
    )
    THIRD_PARTY_DISCLOSURE = (
        "third_party_disclosure",
        _("Disclosure to partners, other agencies or authorities"),
    )
    OTHER = "other", _("Other purpose")


# Who may see a consent follows what its existence reveals: a consent to share protection
# detail tells that the migrant may be a victim of trafficking (R-VOT-3), one to share
# medical data that they have health needs.
PURPOSE_GROUP = {
    ConsentPurpose.MEDICAL_DATA_SHARING: FieldGroup.MEDICAL,
    ConsentPurpose.PROTECTION_SHARING: FieldGroup.TRAFFICKING,
}


def purpose_group(purpose: str) -> FieldGroup:
    return PURPOSE_GROUP.get(purpose, FieldGroup.IDENTITY)


class Signatory(models.TextChoices):
    MIGRANT = "migrant", _("The migrant")
    GUARDIAN = "guardian", _("Legal guardian")
    PARENT = "parent", _("Parent")


class ConsentStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Consent(BaseModel):
    """R-DAT-1: the migrant's written consent, with its scope, recipients and dates."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    field_group = models.CharField(max_length=16, editable=False, default=FieldGroup.IDENTITY)
    scope = models.TextField(_("data concerned"), help_text=_("Which personal data may be used."))
    recipients = models.TextField(
        _("recipients"), blank=True, help_text=_("To whom the data may be disclosed.")
    )
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639 code"))
    interpreter_note = models.CharField(
        _("interpreter"),
        max_length=255,
        blank=True,
        help_text=_("Who interpreted, and into which language."),
    )
    form_version = models.CharField(_("form version"), max_length=32)
    given_on = models.DateField(_("given on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    signatory = models.CharField(
        _("signed by"), max_length=10, choices=Signatory.choices, default=Signatory.MIGRANT
    )
    signatory_name = models.CharField(_("name of the signatory"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawal recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True, editable=False)

    class Meta:
        ordering = ["-given_on", "-created_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [models.Index(fields=["case", "purpose"], name="consent_case_purpose")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("given_on")),
                name="consent_expires_after_given",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_on__isnull=True)
                | models.Q(withdrawn_on__gte=models.F("given_on")),
                name="consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} ({self.given_on})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.given_on and self.given_on > self.case.today():
            errors["given_on"] = [_("The consent cannot be dated in the future.")]
        if self.given_on and self.expires_on and self.expires_on <= self.given_on:
            errors["expires_on"] = [_("The expiry date must be after the date it was given.")]
        if errors:
            raise ValidationError(errors)

    def is_active(self, on: datetime.date | None = None) -> bool:
        """In force on that day (default: the case's office's today): given, not yet
        expired, not withdrawn (a withdrawal ends the consent on the day it is recorded)."""
        on = on or self.case.today()
        return self.given_on <= on and self.status(on) == ConsentStatus.ACTIVE

    def status(self, on: datetime.date | None = None) -> str:
        """Withdrawn, expired (on its expiry date) or active, as of that day (default: the
        case's office's today; lists keep the case they were read for, so this reads
        nothing more)."""
        on = on or self.case.today()
        if self.withdrawn_on is not None and self.withdrawn_on <= on:
            return ConsentStatus.WITHDRAWN
        if self.expires_on is not None and self.expires_on <= on:
            return ConsentStatus.EXPIRED
        return ConsentStatus.ACTIVE

    def get_status_display(self) -> str:
        return str(ConsentStatus(self.status()).label)


class DocumentKind(models.TextChoices):
    VOLUNTARY_RETURN_DECLARATION = (
        "voluntary_return_declaration",
        _("Voluntary return declaration and authorization for collection of personal data"),
    )
    SCREENING_FORM = "screening_form", _("Profile and vulnerability screening form")
    FITNESS_TO_TRAVEL = "fitness_to_travel", _("Fitness to travel form")
    MEDICAL_QUESTIONNAIRE = "medical_questionnaire", _("Medical information questionnaire")
    UMC_DECLARATION_HOST = (
        "umc_declaration_host",
        _("UMC voluntary return declaration – country of destination"),
    )
    UMC_DECLARATION_ORIGIN = (
        "umc_declaration_origin",
        _("UMC voluntary return declaration – country of origin"),
    )
    FAMILY_TRACING_CONSENT = (
        "family_tracing_consent",
        _("UMC consent for family tracing and family assessment"),
    )
    GUARDIAN_TRAVEL_CONSENT = "guardian_travel_consent", _("Legal guardian travel consent")
    ONE_PARENT_DECLARATION = (
        "one_parent_declaration",
        _("Declaration on voluntary return of minor children with one parent"),
    )
    OTHER = "other", _("Other signed document")


KIND_GROUP = {
    DocumentKind.FITNESS_TO_TRAVEL: FieldGroup.MEDICAL,
    DocumentKind.MEDICAL_QUESTIONNAIRE: FieldGroup.MEDICAL,
}


def document_group(kind: str, consent: Consent | None = None) -> FieldGroup:
    """Medical forms are medical; a document that proves a sensitive consent takes that
    consent's group; every other form belongs to the identity group."""
    group = KIND_GROUP.get(kind, FieldGroup.IDENTITY)
    if group == FieldGroup.IDENTITY and consent is not None:
        return FieldGroup(consent.field_group)
    return group


class SignedDocument(BaseModel):
    """R-FRM-1: a form's signed state — a scan (stored under PRIVATE_FILES_DIR with a random
    name) or a signature recorded by the staff member who saw it signed."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="signed_documents")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    field_group = models.CharField(max_length=16, editable=False, default=FieldGroup.IDENTITY)
    consent = models.ForeignKey(
        Consent,
        verbose_name=_("consent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639 code"))
    interpreter_note = models.CharField(
        _("interpreter"),
        max_length=255,
        blank=True,
        help_text=_("Who interpreted, and into which language."),
    )
    form_version = models.CharField(_("form version"), max_length=32)
    signed_on = models.DateField(_("signed on"))
    signatory = models.CharField(
        _("signed by"), max_length=10, choices=Signatory.choices, default=Signatory.MIGRANT
    )
    signatory_name = models.CharField(_("name of the signatory"), max_length=200)
    # A scan: the stored file's path relative to PRIVATE_FILES_DIR (random, never the
    # user's file name), with what is needed to serve and check it.
    storage_name = models.CharField(max_length=200, blank=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True, editable=False)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    content_type = models.CharField(max_length=40, blank=True, editable=False)
    # A recorded signature: signed in the presence of this staff member, without a scan.
    witnessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed in the presence of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-signed_on", "-created_at"]
        verbose_name = _("signed document")
        verbose_name_plural = _("signed documents")
        indexes = [models.Index(fields=["case", "kind"], name="signed_document_case_kind")]
        constraints = [
            # Either a scan or a recorded signature, never both nor neither.
            models.CheckConstraint(
                condition=(models.Q(storage_name="") & models.Q(witnessed_by__isnull=False))
                | (
                    ~models.Q(storage_name="")
                    & models.Q(witnessed_by__isnull=True)
                    & ~models.Q(sha256="")
                ),
                name="signed_document_scan_or_witness",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.signed_on})"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.signed_on and self.signed_on > self.case.today():
            raise ValidationError(
                {"signed_on": [_("The signature cannot be dated in the future.")]}
            )

    @property
    def has_scan(self) -> bool:
        return bool(self.storage_name)

    @property
    def extension(self) -> str:
        return {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(
            self.content_type, "bin"
        )

    @property
    def download_name(self) -> str:
        """The name a download is saved under: built from the record, never the upload's."""
        return f"{self.case.reference}_{self.kind}_{self.signed_on:%Y-%m-%d}.{self.extension}"
