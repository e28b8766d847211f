"""Reads of people, scoped to the actor's offices (R-DAT-2)."""

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.core.arrays import array_parameter
from homeward.core.errors import NotFound, parse_uuid
from homeward.core.text import search_tokens

from .models import Person


def person_offices(person: Person) -> frozenset:
    """Offices that hold this person: the registering office and every case's offices.

    Uses prefetched cases when the caller loaded them (lists), else one query.
    """
    offices = {person.registered_by_id}
    if "cases" in getattr(person, "_prefetched_objects_cache", {}):
        pairs = [(c.host_office_id, c.origin_office_id) for c in person.cases.all()]
    else:
        pairs = person.cases.values_list("host_office_id", "origin_office_id")
    for host, origin in pairs:
        offices.update(o for o in (host, origin) if o is not None)
    return frozenset(offices)


def readable_groups_for_person(actor, person: Person) -> frozenset:
    return access_for(actor).readable_at(person_offices(person))


def _visible_people(actor):
    offices = access_for(actor).offices_with(Perm.CASE_VIEW)
    # Written out again, for lookups by id, in _VISIBLE_IDS_SQL: change both together.
    scope = (
        Q(registered_by__in=offices)
        | Q(cases__host_office__in=offices)
        | Q(cases__origin_office__in=offices)
    )
    ids = Person.objects.filter(scope).values("pk")
    return Person.objects.filter(pk__in=ids)


def visible_person_ids(actor, ids) -> set:
    """Which of these people the actor may see (as `person_list_for`). On PostgreSQL each
    id is looked up on its own by its key: while a list is imported, people and cases grow
    faster than their statistics, and the planner would read both tables whole for every
    chunk of the list."""
    ids = list(ids)
    if not ids:
        return set()
    if connection.vendor != "postgresql":
        return set(_visible_people(actor).filter(pk__in=ids).values_list("pk", flat=True))
    offices = access_for(actor).offices_with(Perm.CASE_VIEW)
    params = {}
    ids_sql, params["ids"] = array_parameter("ids", ids, "uuid")
    offices_sql, params["offices"] = array_parameter("offices", offices, "uuid")
    cases = Person._meta.get_field("cases").related_model._meta.db_table
    sql = _VISIBLE_IDS_SQL.format(
        ids=ids_sql, offices=offices_sql, people=Person._meta.db_table, cases=cases
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


_VISIBLE_IDS_SQL = """
SELECT p.id FROM unnest({ids}) AS i(id)
CROSS JOIN LATERAL (
    SELECT p.id FROM {people} p
    WHERE p.id = i.id AND (
        p.registered_by_id = ANY({offices})
        OR EXISTS (
            SELECT 1 FROM {cases} c
            WHERE c.person_id = p.id
              AND (c.host_office_id = ANY({offices}) OR c.origin_office_id = ANY({offices}))
        )
    )
    OFFSET 0
) AS p
"""


def person_list_for(actor, *, q: str = ""):
    people = _visible_people(actor)
    for token in search_tokens(q):
        people = people.filter(search_text__contains=token)
    return people.prefetch_related("names", "nationalities").order_by("-created_at")


def person_get_for(actor, *, person_id) -> Person:
    """The person with every part prefetched, or NotFound for missing and forbidden alike."""
    person_id = parse_uuid(person_id, _("Person not found."))
    person = (
        _visible_people(actor)
        .select_related("registered_by", "place_of_birth_area")
        .prefetch_related(
            "names",
            "nationalities",
            "languages",
            "contacts",
            "documents__issuing_country",
            "household",
        )
        .filter(pk=person_id)
        .first()
    )
    if person is None:
        raise NotFound(_("Person not found."))
    return person
