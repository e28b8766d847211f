"""R-DUP-1 for many people at once (imported notification lists, R-ARR-3).

`find_candidates_many` gives each person the same candidates as `duplicates.find_candidates`
(a test compares them), with a handful of statements for a whole batch instead of five per
person: one for the code vocabulary of every name, one for every blocking key, one for the
namesake counts, one for the candidates' rows and one for their cases.
`duplicates_check_many` records a `DuplicateCheck` and an audit line per case, as
`duplicate_services.duplicates_check` does for one.
"""

import datetime
import json
from collections import Counter, defaultdict

from django.db import connection, transaction
from django.db.models import BooleanField, Count, DateTimeField, TextField, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz.distance import Levenshtein

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.audit.models import AuditAction
from homeward.audit.services import audit_record_many
from homeward.cases.models import Case
from homeward.cases.policies import can_view_case
from homeward.core.arrays import array_parameter
from homeward.core.bulk import insert_new
from homeward.core.errors import PermissionDenied
from homeward.core.planning import planned_for_these_values
from homeward.people.matchkeys import deletions, lookup_keys, name_keys
from homeward.people.models import MatchToken, Person, PersonMatchKey

from . import duplicates
from .matching import Profile, rank
from .models import DuplicateCheck


def find_candidates_many(people, *, programme=None, limit: int = 5) -> dict:
    """R-DUP-1: person id → its likely earlier registrations among all people, best first
    (as `find_candidates` for each). The people's match profiles must be loaded."""
    with planned_for_these_values():
        return _find_candidates_many(list(people), programme, limit)


def _find_candidates_many(people: list, programme, limit: int) -> dict:
    queries = {p.pk: duplicates._profile_of(p) for p in people}
    queries = {pk: q for pk, q in queries.items() if q.spellings or q.documents}
    similar = _similar_codes_many(queries.values())
    keys_of = {
        pk: lookup_keys(
            q.spellings,
            date_of_birth=q.date_of_birth,
            year=q.birth_year,
            estimated=q.estimated,
            sex=q.sex,
            documents=q.documents,
            similar=similar,
        )
        for pk, q in queries.items()
    }
    if connection.vendor == "postgresql":
        hits_of = _hits_in_database(keys_of)
    else:
        hits_of = _hits_counted(keys_of)
    rows = _candidate_rows({c for hits in hits_of.values() for c in hits})
    profiles = {pk: _stored_profile(row) for pk, row in rows.items()}
    namesakes = _namesakes_many(queries)
    ranked_of = {}
    for pk, query in queries.items():
        candidates = [(c, profiles[c]) for c in hits_of.get(pk, ()) if c in rows]
        ranked_of[pk] = rank(query, candidates, limit=limit, namesakes=namesakes.get(pk, 0))
    prior = duplicates._prior_cases(
        list({r.key for ranked in ranked_of.values() for r in ranked}),
        getattr(programme, "pk", programme),
    )
    return {
        p.pk: [
            duplicates.Candidate(
                person_id=r.key,
                display_name=rows[r.key][1],
                date_of_birth=rows[r.key][3],
                score=round(r.score, 3),
                reasons=r.reasons,
                likely=r.likely,
                prior_cases=tuple(prior.get(r.key, ())),
            )
            for r in ranked_of.get(p.pk, [])
        ]
        for p in people
    }


def _similar_codes_many(queries) -> dict[str, list[str]]:
    """`duplicates._similar_codes` for the codes of many people, with one statement."""
    wanted = {w.code: deletions(w.code) for q in queries for s in q.spellings for w in s.words}
    if not wanted:
        return {}
    found: dict[str, set[str]] = {c: {c} for c in wanted}
    by_variant: dict[str, list[str]] = defaultdict(list)
    for c, options in wanted.items():
        for variant in options:
            by_variant[variant].append(c)
    rows = (
        row
        for part in _parts(sorted(by_variant))
        for row in MatchToken.objects.filter(duplicates._in(MatchToken, "variant", part))
        .values_list("variant", "code")
        .iterator(chunk_size=20_000)
    )
    for variant, stored in rows:
        for c in by_variant.get(variant, ()):
            found[c].add(stored)
    similar = {}
    for c, codes in found.items():
        limit = 1 if len(c) <= 4 else 2
        distances = ((Levenshtein.distance(c, other, score_cutoff=limit), other) for other in codes)
        close = sorted((d, other) for d, other in distances if d <= limit)
        similar[c] = [other for _distance, other in close[: duplicates.MAX_SIMILAR_CODES]]
    return similar


