"""Forms of the consent and documents page: record a consent, withdraw one, record a signed
document (scan or signature made in the user's presence), print a form.

The forms collect input; the consent services decide what is valid and allowed (the choices
offered are only those the user's roles may record for the case).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from homeward.consent.catalogue import FORM_VERSIONS, current_version
from homeward.consent.models import (
    ConsentPurpose,
    DocumentKind,
    Signatory,
    document_group,
    purpose_group,
)
from homeward.consent.policies import can_record_consent, can_upload_document
from homeward.consent.uploads import max_upload_bytes

from .base import Form
from .people import DATE_INPUT, LANGUAGE_CHOICES, LANGUAGE_NAMES

ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


def language_choices(understood: list[str]) -> list:
    """The migrant's languages first; other languages only with an interpreter."""
    theirs = [(code, str(LANGUAGE_NAMES.get(code, code))) for code in understood]
    others = [(code, name) for code, name in LANGUAGE_CHOICES if code not in understood]
    if not theirs:
        return [("", "—"), *others]
    return [
        ("", "—"),
        (_("Languages the migrant understands"), theirs),
        (_("Other languages (with an interpreter)"), others),
    ]


class _SignedForm(Form):
    """Fields shared by consents and signed documents."""

    language = forms.ChoiceField(label=_("Language of the form"))
    interpreter_note = forms.CharField(
        label=_("Interpreter"),
        required=False,
        max_length=255,
        help_text=_(
            "Who interpreted, and into which language. Required when the form is not in a "
            "language the migrant understands."
        ),
    )
    form_version = forms.CharField(label=_("Form version"), max_length=32)
    signatory = forms.ChoiceField(label=_("Signed by"), choices=Signatory.choices)
    signatory_name = forms.CharField(label=_("Name of the signatory"), max_length=200)

    id_prefix = "signed"

    def __init__(self, *args, case, languages: list[str], **kwargs):
        # Both forms are on one page: their field ids must differ.
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["language"].choices = language_choices(languages)
        if languages:
            self.fields["language"].initial = languages[0]
        self.fields["signatory_name"].initial = case.person.display_name


class ConsentForm(_SignedForm):
    id_prefix = "consent"
    purpose = forms.ChoiceField(label=_("Purpose"))
    scope = forms.CharField(
        label=_("Data concerned"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Which personal data may be used or shared."),
    )
    recipients = forms.CharField(
        label=_("Recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("To whom the data may be disclosed (partner, agency, authority…)."),
    )
    given_on = forms.DateField(label=_("Given on"), widget=forms.DateInput(attrs=DATE_INPUT))
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        widget=forms.DateInput(attrs=DATE_INPUT),
        help_text=_("Leave empty if the consent lasts until it is withdrawn."),
    )

    field_order = [
        "purpose",
        "scope",
        "recipients",
        "given_on",
        "expires_on",
        "language",
        "interpreter_note",
        "form_version",
        "signatory",
        "signatory_name",
    ]

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [
            (value, label)
            for value, label in ConsentPurpose.choices
            if can_record_consent(actor, self.case, purpose_group(value))
        ]
        self.fields["given_on"].initial = self.case.today()
        self.fields["form_version"].initial = current_version(
            DocumentKind.VOLUNTARY_RETURN_DECLARATION
        )

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class WithdrawForm(Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 2})
    )


class SignedDocumentForm(_SignedForm):
    id_prefix = "document"
    kind = forms.ChoiceField(label=_("Document"))
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs=DATE_INPUT))
    consent = forms.ChoiceField(
        label=_("Consent it records"),
        required=False,
        help_text=_("Where the form is the migrant's written consent."),
    )
    file = forms.FileField(
        label=_("Scan of the signed form"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )
    signed_in_presence = forms.BooleanField(
        label=_("Signed in my presence (no scan)"), required=False
    )

    field_order = [
        "kind",
        "signed_on",
        "language",
        "interpreter_note",
        "form_version",
        "signatory",
        "signatory_name",
        "consent",
        "file",
        "signed_in_presence",
    ]

    def __init__(self, *args, actor, consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (value, label)
            for value, label in DocumentKind.choices
            if can_upload_document(actor, self.case, document_group(value))
        ]
        self.fields["signed_on"].initial = self.case.today()
        # The version depends on the form chosen: left empty, the printed form's current one.
        version = self.fields["form_version"]
        version.required = False
        version.help_text = _(
            "As printed on the signed form. Leave empty for forms printed by Homeward "
            "(current: %(versions)s)."
        ) % {"versions": ", ".join(FORM_VERSIONS.values())}
        self.fields["consent"].choices = [
            ("", _("None")),
            *(
                (str(c.pk), f"{c.get_purpose_display()} ({c.given_on:%Y-%m-%d})")
                for c in consents
                if c.withdrawn_on is None
            ),
        ]
        from django.template.defaultfilters import filesizeformat

        self.fields["file"].help_text = _(
            "PDF, JPEG or PNG, at most %(size)s. Or tick “signed in my presence” below."
        ) % {"size": filesizeformat(max_upload_bytes())}

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("file", None)
        data.pop("signed_in_presence", None)
        data["consent"] = data.get("consent") or None
        data["form_version"] = data.get("form_version") or current_version(data.get("kind", ""))
        return data
