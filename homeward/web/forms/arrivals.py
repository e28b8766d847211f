"""Forms of phase 4 (arrival): filters of the arrivals page and the ledger, pocket money."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import Form

SHOW_CHOICES = [("expected", _("Expected")), ("arrived", _("Arrived"))]


class ArrivalFilterForm(Form):
    office = forms.ModelChoiceField(label=_("Origin office"), queryset=None, required=False)
    show = forms.ChoiceField(label=_("Show"), choices=SHOW_CHOICES, required=False)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["office"].empty_label = _("All my origin offices")


class LedgerFilterForm(Form):
    office = forms.ModelChoiceField(label=_("Origin office"), queryset=None, required=True)
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("Leave empty for every month."),
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        self.fields["office"].empty_label = None


class PocketMoneyForm(Form):
    received_before_departure = forms.BooleanField(
        label=_("Pocket money was already received before departure"),
        required=False,
        help_text=_("Nothing is paid now; no amount or receipt is recorded."),
    )
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    amount_local = forms.DecimalField(label=_("Amount paid"), required=False, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    exchange_rate = forms.DecimalField(
        label=_("Exchange rate (1 EUR in local currency)"), required=False, decimal_places=6
    )
    amount_eur = forms.DecimalField(
        label=_("Amount in EUR"),
        required=False,
        decimal_places=2,
        help_text=_("Leave empty to compute it from the exchange rate."),
    )
    deviation_reason = forms.CharField(
        label=_("Reason for a different amount"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    receipt = forms.FileField(
        label=_("Signed receipt (scan: PDF, JPEG or PNG)"),
        required=False,
    )
    receipt_signed_in_presence = forms.BooleanField(
        label=_("The returnee signed the receipt in my presence"), required=False
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("receipt", None)
        return {k: v for k, v in data.items() if v not in (None, "")}