def _hits_counted(keys_of: dict) -> dict:
    """Person id → the people holding most of its keys (MAX_SCORED at most, most keys
    first, then by id), counted here from the holders of every key."""
    holders = _holders(set().union(*keys_of.values()) if keys_of else set())
    hits_of = {}
    for pk, keys in keys_of.items():
        counts: Counter = Counter()
        for key in keys:
            counts.update(holders.get(key, ()))
        counts.pop(pk, None)
        best = sorted(counts.items(), key=lambda item: (-item[1], str(item[0])))
        hits_of[pk] = [person_id for person_id, _n in best[: duplicates.MAX_SCORED]]
    return hits_of


# `_hits_counted` in one statement: the people's keys (as indexes into one array of the
# distinct keys) joined to the key index, counted per person and holder, the best
# MAX_SCORED holders of each person kept. The same order as find_candidates (hits
# descending, then holder id). Each distinct key is looked up in the index on its own
# (LATERAL ... OFFSET 0): while a list is imported the key table grows far faster than its
# statistics, and the planner, believing it small, would otherwise read all of it.
_HITS_SQL = """
SELECT person, holder FROM (
    SELECT q.person, k.person_id AS holder,
           row_number() OVER (
               PARTITION BY q.person ORDER BY count(*) DESC, k.person_id
           ) AS place
    FROM unnest({people}, {keys}) AS q(person, key)
    JOIN (
        SELECT d.n, k.person_id
        FROM unnest({distinct}) WITH ORDINALITY AS d(key, n)
        CROSS JOIN LATERAL (
            SELECT k.person_id FROM {table} k WHERE k.{key} = d.key OFFSET 0
        ) AS k
    ) AS k ON k.n = q.key
    WHERE k.person_id <> ({ids})[q.person]
    GROUP BY q.person, k.person_id
) AS ranked
WHERE place <= %(limit)s
ORDER BY person, place
"""


def _hits_in_database(keys_of: dict) -> dict:
    """`_hits_counted` counted by PostgreSQL: only the kept holders come back."""
    ids = list(keys_of)
    distinct = sorted(set().union(*keys_of.values())) if keys_of else []
    if not distinct:
        return {}
    number = {key: n for n, key in enumerate(distinct, start=1)}
    people, keys = [], []
    for index, pk in enumerate(ids, start=1):
        for key in keys_of[pk]:
            people.append(index)
            keys.append(number[key])
    qn = connection.ops.quote_name
    params = {"limit": duplicates.MAX_SCORED}
    arrays = {}
    for name, values, cast in (
        ("people", people, "int"),
        ("keys", keys, "int"),
        ("distinct", distinct, "varchar"),
        ("ids", ids, "uuid"),
    ):
        arrays[name], params[name] = array_parameter(name, values, cast)
    sql = _HITS_SQL.format(table=qn(PersonMatchKey._meta.db_table), key=qn("key"), **arrays)
    hits_of: dict = {pk: [] for pk in ids}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for person, holder in cursor.fetchall():
            hits_of[ids[person - 1]].append(holder)
    return hits_of


def _any(model, column: str, values: list):
    """`column IN values`; on PostgreSQL as `= ANY(array)` from one text parameter."""
    if connection.vendor != "postgresql":
        return duplicates._in(model, column, values)
    qn = connection.ops.quote_name
    field = model._meta.get_field(column)
    cast = field.db_type(connection)
    sql, param = array_parameter("values", values, cast)
    sql = sql.replace("%(values)s", "%s")
    return RawSQL(
        f"{qn(model._meta.db_table)}.{qn(field.column)} = ANY({sql})", (param,), BooleanField()
    )


def _holders(keys: set[str]) -> dict[str, list]:
    """Blocking key → the people who hold it."""
    holders: dict[str, list] = defaultdict(list)
    if not keys:
        return holders
    for part in _parts(sorted(keys)):
        rows = PersonMatchKey.objects.filter(duplicates._in(PersonMatchKey, "key", part))
        for key, person_id in rows.values_list("key", "person_id").iterator(chunk_size=20_000):
            holders[key].append(person_id)
    return holders


def _parts(values: list) -> list[list]:
    """PostgreSQL takes any number of values in one array parameter; SQLite a few thousand
    parameters per statement."""
    if connection.vendor == "postgresql":
        return [values]
    return [values[i : i + 5000] for i in range(0, len(values), 5000)]


