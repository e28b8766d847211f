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


class ReceptionPlanForm(Form):
    reasons = forms.MultipleChoiceField(
        label=_("Why reception is planned"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("A vulnerable migrant and a host office's request are always kept."),
    )
    place_kind = forms.ChoiceField(label=_("Place"), choices=[])
    place = forms.CharField(label=_("Airport, station or place"), max_length=200)
    expected_at = forms.DateTimeField(
        label=_("Expected arrival"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    staff = forms.ModelChoiceField(label=_("Receiving staff member"), queryset=None, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, staff, **kwargs):
        from homeward.arrivals.models import PlaceKind, ReceptionReason

        super().__init__(*args, **kwargs)
        self.fields["reasons"].choices = ReceptionReason.choices
        self.fields["place_kind"].choices = PlaceKind.choices
        self.fields["staff"].queryset = staff


class ArrivalForm(Form):
    arrived_at = forms.DateTimeField(
        label=_("Arrived at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to use the current time."),
    )
    place_kind = forms.ChoiceField(label=_("Place"), choices=[])
    place = forms.CharField(label=_("Airport, station or place"), max_length=200)
    received_by = forms.ModelChoiceField(label=_("Received by"), queryset=None, required=False)
    immediate_needs = forms.CharField(
        label=_("Immediate needs"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    onward_transport = forms.ChoiceField(label=_("Onward transport"), choices=[])
    onward_destination = forms.CharField(label=_("Final destination"), required=False)
    onward_transport_reason = forms.CharField(
        label=_("Why onward transport was not provided"), required=False
    )
    accommodation = forms.ChoiceField(label=_("Overnight accommodation"), choices=[])
    accommodation_reason = forms.CharField(
        label=_("Why accommodation was not provided"), required=False
    )

    def __init__(self, *args, staff, vulnerable: bool = False, **kwargs):
        """`vulnerable`: R-ARR-5 always offers a vulnerable returnee onward transport and
        a night's accommodation, so "not provided" is not offered (the service refuses it)."""
        from homeward.arrivals.models import PlaceKind, Provision

        super().__init__(*args, **kwargs)
        self.fields["place_kind"].choices = PlaceKind.choices
        provisions = [
            (value, label)
            for value, label in Provision.choices
            if not (vulnerable and value == Provision.NOT_PROVIDED)
        ]
        for name in ("onward_transport", "accommodation"):
            self.fields[name].choices = provisions
        if vulnerable:
            self.fields["onward_transport_reason"].label = _("Why onward transport was declined")
            self.fields["accommodation_reason"].label = _("Why accommodation was declined")
        self.fields["received_by"].queryset = staff


class SecondaryMovementForm(Form):
    actual_country = forms.ModelChoiceField(
        label=_("Actual country of origin"), queryset=None, to_field_name="code"
    )
    findings = forms.CharField(
        label=_("How it was found"), widget=forms.Textarea(attrs={"rows": 2})
    )
    needs = forms.CharField(
        label=_("Temporary accommodation and basic needs meanwhile"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        from homeward.accounts.models import Office
        from homeward.geo.models import Country

        super().__init__(*args, **kwargs)
        countries = Office.objects.filter(is_origin=True).values("country_id")
        self.fields["actual_country"].queryset = Country.objects.filter(pk__in=countries)


class UmcHandoverForm(Form):
    guardian = forms.ModelChoiceField(label=_("Legal guardian"), queryset=None)
    identity_checked_with = forms.CharField(
        label=_("Guardian's identity checked with"), max_length=200
    )
    handed_over_at = forms.DateTimeField(
        label=_("Handed over at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Leave empty to use the current time."),
    )
    place = forms.CharField(label=_("Place of handover"), required=False, max_length=200)
    signed_in_presence = forms.BooleanField(
        label=_("The guardian signed the UMC handover notification in my presence"),
        required=False,
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, guardians, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["guardian"].queryset = guardians
