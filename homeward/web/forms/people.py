"""The person form: identity, one phone, one identity document, names and household rows.

The form only collects input; `person_data()` turns it into the dict the people services
take, and the services decide what is valid and allowed.
"""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from homeward.accounts.clock import office_today
from homeward.geo.models import Country
from homeward.people.models import HouseholdMember, IdentityDocument, Script, Sex
from homeward.people.validation import normalise_phone

from .base import Form

# Languages commonly used in counselling along the West and North African routes (ISO 639).
LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("pt", _("Portuguese")),
    ("wo", _("Wolof")),
    ("ff", _("Fula / Pulaar")),
    ("bm", _("Bambara")),
    ("snk", _("Soninke")),
    ("mnk", _("Mandinka")),
    ("sus", _("Susu")),
    ("ha", _("Hausa")),
    ("dje", _("Zarma")),
    ("kr", _("Kanuri")),
    ("tmh", _("Tamasheq")),
    ("tzm", _("Tamazight")),
    ("yo", _("Yoruba")),
    ("ig", _("Igbo")),
    ("tw", _("Twi")),
]
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
DATE_INPUT = {"type": "date"}
MAX_AGE = 120
AGE_RANGE = _("Give an age between 0 and 120.")


def not_in_future(value, today: datetime.date):
    """A birth date is today (at the registering office) at the latest."""
    if value and value > today:
        raise forms.ValidationError(_("The date of birth is in the future."))
    return value


def country_choices() -> list[tuple[str, str]]:
    countries = [(c.code, c.display_name) for c in Country.objects.all()]
    return sorted(countries, key=lambda pair: pair[1])


class PersonSearchForm(Form):
    q = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("e.g. Aïssatou Diallo"),
                "autocomplete": "off",
            }
        ),
    )

    def query(self) -> str:
        return self.cleaned_data.get("q", "") if self.is_valid() else ""


class PersonForm(Form):
    office = forms.ChoiceField(
        label=_("Registering office"),
        required=False,
        help_text=_("The office that records this person."),
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=[("", "—"), *Sex.choices])
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs=DATE_INPUT)
    )
    estimated_age = forms.IntegerField(
        label=_("Estimated age"),
        required=False,
        min_value=0,
        max_value=MAX_AGE,
        error_messages={"min_value": AGE_RANGE, "max_value": AGE_RANGE},
        help_text=_("Only when the date of birth is unknown."),
    )
    place_of_birth = forms.CharField(label=_("Place of birth"), required=False, max_length=150)
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language for counselling"),
        required=False,
        choices=[("", "—"), *LANGUAGE_CHOICES],
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        help_text=_("With the country code if it is not the office's country."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    document_kind = forms.ChoiceField(
        label=_("Identity document"),
        required=False,
        choices=[("", "—"), *IdentityDocument.Kind.choices],
    )
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=64)
    document_country = forms.ChoiceField(label=_("Issuing country"), required=False)
    document_expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs=DATE_INPUT)
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # Service error keys → the field that shows them.
    FIELD_MAP = {
        "contacts": "phone",
        "documents": "document_number",
        "languages": "language",
    }
    DOCUMENT_FIELDS = (
        "document_kind",
        "document_number",
        "document_country",
        "document_expires_on",
    )

    def __init__(
        self,
        *args,
        offices=(),
        registering_office=None,
        phone_region=None,
        show_phone=True,
        editing=False,
        **kwargs,
    ):
        """`offices`: where a new person may be registered; `registering_office`: the
        office of a person being edited, whose day a birth date is checked against;
        `phone_region`: the country a phone number without country code belongs to (else
        the chosen office's)."""
        super().__init__(*args, **kwargs)
        self.offices = list(offices)
        self.registering_office = registering_office
        self.phone_region = phone_region
        countries = country_choices()
        self.fields["nationalities"].choices = countries
        self.fields["document_country"].choices = [("", "—"), *countries]
        if len(self.offices) > 1:
            self.fields["office"].choices = [(str(o.pk), o.name) for o in self.offices]
            self.fields["office"].required = True
            self.fields["office"].initial = str(default_office(self.offices).pk)
        else:
            del self.fields["office"]
        if not show_phone:
            del self.fields["phone"]
        if not editing:
            del self.fields["version"]

    def clean_date_of_birth(self):
        office = self.registering_office or self.chosen_office()
        today = office_today(office) if office else timezone.localdate()
        return not_in_future(self.cleaned_data.get("date_of_birth"), today)

    def clean(self):
        """Every rule the form can check is checked here, so that one round shows every
        mistake; the services check them again."""
        data = super().clean()
        if not data.get("document_kind") and (
            data.get("document_number") or data.get("document_country")
        ):
            self.add_error("document_kind", _("Choose the type of document."))
        birth_fields = ("date_of_birth", "estimated_age")
        if not any(data.get(k) is not None for k in birth_fields) and not any(
            k in self.errors for k in birth_fields
        ):
            self.add_error("date_of_birth", _("Give a date of birth or an estimated age."))
        if data.get("phone"):
            try:
                normalise_phone(data["phone"], self._region())
            except ValueError as exc:
                self.add_error("phone", str(exc))
        return data

    def _region(self) -> str | None:
        if self.phone_region:
            return self.phone_region
        office = self.chosen_office()
        return office.country_id if office else None

    def chosen_office(self):
        """The office picked in the form (or the first offered; None when editing)."""
        chosen = self.cleaned_data.get("office")
        office = next((o for o in self.offices if str(o.pk) == chosen), None)
        return office or (self.offices[0] if self.offices else None)


