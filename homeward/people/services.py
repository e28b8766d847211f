"""Writes to people: the only code that creates or changes a Person and its parts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup, Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record, diff
from homeward.core.concurrency import check_version
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed, parse_uuid
from homeward.core.text import fold

from .models import Contact, HouseholdMember, IdentityDocument, Person, PersonLanguage, PersonName
from .selectors import person_offices
from .validation import normalise_phone

SCALAR_FIELDS = ("sex", "date_of_birth", "estimated_age", "place_of_birth")
CHILD_MODELS = {
    "names": PersonName,
    "languages": PersonLanguage,
    "contacts": Contact,
    "documents": IdentityDocument,
    "household": HouseholdMember,
}
IDENTITY_KEYS = (*SCALAR_FIELDS, "nationalities", "names", "languages", "documents", "household")
GROUP_OF_KEY = {**dict.fromkeys(IDENTITY_KEYS, FieldGroup.IDENTITY), "contacts": FieldGroup.CONTACT}


@transaction.atomic
def person_create(*, actor, office: Office, data: dict) -> Person:
    """R-CNS-2: record a migrant's biodata, contacts, documents and household."""
    access = access_for(actor)
    if Perm.PERSON_EDIT not in access.perms_at([office.pk]):
        raise PermissionDenied(_("You may not register people for this office."))
    _check_writable(data, access.writable_at([office.pk]))
    if not data.get("names"):
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={"names": [_("At least one name is required.")]},
        )
    person = Person(registered_by=office)
    _apply_scalars(person, data)
    if person.date_of_birth is None and person.estimated_age is not None:
        person.age_estimated_on = timezone.localdate()
    _validate_and_save(person)
    _replace_children(person, data, default_region=office.country_id)
    refresh_search_text(person)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        summary=_("Person registered"),
        changes=_snapshot(person),
    )
    return person


@transaction.atomic
def person_update(*, actor, person_id, version: int | None, data: dict) -> Person:
    """Change the parts of a person named in `data`; refuses stale versions and
    field groups the actor may not write."""
    person_id = parse_uuid(person_id, _("Person not found."))
    person = Person.objects.select_for_update().filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("Person not found."))
    offices = person_offices(person)
    access = access_for(actor)
    if Perm.CASE_VIEW not in access.perms_at(offices):
        raise NotFound(_("Person not found."))
    if Perm.PERSON_EDIT not in access.perms_at(offices):
        raise PermissionDenied(_("You may not change this person's record."))
    _check_writable(data, access.writable_at(offices))
    check_version(person, version)
    before = _snapshot(person)
    _apply_scalars(person, data)
    person.version += 1
    _validate_and_save(person)
    _replace_children(person, data, default_region=person.registered_by.country_id)
    refresh_search_text(person)
    changes = diff(before, _snapshot(person))
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        summary=_("Person changed"),
        changes=changes,
    )
    return person


def _check_writable(data: dict, writable: frozenset) -> None:
    refused = {
        key: [_("You may not change this information.")]
        for key in data
        if key in GROUP_OF_KEY and GROUP_OF_KEY[key] not in writable
    }
    if refused:
        raise PermissionDenied(
            _("You may not change some of this information."), field_errors=refused
        )


def _apply_scalars(person: Person, data: dict) -> None:
    for key in SCALAR_FIELDS:
        if key in data:
            setattr(person, key, data[key] if data[key] is not None else _empty(key))


def _empty(key: str):
    return "" if key == "place_of_birth" else None


def _validate_and_save(person: Person) -> None:
    try:
        person.full_clean(exclude=["registered_by", "nationalities"])
    except ValidationError as exc:
        raise _with_birth_message(exc) from exc
    person.save()


def _with_birth_message(exc: ValidationError) -> ValidationFailed:
    failed = ValidationFailed.from_django(exc)
    general = failed.field_errors.pop("__all__", [])
    if general:
        failed.field_errors["date_of_birth"] = [_("Give a date of birth or an estimated age.")]
    return failed


