"""Reads of cases, always scoped to the actor's offices and readable field groups."""

import contextlib
import functools
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.models import Office, User
from homeward.accounts.roles import ROLE_PERMISSIONS, FieldGroup, Perm, Role
from homeward.core.errors import NotFound, parse_uuid
from homeward.core.text import search_tokens
from homeward.geo.models import AdminArea, Country
from homeward.people.models import (
    Contact,
    HouseholdMember,
    IdentityDocument,
    Person,
    PersonLanguage,
    PersonName,
)
from homeward.programmes.models import Programme

from . import workflow
from .list_keys import PARTIAL_REFERENCE, REFERENCE_PATTERN, case_keys_sql, offices_reading_flag
from .models import Case, CaseEvent, Phase, VulnerabilityFlag, category_group
from .policies import can_run_transition, can_view_case, readable_groups_for_case
from .requirements import unmet_requirements

TIMELINE_LIMIT = 100


@dataclass(frozen=True)
class CaseFilters:
    q: str = ""
    phase: str = ""
    office: str = ""
    programme: str = ""
    scheme: str = ""
    flag: str = ""
    assigned_to_me: bool = False


def _scope(actor):
    offices = access_for(actor).offices_with(Perm.CASE_VIEW)
    return Case.objects.filter(Q(host_office__in=offices) | Q(origin_office__in=offices))


def case_list_for(actor, filters: CaseFilters = CaseFilters()):
    """R-DAT-2: the cases of the actor's offices matching the filters, newest change first."""
    cases = _apply_filters(actor, _scope(actor), filters)
    return cases.select_related(
        "programme", "host_office", "origin_office", "assigned_to", "person"
    )


LIST_COLUMNS = (
    "reference",
    "phase",
    "scheme",
    "updated_at",
    "person__display_name",
    "host_office__name",
    "origin_office__name",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__username",
)


def case_rows_for(actor, filters: CaseFilters = CaseFilters()) -> "CaseRows":
    """The same cases as `case_list_for`, as plain rows of the columns a list page shows:
    no model instances to build for a page of 25."""
    return CaseRows(*case_keys_sql(actor, filters))


class CaseRows:
    """The rows of a case list, read in two steps: the ids of a slice in list order, then
    the list columns of those ids only.

    The first step reads the case table alone. On PostgreSQL it walks `case_recent`, which
    also holds the offices and the search text, without visiting the table (or, for a rare
    name, starts from the trigram index); the joins for the columns shown are made for the
    25 ids of the page only. A paginator counts a slice reaching a few pages past the page
    and then takes the page out of it: the ids read for the count serve the page too, so a
    name is searched once per request.

    Sliceable like a queryset; a slice counts (`count()`, `len()`) and iterates its rows.
    """

    ordered = True  # by the model's ordering, newest change first (the paginator asks)

    def __init__(self, sql: str, params: list, start=0, stop=None, head=None):
        self._sql, self._params = sql, params  # the ids in list order (`list_keys`)
        self._start, self._stop = start, stop
        # Ids from the first case on, read once and shared by the slices.
        self._head = head if head is not None else {"keys": None, "complete": False}
        self._rows = None

    def __getitem__(self, key):
        if isinstance(key, int):
            return list(self)[key]
        if key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise ValueError("CaseRows take plain slices.")
        start = self._start + (key.start or 0)
        stop = self._start + key.stop if key.stop is not None else self._stop
        if self._stop is not None:
            stop = self._stop if stop is None else min(stop, self._stop)
        return CaseRows(self._sql, self._params, start, stop, self._head)

    def _keys(self) -> list:
        head = self._head
        covered = head["keys"] is not None and (
            head["complete"] or (self._stop is not None and self._stop <= len(head["keys"]))
        )
        if not covered and self._start == 0 and self._stop is not None:
            head["keys"] = self._read_keys(0, self._stop)
            head["complete"] = len(head["keys"]) < self._stop
            covered = True
        if covered:
            return head["keys"][self._start : self._stop]
        return self._read_keys(self._start, self._stop)

    def _read_keys(self, start: int, stop: int | None) -> list:
        sql, params = self._sql, list(self._params)
        if stop is not None:
            sql += " LIMIT %s"
            params.append(max(stop - start, 0))
        elif start:
            sql += " LIMIT -1" if connection.vendor == "sqlite" else " LIMIT ALL"
        if start:
            sql += " OFFSET %s"
            params.append(start)
        to_pk = Case._meta.pk.to_python
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [to_pk(pk) for (pk,) in cursor.fetchall()]

    def count(self) -> int:
        return len(self._keys())

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        if self._rows is None:
            keys = self._keys()
            found = {}
            if keys:
                to_pk = Case._meta.pk.to_python
                updated = _column_converter(Case, "updated_at", "c")
                sql = _LIST_ROWS_SQL.format(ids=", ".join(["%s"] * len(keys)))
                with connection.cursor() as cursor:
                    cursor.execute(sql, [_db_value(Case._meta.pk, pk) for pk in keys])
                    for pk, at, *columns in cursor.fetchall():
                        found[to_pk(pk)] = {
                            **dict(zip(_LIST_ROWS_COLUMNS, columns, strict=True)),
                            "updated_at": updated(at),
                        }
            self._rows = [found[pk] for pk in keys if pk in found]
        return iter(self._rows)


