"""Forms of the travel pages (phases 2–3); the rules are checked by the movements services."""

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_localtime, office_zone
from homeward.accounts.models import Office
from homeward.accounts.roles import Perm
from homeward.geo.models import Country
from homeward.movements.models import Means, Movement, TravelDocumentKind, TravelDocumentStatus

from .base import Form

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def at_office(moment: datetime.datetime, office) -> datetime.datetime:
    """The wall-clock time typed (read by the field in the server's zone) as the same time
    at the office: "10:00" for a Niamey departure is 10:00 in Niamey."""
    typed = timezone.make_naive(moment, timezone.get_current_timezone())
    return timezone.make_aware(typed, office_zone(office))


DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MovementForm(Form):
    host_office = forms.ModelChoiceField(Office.objects.none(), label=_("Host office"))
    origin_office = forms.ModelChoiceField(Office.objects.none(), label=_("Origin office"))
    means = forms.ChoiceField(label=_("Means of travel"), choices=Means.choices)
    departs_at = forms.DateTimeField(label=_("Departure"), widget=DATETIME)
    departure_place = forms.CharField(label=_("From"), max_length=150)
    arrival_place = forms.CharField(label=_("To"), max_length=150)
    carrier_reference = forms.CharField(
        label=_("Carrier / flight number"), max_length=64, required=False
    )
    luggage_allowance = forms.CharField(label=_("Luggage allowance"), max_length=150)
    airspace_countries = forms.CharField(
        label=_("Countries whose airspace is crossed (charter)"), max_length=200, required=False
    )
    transit_place = forms.CharField(label=_("Transit point"), max_length=150, required=False)
    transit_office = forms.ModelChoiceField(
        Office.objects.filter(is_transit=True), label=_("Transit office"), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        offices = access_for(actor).offices_with(Perm.TRAVEL_PREPARE)
        self.fields["host_office"].queryset = Office.objects.filter(pk__in=offices, is_host=True)
        self.fields["origin_office"].queryset = Office.objects.filter(is_origin=True)

    def clean(self):
        data = super().clean()
        if bool(data.get("transit_place")) != bool(data.get("transit_office")):
            self.add_error("transit_office", _("Give both the transit point and its office."))
        if data.get("departs_at") and data.get("host_office"):
            data["departs_at"] = at_office(data["departs_at"], data["host_office"])
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        legs = []
        if data.get("transit_place"):
            legs = [
                {
                    "from_place": data["departure_place"],
                    "to_place": data["transit_place"],
                    "transit_office_id": data["transit_office"].pk,
                },
                {"from_place": data["transit_place"], "to_place": data["arrival_place"]},
            ]
        return {
            "host_office_id": data["host_office"].pk,
            "origin_office_id": data["origin_office"].pk,
            "means": data["means"],
            "departs_at": data["departs_at"],
            "departure_place": data["departure_place"],
            "arrival_place": data["arrival_place"],
            "carrier_reference": data["carrier_reference"],
            "luggage_allowance": data["luggage_allowance"],
            "airspace_countries": data["airspace_countries"],
            "legs": legs,
        }


class BookingForm(Form):
    reference = forms.CharField(label=_("Case reference"), max_length=32)
    medical_escort = forms.BooleanField(label=_("Medical escort"), required=False)
    operational_escort = forms.BooleanField(label=_("Operational escort"), required=False)
    escort_notes = forms.CharField(label=_("Escort details"), max_length=255, required=False)
    needs_airport_assistance = forms.BooleanField(label=_("Airport assistance"), required=False)
    needs_onward_transport = forms.BooleanField(label=_("Onward transport"), required=False)
    needs_temporary_shelter = forms.BooleanField(label=_("Temporary shelter"), required=False)
    final_destination = forms.CharField(
        label=_("Final destination"), max_length=150, required=False
    )
    assistance_notes = forms.CharField(
        label=_("Assistance received or due under the host country's project"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class EscortsForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    medical_escort = forms.BooleanField(label=_("Medical escort"), required=False)
    operational_escort = forms.BooleanField(label=_("Operational escort"), required=False)
    escort_notes = forms.CharField(label=_("Escort details"), max_length=255, required=False)


class TicketForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    ticket_number = forms.CharField(label=_("Ticket number"), max_length=64)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE)


class InformedForm(Form):
    informed_on = forms.DateField(
        label=_("Migrant told travel details and luggage allowance on"), widget=DATE
    )


class FinalDiscussionForm(Form):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    travel_details_confirmed = forms.BooleanField(
        label=_("Travel details confirmed"), required=False
    )
    reintegration_reviewed = forms.BooleanField(
        label=_("Reintegration assistance reviewed"), required=False
    )
    contacts_given = forms.BooleanField(label=_("Origin office contacts given"), required=False)
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class CancelForm(Form):
    reason = forms.CharField(label=_("Reason"), max_length=255)


class DepartureForm(Form):
    departed_on = forms.DateField(label=_("Departed on"), widget=DATE)


class TravelDocumentForm(Form):
    kind = forms.ChoiceField(label=_("Document"), choices=TravelDocumentKind.choices)
    requested_on = forms.DateField(label=_("Requested on"), widget=DATE)
    authority = forms.CharField(label=_("Authority"), max_length=200)


class TravelDocumentOutcomeForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(s, TravelDocumentStatus(s).label) for s in ("issued", "refused")],
    )
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE, required=False)
    number = forms.CharField(label=_("Number"), max_length=64, required=False)
    expires_on = forms.DateField(label=_("Expires on"), widget=DATE, required=False)
    refusal_reason = forms.CharField(label=_("Reason for refusal"), required=False)


class AbnAnswerForm(Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("confirm", _("Confirm reception")), ("query", _("Query the host office"))],
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class SuspensionForm(Form):
    country = forms.ModelChoiceField(
        Country.objects.filter(offices__is_origin=True).distinct(), label=_("Country")
    )
    admin_area = forms.IntegerField(
        label=_("Area (identifier, optional)"), required=False, widget=forms.HiddenInput
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE)
    ends_on = forms.DateField(label=_("Until"), widget=DATE, required=False)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class RebookForm(Form):
    """Move a booking onto another movement of the same offices (missed flight, new date)."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    movement = forms.ModelChoiceField(Movement.objects.none(), label=_("New movement"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        help_text=_("For example: missed flight, new travel date."),
    )

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if targets is not None:
            self.fields["movement"].queryset = targets
        self.fields["movement"].label_from_instance = _movement_label

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "version": data["version"],
            "movement_id": data["movement"].pk,
            "reason": data["reason"],
        }


def _movement_label(movement) -> str:
    departs = office_localtime(movement.host_office, movement.departs_at)
    when = formats.date_format(departs, "SHORT_DATETIME_FORMAT")
    carrier = f" {movement.carrier_reference}" if movement.carrier_reference else ""
    return f"{when} · {movement.get_means_display()}{carrier} · {movement}"


class SuspensionLiftForm(Form):
    """R-SUS-1: the day returns are accepted again, and why."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    lifted_on = forms.DateField(label=_("Returns accepted again from"), widget=DATE)
    reason = forms.CharField(label=_("Why lifted"), max_length=1000)