def _replace_children(person: Person, data: dict, *, default_region: str) -> None:
    if "nationalities" in data:
        person.nationalities.set(_known_countries(data["nationalities"], "nationalities"))
    errors: dict[str, list[str]] = {}
    for key, model in CHILD_MODELS.items():
        if key not in data:
            continue
        rows = [_prepare_row(key, dict(row), default_region, errors) for row in data[key] or []]
        if errors:
            continue
        model.objects.filter(person=person).delete()
        objs = [model(person=person, **row) for row in rows]
        for obj in objs:
            _clean_child(obj, key, errors)
        if not errors:
            model.objects.bulk_create(objs)
    if "names" in data and not data["names"]:
        errors["names"] = [_("At least one name is required.")]
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    _ensure_primary_name(person)


def _prepare_row(key: str, row: dict, default_region: str, errors: dict) -> dict:
    if key == "contacts" and row.get("kind") in (Contact.Kind.PHONE, Contact.Kind.WHATSAPP):
        try:
            row["value"] = normalise_phone(row.get("value", ""), default_region)
        except ValueError as exc:
            errors.setdefault("contacts", []).append(str(exc))
    if key == "documents" and row.get("issuing_country"):
        row["issuing_country_id"] = str(row.pop("issuing_country")).upper()
    elif key == "documents":
        row.pop("issuing_country", None)
    return row


def _clean_child(obj, key: str, errors: dict) -> None:
    try:
        obj.full_clean(exclude=["person", "linked_person"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(key, []).extend(f"{field}: {m}" for m in messages)


def _ensure_primary_name(person: Person) -> None:
    names = list(PersonName.objects.filter(person=person).order_by("id"))
    if names and not any(n.is_primary for n in names):
        PersonName.objects.filter(pk=names[0].pk).update(is_primary=True)


def _known_countries(codes, field: str) -> list[str]:
    from homeward.geo.models import Country

    wanted = {str(c).upper() for c in codes or []}
    known = set(Country.objects.filter(code__in=wanted).values_list("code", flat=True))
    unknown = sorted(wanted - known)
    if unknown:
        raise ValidationFailed(
            _("Please correct the errors below."),
            field_errors={field: [_("Unknown country code: %s") % ", ".join(unknown)]},
        )
    return sorted(known)


def search_text_for(spellings) -> str:
    """The folded search key of a person with these (given, family) spellings, in both
    name orders, so any stored spelling and word order matches."""
    spellings = list(spellings)
    folded = {fold(f"{given} {family}") for given, family in spellings}
    folded |= {fold(f"{family} {given}") for given, family in spellings}
    return " | ".join(sorted(folded))


def refresh_search_text(person: Person) -> None:
    """Recompute the display name and search key from the stored names."""
    names = list(PersonName.objects.filter(person=person).order_by("-is_primary", "id"))
    person.display_name = names[0].full_name if names else ""
    person.search_text = search_text_for((n.given_names, n.family_name) for n in names)
    Person.objects.filter(pk=person.pk).update(
        display_name=person.display_name, search_text=person.search_text
    )
    # Cases carry a copy so that case search needs no join.
    person.cases.update(search_text=person.search_text)


def _snapshot(person: Person) -> dict:
    """The person's data as audit before/after values."""
    return {
        **{k: getattr(person, k) for k in SCALAR_FIELDS},
        "names": [n.full_name for n in PersonName.objects.filter(person=person)],
        "nationalities": sorted(person.nationalities.values_list("code", flat=True)),
        "contacts": list(Contact.objects.filter(person=person).values_list("kind", "value")),
        "documents": list(
            IdentityDocument.objects.filter(person=person).values_list("kind", "number")
        ),
        "household": list(
            HouseholdMember.objects.filter(person=person).values_list("full_name", "migrated")
        ),
        "languages": list(PersonLanguage.objects.filter(person=person).values_list("language")),
    }


def person_viewed(*, actor, person: Person, ip_address: str | None = None) -> None:
    """R-DAT-3: record that the actor saw this person's personal data."""
    audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        obj=person,
        summary=_("Person record viewed"),
        ip_address=ip_address,
    )
