"""Forms of the case pages: list filters, opening a case, editing it."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from homeward.accounts.access import access_for
from homeward.accounts.models import Office, User
from homeward.accounts.selectors import case_workers_of
from homeward.cases.models import Phase
from homeward.cases.selectors import CaseFilters, flag_choices_for
from homeward.geo.models import AdminArea
from homeward.programmes.models import Programme, ReturnScheme

from .base import Form


class CaseFilterForm(Form):
    q = forms.CharField(
        label=_("Name or reference"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("e.g. Aïssatou Diallo or SN-2026-000123")}
        ),
    )
    phase = forms.ChoiceField(label=_("Phase"), required=False)
    office = forms.ChoiceField(label=_("Office"), required=False)
    programme = forms.ChoiceField(label=_("Programme"), required=False)
    scheme = forms.ChoiceField(label=_("Return scheme"), required=False)
    flag = forms.ChoiceField(label=_("Vulnerability"), required=False)
    mine = forms.BooleanField(label=_("Only cases assigned to me"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        office_names = access_for(actor).office_names
        programmes = (
            Programme.objects.filter(is_active=True).order_by("name").values_list("pk", "name")
        )
        self.fields["phase"].choices = [("", _("All phases")), *Phase.choices]
        self.fields["office"].choices = [
            ("", _("All my offices")),
            *sorted(((str(pk), name) for pk, name in office_names.items()), key=lambda o: o[1]),
        ]
        self.fields["programme"].choices = [
            ("", _("All programmes")),
            *((str(pk), name) for pk, name in programmes),
        ]
        self.fields["scheme"].choices = [("", _("All schemes")), *ReturnScheme.choices]
        flags = flag_choices_for(actor)
        if flags:
            self.fields["flag"].choices = [("", _("Any or none")), *flags]
        else:
            del self.fields["flag"]

    def filters(self) -> CaseFilters:
        self.is_valid()  # a value outside the offered choices is dropped, never applied
        data = self.cleaned_data
        return CaseFilters(
            q=data.get("q", ""),
            phase=data.get("phase", ""),
            office=data.get("office", ""),
            programme=data.get("programme", ""),
            scheme=data.get("scheme", ""),
            flag=data.get("flag", ""),
            assigned_to_me=bool(data.get("mine")),
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)

    @property
    def has_filters(self) -> bool:
        """A filter other than the search words is set: the filters stay open on phones."""
        return any(self.data.get(name) for name in self.fields if name != "q")


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.username


class CaseOpenForm(Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    scheme = forms.ChoiceField(
        label=_("Return scheme"), choices=ReturnScheme.choices, initial=ReturnScheme.AVRR
    )
    host_office = forms.ModelChoiceField(
        label=_("Host office"),
        queryset=Office.objects.none(),
        required=False,
        help_text=_("Leave empty only for forced returns and returns by another actor."),
    )
    origin_office = forms.ModelChoiceField(label=_("Origin office"), queryset=Office.objects.none())
    assigned_to = UserChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        mine = Office.objects.filter(memberships__user=actor).values("pk")
        programmes = Programme.objects.filter(is_active=True).order_by("name")
        self.fields["programme"].queryset = programmes
        self.fields["host_office"].queryset = Office.objects.filter(
            Q(is_host=True) | Q(is_transit=True)
        ).order_by("name")
        self.fields["origin_office"].queryset = Office.objects.filter(is_origin=True).order_by(
            "name"
        )
        self.fields["assigned_to"].queryset = case_workers_of(mine)
        if not self.is_bound:
            my_host = self.fields["host_office"].queryset.filter(pk__in=mine).first()
            self.initial.setdefault("host_office", my_host)
            self.initial.setdefault("assigned_to", actor.pk)
            if len(programmes) == 1:
                self.initial.setdefault("programme", programmes[0])


class CaseEditForm(Form):
    assigned_to = UserChoiceField(
        label=_("Assigned to"), queryset=User.objects.none(), required=False
    )
    intended_return_area = forms.ModelChoiceField(
        label=_("Intended return area"), queryset=AdminArea.objects.none(), required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = case_workers_of(case.office_ids)
        self.fields["intended_return_area"].queryset = AdminArea.objects.filter(
            country_id=case.origin_office.country_id
        ).order_by("name")

    @classmethod
    def initial_for(cls, case) -> dict:
        return {
            "assigned_to": case.assigned_to_id,
            "intended_return_area": case.intended_return_area_id,
            "notes": case.notes,
            "version": case.version,
        }

    def service_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("assigned_to", "intended_return_area", "notes")}
