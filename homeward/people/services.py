"""Writes to people: the only code that creates or changes a Person and its parts."""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_today
from homeward.accounts.models import Office
from homeward.accounts.roles import FieldGroup, Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record, audit_record_many, diff
from homeward.core.bulk import copy_rows, insert_new
from homeward.core.concurrency import check_version
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed, parse_uuid
from homeward.core.text import fold

from .matchkeys import match_data, refresh_match_keys
from .models import (
    Contact,
    HouseholdMember,
    IdentityDocument,
    MatchToken,
    Person,
    PersonLanguage,
    PersonMatchKey,
    PersonName,
)
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
    person = Person(registered_by=office)
    _apply_scalars(person, data)
    today = office_today(office)
    if person.date_of_birth is None and person.estimated_age is not None:
        person.age_estimated_on = today
    children = _validated(
        person, {"names": [], **data}, default_region=office.country_id, today=today
    )
    person.save()
    _write_children(person, children)
    refresh_search_text(person)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        offices=person_offices(person),
        summary=gettext_lazy("Person registered"),
        changes=_snapshot(person),
    )
    return person


@transaction.atomic
def people_create_bulk(*, actor, office: Office, rows: list[dict]) -> list[Person]:
    """R-CNS-2 for lists (R-ARR-3 notification lists): `person_create` for many people at
    once, with its checks and one audit line per person, in a few statements; all or
    nothing. Rows hold birth data, sex, names and contacts; errors are keyed "<index>.<key>".
    """
    access = access_for(actor)
    if Perm.PERSON_EDIT not in access.perms_at([office.pk]):
        raise PermissionDenied(_("You may not register people for this office."))
    writable = access.writable_at([office.pk])
    today = office_today(office)
    errors: dict[str, list[str]] = {}
    people, parts = [], []
    for index, data in enumerate(rows):
        unknown = set(data) - {*SCALAR_FIELDS, "names", "contacts"}
        if unknown:
            raise ValueError(f"people_create_bulk takes no {sorted(unknown)}")
        _check_writable(data, writable)
        person = Person(registered_by=office)
        _apply_scalars(person, data)
        if person.date_of_birth is None and person.estimated_age is not None:
            person.age_estimated_on = today
        try:
            children = _validated(
                person,
                {"names": [], **data},
                default_region=office.country_id,
                bulk=True,
                today=today,
            )
        except ValidationFailed as exc:
            errors.update({f"{index}.{k}": v for k, v in exc.field_errors.items()})
            continue
        names, contacts = children["names"], children.get("contacts") or []
        if not any(n.is_primary for n in names):
            names[0].is_primary = True
        names.sort(key=lambda n: not n.is_primary)
        person.display_name = names[0].full_name
        person.search_text = search_text_for((n.given_names, n.family_name) for n in names)
        match = match_data(
            names=[(n.given_names, n.family_name, n.script) for n in names],
            documents=(),
            nationalities=(),
            sex=person.sex,
            date_of_birth=person.date_of_birth,
            estimated_age=person.estimated_age,
            estimated_on=person.age_estimated_on or today,
        )
        person.match_profile = match.profile
        people.append(person)
        parts.append((names, contacts, match))
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    insert_new(people)
    for person, (names, contacts, _match) in zip(people, parts, strict=True):
        for child in (*names, *contacts):
            child.person = person
    insert_new([n for names, _c, _m in parts for n in names])
    insert_new([c for _n, contacts, _m in parts for c in contacts])
    _insert_match_keys(
        [
            (person.pk, key)
            for person, (_n, _c, match) in zip(people, parts, strict=True)
            for key in match.keys
        ]
    )
    _insert_vocabulary({row for _n, _c, match in parts for row in match.vocabulary})
    audit_record_many(
        actor=actor,
        records=[
            {
                "action": AuditAction.CREATE,
                "obj": person,
                "offices": [office.pk],
                "summary": gettext_lazy("Person registered"),
                "changes": _new_snapshot(person, names, contacts),
            }
            for person, (names, contacts, _match) in zip(people, parts, strict=True)
        ],
    )
    return people


def _insert_match_keys(rows: list[tuple]) -> None:
    """(person id, key) rows of PersonMatchKey; on PostgreSQL in one COPY (a list brings
    several keys per person)."""
    if connection.vendor != "postgresql":
        PersonMatchKey.objects.bulk_create(
            [PersonMatchKey(person_id=p, key=k) for p, k in rows], batch_size=5000
        )
        return
    meta = PersonMatchKey._meta
    copy_rows(meta.db_table, [meta.get_field("person").column, meta.get_field("key").column], rows)