# The columns of `LIST_COLUMNS` for the ids of one page (see `CaseRows`): `updated_at`, then
# text only. The ids are read without it: converting the time of every id counted (a few
# hundred for a common name) cost more than the rest of the step. Written out: the ORM spent
# longer building this five-table query than the database took to run it.
_LIST_ROWS_COLUMNS = tuple(column for column in LIST_COLUMNS if column != "updated_at")
_LIST_ROWS_SQL = (
    "SELECT c.id, c.updated_at, c.reference, c.phase, c.scheme, p.display_name, h.name, o.name, "
    "u.first_name, u.last_name, u.username "
    "FROM cases_case c JOIN people_person p ON p.id = c.person_id "
    "JOIN accounts_office o ON o.id = c.origin_office_id "
    "LEFT JOIN accounts_office h ON h.id = c.host_office_id "
    "LEFT JOIN accounts_user u ON u.id = c.assigned_to_id "
    "WHERE c.id IN ({ids})"
)


def _apply_filters(actor, cases, f: CaseFilters):
    query = f.q.strip()
    if REFERENCE_PATTERN.match(query):
        cases = cases.filter(reference=query.upper())
    elif PARTIAL_REFERENCE.match(query):
        cases = cases.filter(reference__contains=query.upper())
    else:
        for token in search_tokens(query):
            cases = cases.filter(search_text__contains=token)
    if f.phase:
        cases = cases.filter(phase=f.phase)
    if f.office and _is_uuid(f.office):
        cases = cases.filter(Q(host_office_id=f.office) | Q(origin_office_id=f.office))
    if f.programme and _is_uuid(f.programme):
        cases = cases.filter(programme_id=f.programme)
    if f.scheme:
        cases = cases.filter(scheme=f.scheme)
    if f.assigned_to_me:
        cases = cases.filter(assigned_to=actor)
    if f.flag:
        cases = _filter_by_flag(actor, cases, f.flag)
    return cases


def _is_uuid(value: str) -> bool:
    try:
        parse_uuid(value)
    except NotFound:
        return False
    return True


def _filter_by_flag(actor, cases, category: str):
    """Only where the actor may read the flag's group: a sensitive flag never leaks
    through filtering in offices whose roles may not see it."""
    offices = offices_reading_flag(actor, category)
    flagged = VulnerabilityFlag.objects.filter(category=category).values("case_id")
    return cases.filter(pk__in=flagged).filter(
        Q(host_office__in=offices) | Q(origin_office__in=offices)
    )


def flag_choices_for(actor) -> list[tuple[str, str]]:
    from .models import VulnerabilityCategory

    readable = access_for(actor).readable_at(access_for(actor).office_ids)
    return [(c.value, c.label) for c in VulnerabilityCategory if category_group(c) in readable]


def case_get_for(
    actor, *, case_id=None, reference: str | None = None, prefetch: bool = True
) -> Case:
    """One case with its person, household, documents and recent timeline; NotFound for
    missing and forbidden alike. `prefetch=False` reads the case with its person,
    programme, offices, assignee and return area only, in one statement, for a caller that
    reads the rest with `case_file_of` (the case page)."""
    if not prefetch:
        return _case_with_references(actor, case_id=case_id, reference=reference)
    cases = (
        _scope(actor)
        .select_related(
            "programme",
            "host_office__country",
            "origin_office__country",
            "assigned_to",
            "intended_return_area",
            "person__registered_by",
            "person__place_of_birth_area",
        )
        .prefetch_related(
            "person__names",
            "person__nationalities",
            "person__languages",
            "person__contacts",
            Prefetch(
                "person__documents",
                queryset=IdentityDocument.objects.select_related("issuing_country"),
            ),
            "person__household",
            "flags",
            Prefetch("family_members", queryset=Case.objects.select_related("person")),
        )
    )
    if reference is not None:
        cases = cases.filter(reference=reference.upper())
    else:
        cases = cases.filter(pk=parse_uuid(case_id, _("Case not found.")))
    # A unique key: no ordering to plan or sort (first() would add the model's ordering).
    for case in cases.order_by()[:1]:
        return case
    raise NotFound(_("Case not found."))


