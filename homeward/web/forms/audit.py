from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.audit.models import AuditAction
from homeward.audit.selectors import AuditFilters

from .base import Form


class AuditFilterForm(Form):
    actor = forms.CharField(label=_("User"), required=False, max_length=150)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All actions")), *AuditAction.choices]
    )
    case_reference = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "SN-2026-000123"}),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def filters(self) -> AuditFilters:
        self.is_valid()  # invalid fields are left out; their errors show on the form
        data = self.cleaned_data
        return AuditFilters(
            actor=data.get("actor", ""),
            action=data.get("action", ""),
            case_reference=data.get("case_reference", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)