def _insert_vocabulary(rows: set[tuple[str, str]]) -> None:
    """(variant, code) rows of MatchToken, those already known left out."""
    rows = sorted(rows)
    if connection.vendor != "postgresql":
        MatchToken.objects.bulk_create(
            [MatchToken(variant=v, code=c) for v, c in rows], ignore_conflicts=True, batch_size=5000
        )
        return
    meta, qn = MatchToken._meta, connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(meta.db_table)} "
        f"({qn(meta.get_field('variant').column)}, {qn(meta.get_field('code').column)}) "
        "SELECT * FROM unnest(%s::varchar[], %s::varchar[]) ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [[v for v, _c in rows], [c for _v, c in rows]])


def _new_snapshot(person: Person, names, contacts) -> dict:
    """`_snapshot` of a person just created with these names and contacts only."""
    return {
        **{k: getattr(person, k) for k in SCALAR_FIELDS},
        "names": [n.full_name for n in names],
        "nationalities": [],
        "contacts": [(c.kind, c.value) for c in contacts],
        "documents": [],
        "household": [],
        "languages": [],
    }


@transaction.atomic
def person_update(*, actor, person_id, version: int | None, data: dict) -> Person:
    """Change the parts of a person named in `data`; refuses stale versions and field
    groups the actor may not write. Saving without a change writes nothing."""
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
    office = person.registered_by
    children = _validated(
        person, data, default_region=office.country_id, today=office_today(office)
    )
    person.save()
    _write_children(person, children)
    changes = diff(before, _snapshot(person))
    if not changes:
        return person
    refresh_search_text(person)
    Person.objects.filter(pk=person.pk).update(version=person.version + 1)
    person.version += 1
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=person,
        offices=offices,
        summary=gettext_lazy("Person changed"),
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


def _validated(
    person: Person,
    data: dict,
    *,
    default_region: str,
    today: datetime.date,
    bulk: bool = False,
) -> dict:
    """Every problem with the person and their parts, reported together, before anything
    is written: the model, birth data, nationalities and each list of parts. `bulk` checks
    the birth-data constraint in Python instead of with a statement per person; `today` is
    the registering office's day (a birth after it is refused)."""
    errors: dict[str, list[str]] = {}
    _clean_person(person, errors, bulk=bulk, today=today)
    children = {"nationalities": None}
    if "nationalities" in data:
        children["nationalities"] = _known_countries(data["nationalities"], errors)
    for key, model in CHILD_MODELS.items():
        if key in data:
            children[key] = _valid_rows(key, model, data[key] or [], default_region, errors)
    if "names" in data and not data["names"]:
        errors["names"] = [_("At least one name is required.")]
    _household_born_by(children.get("household") or [], today, errors)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), field_errors=errors)
    return children


def _clean_person(person: Person, errors: dict, *, bulk: bool, today: datetime.date) -> None:
    try:
        person.full_clean(
            exclude=["registered_by", "nationalities"],
            validate_unique=not bulk,  # a new random UUID
            validate_constraints=not bulk,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if bulk and person.date_of_birth is None and person.estimated_age is None:
        errors["__all__"] = ["person_has_birth_date_or_estimated_age"]
    if errors.pop("__all__", None):
        errors["date_of_birth"] = [_("Give a date of birth or an estimated age.")]
    if person.date_of_birth and person.date_of_birth > today:
        errors.setdefault("date_of_birth", []).append(_("The date of birth is in the future."))
    if person.estimated_age is not None and person.estimated_age > 120:
        errors.setdefault("estimated_age", []).append(_("Give an age between 0 and 120."))


def _household_born_by(members: list, today: datetime.date, errors: dict) -> None:
    for member in members:
        if member.date_of_birth and member.date_of_birth > today:
            message = _("%(name)s: the date of birth is in the future.")
            errors.setdefault("household", []).append(message % {"name": member.full_name})


def _valid_rows(key: str, model, rows: list, default_region: str, errors: dict) -> list:
    prepared = [_prepare_row(key, dict(row), default_region, errors) for row in rows]
    objs = [model(**row) for row in prepared]
    for obj in objs:
        _clean_child(obj, key, errors)
    return objs


def _write_children(person: Person, children: dict) -> None:
    if children.get("nationalities") is not None:
        person.nationalities.set(children["nationalities"])
    for key, model in CHILD_MODELS.items():
        if children.get(key) is None:
            continue
        model.objects.filter(person=person).delete()
        for obj in children[key]:
            obj.person = person
        model.objects.bulk_create(children[key])
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


def _known_countries(codes, errors: dict) -> list[str]:
    from homeward.geo.models import Country

    wanted = {str(c).upper() for c in codes or []}
    known = set(Country.objects.filter(code__in=wanted).values_list("code", flat=True))
    unknown = sorted(wanted - known)
    if unknown:
        errors["nationalities"] = [_("Unknown country code: %s") % ", ".join(unknown)]
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
    # R-DUP-1: names, birth data, documents and nationalities as duplicate detection reads them.
    refresh_match_keys(person, names)


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
        offices=person_offices(person),
        summary=gettext_lazy("Person record viewed"),
        ip_address=ip_address,
    )