# The case with what `select_related` would bring for the case page, in one statement (see
# `_read`): compiling that seven-table join through the ORM took longer than running it.
_CASE_SQL = (
    "SELECT {0}, {1}, {2}, {3}, {4}, {5}, {6}, {7} FROM cases_case c "
    "JOIN people_person p ON p.id = c.person_id "
    "JOIN accounts_office r ON r.id = p.registered_by_id "
    "JOIN programmes_programme g ON g.id = c.programme_id "
    "JOIN accounts_office o ON o.id = c.origin_office_id "
    "LEFT JOIN accounts_office h ON h.id = c.host_office_id "
    "LEFT JOIN accounts_user u ON u.id = c.assigned_to_id "
    "LEFT JOIN geo_adminarea a ON a.id = c.intended_return_area_id "
)
_CASE_BY_REFERENCE_SQL = _CASE_SQL + "WHERE c.reference = %s"
_CASE_BY_ID_SQL = _CASE_SQL + "WHERE c.id = %s"
_CASE_SHAPES = (
    (Case, "c"),
    (Person, "p"),
    (Office, "r"),
    (Programme, "g"),
    (Office, "o"),
    (Office, "h"),
    (User, "u"),
    (AdminArea, "a"),
)


def _case_with_references(actor, *, case_id, reference) -> Case:
    """The case with its person (and registering office), programme, offices, assignee and
    intended return area. R-DAT-2 is checked on the row with `can_view_case`, the rule that
    `_scope` applies to querysets; missing and forbidden raise the same NotFound."""
    if reference is not None:
        rows = _read(_CASE_BY_REFERENCE_SQL, [reference.upper()], *_CASE_SHAPES)
    else:
        pk = parse_uuid(case_id, _("Case not found."))
        rows = _read(_CASE_BY_ID_SQL, [_db_value(Case._meta.pk, pk)], *_CASE_SHAPES)
    if not rows or not can_view_case(actor, rows[0][0]):
        raise NotFound(_("Case not found."))
    case, person, registering_office, programme, origin, host, assignee, area = rows[0]
    person.registered_by = registering_office
    case.person, case.programme = person, programme
    case.origin_office, case.host_office = origin, host
    case.assigned_to, case.intended_return_area = assignee, area
    return case


@dataclass(frozen=True)
class CaseFile:
    """What the case page shows besides the case row, as model instances in the order the
    page lists them. Parts of a field group the reader may not read are left empty, unread."""

    names: list
    nationalities: list
    languages: list
    contacts: list
    documents: list
    household: list
    flags: list  # of readable groups only
    family: list  # other cases, each with `person_display_name`
    timeline: list  # newest first, each with `actor_name` ("" for the system)


# The case page reads its parts with one short statement each. Written out rather than built
# by the ORM: on a page of ten small reads, building and compiling each queryset cost more
# than the database did (docs/architecture.md, "Speed"). `{0}` stands for the model's
# columns (see `_read`); the orders are the models' `Meta.ordering`.
_NAMES_SQL = (
    "SELECT {0} FROM people_personname n WHERE n.person_id = %s ORDER BY n.is_primary DESC, n.id"
)
_NATIONALITIES_SQL = (
    "SELECT {0} FROM geo_country c "
    "JOIN people_person_nationalities n ON n.country_id = c.code "
    "WHERE n.person_id = %s ORDER BY c.name"
)
_LANGUAGES_SQL = (
    "SELECT {0} FROM people_personlanguage l WHERE l.person_id = %s "
    "ORDER BY l.preferred_for_counselling DESC, l.language"
)
_CONTACTS_SQL = "SELECT {0} FROM people_contact c WHERE c.person_id = %s ORDER BY c.kind, c.id"
_DOCUMENTS_SQL = (
    "SELECT {0}, c.alpha3, c.name "
    "FROM people_identitydocument d LEFT JOIN geo_country c ON c.code = d.issuing_country_id "
    "WHERE d.person_id = %s ORDER BY d.kind, d.id"
)
_HOUSEHOLD_SQL = (
    "SELECT {0} FROM people_householdmember h WHERE h.person_id = %s ORDER BY h.relationship, h.id"
)
_FLAGS_SQL = "SELECT {0} FROM cases_vulnerabilityflag f WHERE f.case_id = %s ORDER BY f.id"
_FAMILY_SQL = (
    "SELECT {0}, p.display_name FROM cases_case c "
    "JOIN cases_case_family_members f ON f.to_case_id = c.id "
    "JOIN people_person p ON p.id = c.person_id "
    "WHERE f.from_case_id = %s ORDER BY c.updated_at DESC"
)
_TIMELINE_SQL = (
    "SELECT {0}, u.first_name, u.last_name, u.username FROM cases_caseevent e "
    "LEFT JOIN accounts_user u ON u.id = e.actor_id "
    "WHERE e.case_id = %s ORDER BY e.at DESC, e.id DESC LIMIT %s"
)