def default_office(offices):
    """The office a new person is most likely registered by: a host office, where
    counselling and registration happen, else the first."""
    return next((o for o in offices if o.is_host), offices[0])


class OptionalRowForm(Form):
    """A formset row that may stay empty; `main_field` decides whether it is filled in."""

    main_field = ""

    def is_filled(self) -> bool:
        return bool(getattr(self, "cleaned_data", {}).get(self.main_field))


class NameForm(OptionalRowForm):
    main_field = "given_names"

    given_names = forms.CharField(label=_("Given names"), required=False, max_length=150)
    family_name = forms.CharField(label=_("Family name"), required=False, max_length=150)
    script = forms.ChoiceField(label=_("Script"), choices=Script.choices, initial=Script.LATIN)
    is_transliteration = forms.BooleanField(label=_("Transliteration"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("family_name") and not data.get("given_names"):
            self.add_error("given_names", _("Give the given names of this spelling."))
        return data

    def row(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("given_names", "family_name", "script")} | {
            "is_transliteration": self.cleaned_data["is_transliteration"]
        }


class HouseholdForm(OptionalRowForm):
    main_field = "full_name"

    full_name = forms.CharField(label=_("Name"), required=False, max_length=200)
    relationship = forms.ChoiceField(
        label=_("Relationship"),
        required=False,
        choices=[("", "—"), *HouseholdMember.Relationship.choices],
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    date_of_birth = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs=DATE_INPUT)
    )
    is_dependant = forms.BooleanField(label=_("Dependant"), required=False)
    migrated = forms.BooleanField(
        label=_("Migrated"),
        required=False,
        help_text=_("Abroad with or like the migrant, rather than at home."),
    )

    def clean(self):
        data = super().clean()
        if data.get("full_name") and not data.get("relationship"):
            self.add_error("relationship", _("Choose the relationship."))
        if not data.get("full_name") and any(
            data.get(k) for k in ("relationship", "sex", "date_of_birth")
        ):
            self.add_error("full_name", _("Give this person's name."))
        return data

    def row(self) -> dict:
        keys = ("full_name", "relationship", "sex", "date_of_birth", "is_dependant", "migrated")
        return {k: self.cleaned_data[k] for k in keys}


class BaseNameFormSet(forms.BaseFormSet):
    def clean(self):
        """Say at once that a name is missing, together with the other field errors."""
        super().clean()
        if not any(f.is_filled() for f in self.forms if f.is_valid()):
            raise forms.ValidationError(_("At least one name is required."))


NameFormSet = forms.formset_factory(NameForm, formset=BaseNameFormSet, extra=1, max_num=10)
HouseholdFormSet = forms.formset_factory(HouseholdForm, extra=1, max_num=20)


def name_initial(person=None) -> list[dict]:
    if person is None:
        return [{"script": Script.LATIN}]
    return [
        {
            "given_names": n.given_names,
            "family_name": n.family_name,
            "script": n.script,
            "is_transliteration": n.is_transliteration,
        }
        for n in person.names.all()
    ]


def household_initial(person=None) -> list[dict]:
    if person is None:
        return []
    keys = ("full_name", "relationship", "sex", "date_of_birth", "is_dependant", "migrated")
    return [{k: getattr(m, k) for k in keys} for m in person.household.all()]


def person_initial(person) -> dict:
    """The form's starting values for an existing person (first phone, first document)."""
    phone = next((c for c in person.contacts.all() if c.kind == "phone"), None)
    document = next(iter(person.documents.all()), None)
    preferred = next(
        (lang for lang in person.languages.all() if lang.preferred_for_counselling), None
    )
    return {
        "sex": person.sex,
        "date_of_birth": person.date_of_birth,
        "estimated_age": person.estimated_age,
        "place_of_birth": person.place_of_birth,
        "nationalities": [c.code for c in person.nationalities.all()],
        "language": preferred.language if preferred else "",
        "phone": phone.value if phone else "",
        "document_kind": document.kind if document else "",
        "document_number": document.number if document else "",
        "document_country": document.issuing_country_id if document else "",
        "document_expires_on": document.expires_on if document else None,
        "version": person.version,
    }


def person_data(form: PersonForm, names, household, person=None) -> dict:
    """The service input for a create (everything) or an edit (only what changed, keeping
    the contacts, documents and languages the form does not show)."""
    data = form.cleaned_data
    editing = person is not None
    changed = set(form.changed_data) if editing else set(form.fields)
    out: dict = {}
    for key in ("sex", "date_of_birth", "estimated_age", "place_of_birth"):
        if key in changed:
            out[key] = data.get(key) if data.get(key) not in ("",) else None
    if "nationalities" in changed:
        out["nationalities"] = list(data.get("nationalities") or [])
    if not editing or names.has_changed():
        out["names"] = _name_rows(names)
    if not editing or household.has_changed():
        out["household"] = [f.row() for f in household.forms if f.is_filled()]
    if "language" in changed and (editing or data.get("language")):
        out["languages"] = _languages(data.get("language"), person)
    if "phone" in changed and (editing or data.get("phone")):
        out["contacts"] = _contacts(data.get("phone", ""), person)
    if changed & set(PersonForm.DOCUMENT_FIELDS) and (editing or data.get("document_kind")):
        out["documents"] = _documents(data, person)
    return out


def _name_rows(names) -> list[dict]:
    rows = [f.row() for f in names.forms if f.is_filled()]
    for index, row in enumerate(rows):
        row["is_primary"] = index == 0
    return rows


def _languages(code: str, person) -> list[dict]:
    others = [] if person is None else [lang.language for lang in person.languages.all()]
    rows = [{"language": code, "preferred_for_counselling": True}] if code else []
    rows += [{"language": c, "preferred_for_counselling": False} for c in others if c != code]
    return rows


def _contacts(phone: str, person) -> list[dict]:
    existing = [] if person is None else list(person.contacts.all())
    rows, replaced = [], False
    for c in existing:
        if c.kind == "phone" and not replaced:
            replaced = True
            if phone:
                rows.append({"kind": "phone", "value": phone, "label": c.label})
            continue
        rows.append({"kind": c.kind, "value": c.value, "label": c.label})
    if phone and not replaced:
        rows.insert(0, {"kind": "phone", "value": phone, "label": ""})
    return rows


def _documents(data: dict, person) -> list[dict]:
    existing = [] if person is None else list(person.documents.all())
    rows = [
        {
            "kind": d.kind,
            "number": d.number,
            "issuing_country": d.issuing_country_id,
            "issued_on": d.issued_on,
            "expires_on": d.expires_on,
        }
        for d in existing[1:]
    ]
    if data.get("document_kind"):
        first = existing[0] if existing else None
        rows.insert(
            0,
            {
                "kind": data["document_kind"],
                "number": data.get("document_number", ""),
                "issuing_country": data.get("document_country") or None,
                "issued_on": first.issued_on if first else None,
                "expires_on": data.get("document_expires_on"),
            },
        )
    return rows