def _candidate_rows(ids: set) -> dict:
    """Person id → (id, display name, sex, date of birth, estimated age, the day the age
    was estimated on (else the day of registration, in UTC, as `duplicates._estimated_on`
    takes it), None, match profile as JSON text, place of birth). The day is worked out by
    the database: turning tens of thousands of timestamps into Python takes longer."""
    if not ids:
        return {}
    rows = {}
    for part in _parts(list(ids)):
        rows.update(
            (row[0], row)
            for row in Person.objects.filter(_any(Person, "id", part))
            .annotate(
                profile_text=Cast("match_profile", TextField()),
                estimated_from=Coalesce(
                    "age_estimated_on", TruncDate("created_at", tzinfo=datetime.UTC)
                ),
                no_time=Value(None, output_field=DateTimeField()),
            )
            .values_list(
                "id",
                "display_name",
                "sex",
                "date_of_birth",
                "estimated_age",
                "estimated_from",
                "no_time",
                "profile_text",
                "place_of_birth",
            )
            .iterator(chunk_size=20_000)
        )
    return rows


# Profiles of candidates by everything they are made of (the row without id and name):
# the same people come up as candidates for chunk after chunk of a list, and a profile
# takes far longer to build than to look up. A changed row is a new key.
PROFILES_KEPT = 200_000
_profiles: dict = {}


def _stored_profile(row) -> Profile:
    key = row[2:]
    found = _profiles.get(key)
    if found is None:
        pk, name, sex, dob, age, estimated_on, created_at, text, place = row
        data = json.loads(text) if text else {}
        found = duplicates._profile_of_row(
            (pk, name, sex, dob, age, estimated_on, created_at, data, place)
        )
        if len(_profiles) >= PROFILES_KEPT:
            _profiles.clear()
        _profiles[key] = found
    return found


def _namesakes_many(queries: dict) -> dict:
    """How many other people share each person's name (its most common reading)."""
    keys_of = {pk: sorted(name_keys(q.spellings)) for pk, q in queries.items()}
    wanted = sorted({k for keys in keys_of.values() for k in keys})
    if not wanted:
        return {}
    counts = {}
    for part in _parts(wanted):
        counts.update(
            PersonMatchKey.objects.filter(_any(PersonMatchKey, "key", part))
            .values("key")
            .annotate(n=Count("id"))
            .values_list("key", "n")
        )
    # The person's own keys are counted in; find_candidates leaves the person out.
    return {
        pk: max((counts.get(k, 0) - 1 for k in keys), default=0) for pk, keys in keys_of.items()
    }


def _candidate_json(candidate: duplicates.Candidate) -> dict:
    """`duplicate_services._jsonable` without dataclasses.asdict's deep copies."""
    return {
        "person_id": str(candidate.person_id),
        "display_name": candidate.display_name,
        "date_of_birth": candidate.date_of_birth.isoformat() if candidate.date_of_birth else None,
        "score": candidate.score,
        "reasons": [str(r) for r in candidate.reasons],
        "likely": candidate.likely,
        "prior_cases": [
            {
                "reference": p.reference,
                "programme_id": str(p.programme_id),
                "phase": p.phase,
                "same_programme": p.same_programme,
                "received_avrr": p.received_avrr,
            }
            for p in candidate.prior_cases
        ],
    }


@transaction.atomic
def duplicates_check_many(*, actor, cases: list[Case]) -> list[DuplicateCheck]:
    """R-DUP-1 at data entry for many new cases (a notification list): one recorded check
    and one audit line per case, as `duplicates_check`. The cases must be of offices where
    the actor decides on matches; their people's match profiles must be loaded."""
    if not cases:
        return []
    access = access_for(actor)
    for case in cases:
        if not can_view_case(actor, case) or Perm.DUPLICATE_DECIDE not in access.perms_at(
            case.office_ids
        ):
            raise PermissionDenied(_("Your role does not allow this action on this case."))
    programme_ids = {case.programme_id for case in cases}
    found: dict = {}
    for programme_id in programme_ids:
        people = [c.person for c in cases if c.programme_id == programme_id]
        found.update(find_candidates_many(people, programme=programme_id))
    checks = insert_new(
        [
            DuplicateCheck(
                case=case,
                checked_by=actor,
                candidates=[_candidate_json(c) for c in found.get(case.person_id, [])],
            )
            for case in cases
        ]
    )
    audit_record_many(
        actor=actor,
        records=[
            {
                "action": AuditAction.VIEW,
                "obj": case,
                "offices": case.office_ids,
                "case_reference": case.reference,
                "summary": gettext_lazy("Duplicate check run"),
                "changes": {
                    "candidates": len(found.get(case.person_id, [])),
                    "likely": sum(1 for c in found.get(case.person_id, []) if c.likely),
                },
            }
            for case in cases
        ],
    )
    return checks