def case_file_of(case: Case, readable, *, timeline_limit: int = TIMELINE_LIMIT) -> CaseFile:
    """The parts of a case the case page lists (see `CaseFile`), for a case the actor may see
    (from `case_get_for`) and the field groups they may read there. The statements go to
    the database together (`_read_together`)."""
    person_id = [_db_value(Person._meta.pk, case.person_id)]
    case_id = [_db_value(Case._meta.pk, case.pk)]
    identity = FieldGroup.IDENTITY in readable
    contacts = identity and FieldGroup.CONTACT in readable
    wanted = {
        "names": (_NAMES_SQL, person_id, (PersonName, "n"), identity),
        "nationalities": (_NATIONALITIES_SQL, person_id, (Country, "c"), identity),
        "languages": (_LANGUAGES_SQL, person_id, (PersonLanguage, "l"), identity),
        "contacts": (_CONTACTS_SQL, person_id, (Contact, "c"), contacts),
        "documents": (_DOCUMENTS_SQL, person_id, (IdentityDocument, "d"), identity),
        "household": (_HOUSEHOLD_SQL, person_id, (HouseholdMember, "h"), identity),
        "flags": (_FLAGS_SQL, case_id, (VulnerabilityFlag, "f"), True),
        "family": (_FAMILY_SQL, case_id, (Case, "c"), True),
        "timeline": (_TIMELINE_SQL, [*case_id, timeline_limit], (CaseEvent, "e"), True),
    }
    reads = {
        name: (sql, params, (shape,)) for name, (sql, params, shape, read) in wanted.items() if read
    }
    rows = dict(zip(reads, _read_together(list(reads.values())), strict=True))
    parts = {name: [record for record, *_ in rows.get(name, ())] for name in wanted}
    for document, (_record, alpha3, name) in zip(
        parts["documents"], rows.get("documents", ()), strict=True
    ):
        if document.issuing_country_id:
            document.issuing_country = Country(
                code=document.issuing_country_id, alpha3=alpha3, name=name
            )
    for event, (_record, first_name, last_name, username) in zip(
        parts["timeline"], rows["timeline"], strict=True
    ):
        full_name = f"{first_name or ''} {last_name or ''}".strip()
        event.actor_name = full_name or username or ""
    for other, (_record, display_name) in zip(parts["family"], rows["family"], strict=True):
        other.person_display_name = display_name
    parts["flags"] = [f for f in parts["flags"] if f.field_group in readable]
    return CaseFile(**parts)


def _read(sql: str, params, *shapes) -> list[tuple]:
    """Each row of `sql` as a tuple: an instance of each `(model, alias)` of `shapes`, whose
    columns the statement selects in that order (`{0}`, `{1}`... in `sql`, filled in here),
    then the row's other columns as they come. An instance whose key is NULL (an outer join
    that found nothing) is None. Values are converted as the ORM converts them; `raw()` does
    the same but works out on every call which column is which field, which cost a tenth of
    a millisecond a statement (docs/architecture.md, "Speed")."""
    return _read_together([(sql, params, shapes)])[0]


def _read_together(reads: list[tuple]) -> list[list[tuple]]:
    """`_read` for several (sql, params, shapes): on PostgreSQL the statements are sent in
    one pipeline and answered in one round trip instead of one each."""
    with contextlib.ExitStack() as stack:
        if len(reads) > 1 and connection.vendor == "postgresql":
            connection.ensure_connection()
            stack.enter_context(connection.connection.pipeline())
        sent = []
        for sql, params, shapes in reads:
            statement, layout = _reader(sql, tuple(shapes), connection.vendor)
            cursor = stack.enter_context(connection.cursor())
            cursor.execute(statement, params)
            sent.append((cursor, layout))
        return [_records(cursor.fetchall(), layout) for cursor, layout in sent]


