from django.db import models
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Office
from homeward.core.models import BaseModel
from homeward.geo.models import AdminArea, Country


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / not stated")


class Script(models.TextChoices):
    LATIN = "Latn", _("Latin")
    ARABIC = "Arab", _("Arabic")
    NKO = "Nkoo", _("N'Ko")
    TIFINAGH = "Tfng", _("Tifinagh")
    OTHER = "Zyyy", _("Other")


class Person(BaseModel):
    """A migrant (identity group), with names, contacts, documents and household."""

    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)
    place_of_birth = models.CharField(_("place of birth"), max_length=150, blank=True)
    place_of_birth_area = models.ForeignKey(
        AdminArea,
        verbose_name=_("area of birth"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nationalities = models.ManyToManyField(
        Country, verbose_name=_("nationalities"), related_name="+", blank=True
    )
    registered_by = models.ForeignKey(
        Office, verbose_name=_("registering office"), on_delete=models.PROTECT, related_name="+"
    )
    # Kept by the services from the names: the primary spelling for lists (no join needed),
    # and a folded copy of every stored spelling for search.
    display_name = models.CharField(_("name"), max_length=301, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    # R-DUP-1: names, document numbers and nationalities as duplicate detection reads them
    # (people.matchkeys.profile_data), kept with the blocking keys by the people service.
    match_profile = models.JSONField(editable=False, default=dict)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_birth__isnull=False)
                | models.Q(estimated_age__isnull=False),
                name="person_has_birth_date_or_estimated_age",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or str(self.pk)

    @property
    def primary_name(self):
        names = list(self.names.all())
        return next((n for n in names if n.is_primary), names[0] if names else None)


class PersonName(models.Model):
    """One spelling of a person's name, in a script, possibly a transliteration of another."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="names")
    given_names = models.CharField(_("given names"), max_length=150)
    family_name = models.CharField(_("family name"), max_length=150, blank=True)
    script = models.CharField(_("script"), max_length=4, choices=Script.choices, default="Latn")
    is_transliteration = models.BooleanField(_("transliteration"), default=False)
    is_primary = models.BooleanField(_("primary name"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("name")
        verbose_name_plural = _("names")

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.given_names} {self.family_name}".strip()


class PersonLanguage(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639 code"))
    preferred_for_counselling = models.BooleanField(_("preferred for counselling"), default=False)

    class Meta:
        ordering = ["-preferred_for_counselling", "language"]
        constraints = [
            models.UniqueConstraint(fields=["person", "language"], name="unique_person_language")
        ]

    def __str__(self) -> str:
        return self.language


class Contact(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("E-mail")
        ADDRESS = "address", _("Address")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=255, help_text=_("Phones are stored in E.164"))
    label = models.CharField(_("label"), max_length=80, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        NATIONAL_ID = "national_id", _("National identity card")
        LAISSEZ_PASSER = "laissez_passer", _("Laissez-passer / emergency travel document")
        CONSULAR_CARD = "consular_card", _("Consular card")
        BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
        RESIDENCE_PERMIT = "residence_permit", _("Residence permit")
        OTHER = "other", _("Other")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=64, blank=True)
    issuing_country = models.ForeignKey(
        Country,
        verbose_name=_("issuing country"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class HouseholdMember(models.Model):
    """A family member or dependant; `migrated` separates those abroad from those who stayed."""

    class Relationship(models.TextChoices):
        SPOUSE = "spouse", _("Spouse / partner")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        OTHER = "other", _("Other relative")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="household")
    full_name = models.CharField(_("name"), max_length=200)
    relationship = models.CharField(_("relationship"), max_length=10, choices=Relationship.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    is_dependant = models.BooleanField(_("dependant"), default=False)
    migrated = models.BooleanField(_("migrated"), default=False)
    linked_person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["relationship", "id"]

    def __str__(self) -> str:
        return self.full_name


class PersonMatchKey(models.Model):
    """R-DUP-1: one blocking key of a person (people.matchkeys.stored_keys): name codes with
    the year or date of birth, or a document number. Duplicate detection looks candidates up
    by key instead of scanning people."""

    # Derived rows, written and deleted only with their person by the people service: no
    # database constraint, whose check at commit cost an index lookup and a row lock on
    # the person for every key (several per person; most of an import's checks).
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="match_keys", db_constraint=False
    )
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "person"], name="person_match_key")]

    def __str__(self) -> str:
        return self.key


class MatchToken(models.Model):
    """R-DUP-1: the vocabulary of name codes, each under itself and its one- or two-letter
    deletions (people.matchkeys.deletions), so a misspelt name finds the stored codes close
    to it. Rows are only added; a code no one carries any more is harmless."""

    variant = models.CharField(max_length=20)
    code = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["variant", "code"], name="unique_match_token")
        ]

    def __str__(self) -> str:
        return f"{self.variant} → {self.code}"
