"""Forms of the registration pages. They only parse input: every rule is in the services."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from homeward.cases.models import VulnerabilityCategory, category_group
from homeward.consent.selectors import person_languages
from homeward.geo.models import AdminArea
from homeward.registration.models import (
    AsylumOutcome,
    AsylumReferral,
    CaseProfile,
    ChildProtection,
    CounsellingSession,
    DuplicateVerdict,
    Guardian,
    HealthAssessment,
    OfficeVulnerability,
    ProtectionAssessment,
    Referral,
    Screening,
)
from homeward.registration.procedures import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    HEALTH_FIELDS,
    PROTECTION_FIELDS,
)
from homeward.registration.services import PROFILE_FIELDS, REFERRAL_FIELDS, SESSION_FIELDS

from .base import Form
from .consent import language_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
YES_NO_UNKNOWN = forms.NullBooleanSelect()


class RecordForm(Form):
    """A form whose fields mirror a model's, for a service that takes a `data` dict."""

    model = None
    field_names: tuple = ()
    versioned = False
    widgets: dict = {}

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields.update(
            fields_for_model(self.model, fields=self.field_names, widgets=self.widgets)
        )
        if self.versioned:
            self.fields["version"] = forms.IntegerField(required=False, widget=forms.HiddenInput)
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE
        self._limit_areas()

    def _limit_areas(self) -> None:
        if self.case is None:
            return
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is AdminArea:
                field.queryset = AdminArea.objects.filter(
                    country_id=self.case.origin_office.country_id
                ).order_by("name")

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self.field_names}

    @classmethod
    def initial_for(cls, record) -> dict:
        if record is None:
            return {}
        initial = {name: getattr(record, name) for name in cls.field_names}
        initial["version"] = record.version
        return initial


class SessionForm(RecordForm):
    model = CounsellingSession
    field_names = SESSION_FIELDS
    widgets = {"notes": TEXT, "direct_access": YES_NO_UNKNOWN, "spoke_freely": YES_NO_UNKNOWN}

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, case=case, **kwargs)
        # Languages by name, the migrant's first (as on the consent page), not codes to type.
        understood = person_languages(case) if case is not None else []
        for name in ("language", "interpreted_into"):
            field = self.fields[name]
            self.fields[name] = forms.ChoiceField(
                label=field.label,
                required=field.required,
                choices=language_choices(understood),
                initial=understood[0] if understood and name == "language" else "",
            )


class ProfileForm(RecordForm):
    model = CaseProfile
    versioned = True
    field_names = PROFILE_FIELDS
    widgets = {"current_situation": TEXT, "route": TEXT, "skills": TEXT}


class AsylumReferralForm(RecordForm):
    model = AsylumReferral
    field_names = ("referred_on", "referred_to", "notes")
    widgets = {"notes": TEXT}


class AsylumDecisionForm(Form):
    outcome = forms.ChoiceField(
        label=_("The migrant's decision"),
        choices=[c for c in AsylumOutcome.choices if c[0] != AsylumOutcome.PENDING],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Decision recorded on"), widget=DATE)
    version = forms.IntegerField(widget=forms.HiddenInput)


class ScreeningForm(RecordForm):
    """R-VUL-2 categories; those the screener may not read are offered to *raise* only."""

    model = Screening
    field_names = ("stage", "screened_on", "capacity", "notes")
    widgets = {"notes": TEXT}

    def __init__(self, *args, case=None, readable=frozenset(), **kwargs):
        super().__init__(*args, case=case, **kwargs)
        self.readable = readable
        self.fields["categories"] = forms.MultipleChoiceField(
            label=_("Vulnerabilities identified"),
            required=False,
            choices=[(value, self._label(value, label)) for value, label in self._categories()],
            widget=forms.CheckboxSelectMultiple,
        )
        others = OfficeVulnerability.objects.filter(
            office_id__in=case.office_ids, is_active=True
        ).order_by("name")
        self.fields["other_vulnerabilities"] = forms.ModelMultipleChoiceField(
            label=_("Other vulnerabilities (configured by the office)"),
            queryset=others,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        if not others.exists():
            del self.fields["other_vulnerabilities"]

    @staticmethod
    def _categories():
        return [c for c in VulnerabilityCategory.choices if c[0] != VulnerabilityCategory.OTHER]

    def _label(self, value, label):
        if category_group(value) in self.readable:
            return label
        return _("%(label)s — confidential: only specialists will see it") % {"label": label}

    def service_data(self) -> dict:
        data = super().service_data()
        data["categories"] = self.cleaned_data["categories"]
        others = self.cleaned_data.get("other_vulnerabilities") or []
        data["other_vulnerabilities"] = [o.pk for o in others]
        return data


class ReferralForm(RecordForm):
    model = Referral
    versioned = True
    field_names = REFERRAL_FIELDS
    widgets = {"notes": TEXT}


class HealthForm(RecordForm):
    model = HealthAssessment
    versioned = True
    field_names = HEALTH_FIELDS
    widgets = {"treatment_notes": TEXT, "travel_needs_notes": TEXT}


class ChildProtectionForm(RecordForm):
    model = ChildProtection
    versioned = True
    field_names = CHILD_FIELDS
    widgets = {"child_willing": YES_NO_UNKNOWN, "notes": TEXT}


class ProtectionForm(RecordForm):
    model = ProtectionAssessment
    versioned = True
    field_names = PROTECTION_FIELDS
    widgets = {"protection_notes": TEXT}


class GuardianForm(RecordForm):
    model = Guardian
    field_names = GUARDIAN_FIELDS


class DuplicateDecisionForm(Form):
    candidate = forms.UUIDField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(
        label=_("Decision"), choices=DuplicateVerdict.choices, widget=forms.RadioSelect
    )
    justification = forms.CharField(label=_("Justification"), widget=TEXT, max_length=2000)