def _records(rows, layout) -> list[tuple]:
    converting = [
        [(index, column, _converters(column)) for index, column in converted]
        for _model, _attnames, _pk_index, converted in layout
    ]
    result = []
    for row in rows:
        record, start = [], 0
        for (model, attnames, pk_index, _converted), converters in zip(
            layout, converting, strict=True
        ):
            values = list(row[start : start + len(attnames)])
            start += len(attnames)
            if values[pk_index] is None:
                record.append(None)
                continue
            for index, column, functions in converters:
                for convert in functions:
                    values[index] = convert(values[index], column, connection)
            record.append(model.from_db(connection.alias, attnames, values))
        result.append((*record, *row[start:]))
    return result


@functools.cache
def _reader(sql: str, shapes: tuple, vendor: str) -> tuple:
    """The statement with each shape's columns written in and, per shape, the attribute
    names, the key's position and the columns the database or the field converts (SQLite:
    UUIDs, dates, booleans; JSON everywhere). The converters themselves are looked up on each
    call, from the connection of the calling thread."""
    columns, layout = [], []
    for model, alias in shapes:
        fields = model._meta.concrete_fields
        columns.append(", ".join(f"{alias}.{field.column}" for field in fields))
        converted = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            if _converters(column):
                converted.append((index, column))
        pk_index = fields.index(model._meta.pk)
        layout.append((model, [field.attname for field in fields], pk_index, converted))
    return sql.format(*columns), layout


def _column_converter(model, name: str, alias: str):
    """A function turning the database's value of one column into the ORM's."""
    column = model._meta.get_field(name).get_col(alias)
    functions = _converters(column)

    def convert(value):
        for function in functions:
            value = function(value, column, connection)
        return value

    return convert


def _converters(column) -> list:
    """The database's and the field's converters of a column, as the ORM applies them."""
    return connection.ops.get_db_converters(column) + column.get_db_converters(connection)


def _db_value(field, value):
    """A key as this database stores it (SQLite keeps UUIDs as hex text)."""
    return field.get_db_prep_value(value, connection)


def case_timeline(case: Case, limit: int = TIMELINE_LIMIT) -> list[CaseEvent]:
    return list(case.events.select_related("actor")[:limit])


def visible_flags(actor, case: Case) -> list[VulnerabilityFlag]:
    readable = readable_groups_for_case(actor, case)
    return [f for f in case.flags.all() if f.field_group in readable]


@dataclass(frozen=True)
class TransitionOption:
    transition: workflow.Transition
    reasons: list

    @property
    def allowed(self) -> bool:
        return not self.reasons


def transition_options(actor, case: Case) -> list[TransitionOption]:
    """Every transition from the case's phase with the reasons it is blocked for this actor
    now (empty = can run): guard reasons, or which roles take that step. Steps of others
    are listed so that everyone sees what comes next and who does it."""
    transitions = workflow.offered_from(case.phase)
    runnable = [t for t in transitions if can_run_transition(actor, case, t)]
    # Steps of other roles only say who takes them: their requirements are not collected.
    facts = case_facts(case, actor, transitions=runnable)
    options = []
    for transition in transitions:
        if transition in runnable:
            reasons = list(workflow.blocking_reasons(transition, facts))
        else:
            reasons = [_("Done by: %(roles)s.") % {"roles": roles_for(transition)}]
        options.append(TransitionOption(transition, reasons))
    return sorted(options, key=lambda option: not option.allowed)


def roles_for(transition: workflow.Transition) -> str:
    return ", ".join(
        str(Role(role).label)
        for role, perms in ROLE_PERMISSIONS.items()
        if transition.permission in perms
    )


def case_facts(case: Case, actor=None, transitions=None) -> workflow.CaseFacts:
    """What the guards of `transitions` (default: all from the case's phase) need;
    requirements from other apps only where one of their guards reads them."""
    if transitions is None:
        transitions = workflow.transitions_from(case.phase)
    needs_requirements = any(t.name in workflow.REQUIREMENT_TRANSITIONS for t in transitions)
    requirements = unmet_requirements(actor, case) if needs_requirements else {}
    return workflow.CaseFacts(phase=case.phase, scheme=case.scheme, requirements=requirements)


def my_work_for(actor) -> dict:
    """My assigned open cases counted by phase, and the most recently changed of them."""
    mine = _scope(actor).filter(assigned_to=actor)
    counts = dict(mine.values_list("phase").annotate(n=Count("pk")).values_list("phase", "n"))
    by_phase = [(p, counts.get(p.value, 0)) for p in Phase]
    recent = list(mine.exclude(phase=Phase.CLOSED).select_related("person", "origin_office")[:10])
    return {"by_phase": by_phase, "total": sum(counts.values()), "recent": recent}
