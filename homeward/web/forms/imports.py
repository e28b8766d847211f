"""Form of the notification-list import page (R-ARR-3)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.movements.import_services import import_offices_for
from homeward.movements.models import IMPORTABLE_SCHEMES
from homeward.programmes.models import Programme, ReturnScheme

from .base import Form


class ImportUploadForm(Form):
    file = forms.FileField(
        label=_("Notification list"),
        help_text=_(
            "CSV or XLSX with a header row: family name, given names, sex, age or date of "
            "birth, area of return, phone, flight date, flight origin; optionally the "
            "authority's reference and the scheme. English or French headers."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    office = forms.ModelChoiceField(label=_("Origin office"), queryset=None)
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    scheme = forms.ChoiceField(
        label=_("Return scheme"),
        choices=[(s, ReturnScheme(s).label) for s in IMPORTABLE_SCHEMES],
        initial=ReturnScheme.FORCED,
        help_text=_("For rows that do not name their scheme."),
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        offices = import_offices_for(actor)
        programmes = Programme.objects.filter(is_active=True).order_by("name")
        self.fields["office"].queryset = offices
        self.fields["programme"].queryset = programmes
        if not self.is_bound:
            if len(offices) == 1:
                self.initial.setdefault("office", offices[0])
            if len(programmes) == 1:
                self.initial.setdefault("programme", programmes[0])
