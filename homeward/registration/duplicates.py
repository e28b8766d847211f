"""R-DUP-1: find earlier registrations of a person among all people, in every office.

Candidates are looked up by blocking key (`homeward.people.matchkeys`), never by scanning
people: the person's name codes (each widened to the stored codes within one or two edits,
from the code vocabulary) paired over the plausible birth years, the date of birth with sex
(also with day and month swapped, which finds a misspelt name born the same day), and
document numbers. The few hundred people found are scored in Python (`matching.rank`) from
the match profile the people service keeps on each person, weighing how common the
person's name is in the register. Five queries whatever the number of candidates:
vocabulary, keys, namesakes, candidates, their cases (plus three to read the person's own
data when its profile is not loaded). Works on SQLite and PostgreSQL.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, Count, Q
from django.db.models.expressions import RawSQL
from rapidfuzz.distance import Levenshtein

from homeward.cases.models import Case, Phase
from homeward.core.arrays import array_parameter
from homeward.people.matchkeys import deletions, lookup_keys, name_keys
from homeward.people.models import IdentityDocument, MatchToken, Person, PersonMatchKey
from homeward.programmes.models import ReturnScheme

from .matching import LIKELY_THRESHOLD, Profile, profile, rank, stored_profile

__all__ = ["LIKELY_THRESHOLD", "Candidate", "PriorCase", "find_candidates"]

# Phases a case reaches once the return assistance was given.
ASSISTED_PHASES = frozenset(
    {Phase.DEPARTED, Phase.ARRIVED, Phase.REINTEGRATION, Phase.MONITORING, Phase.CLOSED}
)
# How many people, best blocking hits first, are scored for one lookup.
MAX_SCORED = 500
# How many stored codes close to one of the person's codes are looked up.
MAX_SIMILAR_CODES = 8


@dataclass(frozen=True)
class PriorCase:
    reference: str
    programme_id: object
    phase: str
    same_programme: bool
    received_avrr: bool  # phase departed or later, scheme AVRR


@dataclass(frozen=True)
class Candidate:
    person_id: object
    display_name: str
    date_of_birth: datetime.date | None
    score: float  # 0..1
    reasons: tuple[str, ...]
    likely: bool  # score >= LIKELY_THRESHOLD: the office must record a decision
    prior_cases: tuple[PriorCase, ...]


def find_candidates(person, *, programme=None, limit: int = 5) -> list[Candidate]:
    """R-DUP-1: likely earlier registrations of this person among ALL people (every office),
    best first; never the person itself."""
    query = _profile_of(person)
    if not query.spellings and not query.documents:
        return []
    keys = lookup_keys(
        query.spellings,
        date_of_birth=query.date_of_birth,
        year=query.birth_year,
        estimated=query.estimated,
        sex=query.sex,
        documents=query.documents,
        similar=_similar_codes(query),
    )
    if not keys:
        return []
    hits = list(
        PersonMatchKey.objects.filter(_in(PersonMatchKey, "key", sorted(keys)))
        .exclude(person_id=person.pk)
        .values("person_id")
        .annotate(hits=Count("id"))
        .order_by("-hits", "person_id")
        .values_list("person_id", flat=True)[:MAX_SCORED]
    )
    rows = {
        row[0]: row
        for row in Person.objects.filter(_in(Person, "id", list(hits))).values_list(
            "id",
            "display_name",
            "sex",
            "date_of_birth",
            "estimated_age",
            "age_estimated_on",
            "created_at",
            "match_profile",
            "place_of_birth",
        )
    }
    # Candidates in the order found (most keys in common, then id), so that candidates
    # of equal score come in that order whatever order the database returns rows in.
    ranked = rank(
        query,
        [(pk, _profile_of_row(rows[pk])) for pk in hits if pk in rows],
        limit=limit,
        namesakes=_namesakes(query, person.pk),
    )
    cases = _prior_cases([r.key for r in ranked], getattr(programme, "pk", programme))
    return [
        Candidate(
            person_id=r.key,
            display_name=rows[r.key][1],
            date_of_birth=rows[r.key][3],
            score=round(r.score, 3),
            reasons=r.reasons,
            likely=r.likely,
            prior_cases=tuple(cases.get(r.key, ())),
        )
        for r in ranked
    ]


# Each person's cases read by their key: while a list is imported, the planner, its
# statistics behind, would read the whole case table for every chunk of the list.
_CASES_OF_SQL = """
SELECT c.person_id, c.reference, c.programme_id, c.phase, c.scheme
FROM unnest({people}) AS p(id)
CROSS JOIN LATERAL (SELECT * FROM {cases} c WHERE c.person_id = p.id OFFSET 0) AS c
ORDER BY c.created_at DESC
"""


def _cases_of(person_ids: list) -> list[tuple]:
    """(person id, reference, programme id, phase, scheme) of these people's cases, newest
    first."""
    if connection.vendor != "postgresql":
        return list(
            Case.objects.filter(person_id__in=person_ids)
            .order_by("-created_at")
            .values_list("person_id", "reference", "programme_id", "phase", "scheme")
        )
    people_sql, param = array_parameter("people", person_ids, "uuid")
    sql = _CASES_OF_SQL.format(people=people_sql, cases=Case._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"people": param})
        return cursor.fetchall()


def _in(model, column: str, values: list):
    """`column IN values`; on PostgreSQL as `= ANY(array)`, one parameter however many
    values (hundreds of keys would otherwise make a statement of hundreds of parameters)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": values})
    qn = connection.ops.quote_name
    return RawSQL(f"{qn(model._meta.db_table)}.{qn(column)} = ANY(%s)", (values,), BooleanField())


def _namesakes(query: Profile, exclude) -> int:
    """How many other people share the person's name (its most common reading)."""
    keys = sorted(name_keys(query.spellings))
    if not keys:
        return 0
    counts = (
        PersonMatchKey.objects.filter(_in(PersonMatchKey, "key", keys))
        .exclude(person_id=exclude)
        .values("key")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    return max(counts, default=0)


def _similar_codes(query: Profile) -> dict[str, list[str]]:
    """Each of the person's name codes with the stored codes within one edit (two for
    codes of five letters or more), nearest first."""
    wanted = {w.code: deletions(w.code) for s in query.spellings for w in s.words}
    if not wanted:
        return {}
    found: dict[str, set[str]] = {c: {c} for c in wanted}
    variants = sorted(set().union(*wanted.values()))
    for variant, stored in MatchToken.objects.filter(variant__in=variants).values_list(
        "variant", "code"
    ):
        for c, options in wanted.items():
            if variant in options:
                found[c].add(stored)
    similar = {}
    for c, codes in found.items():
        limit = 1 if len(c) <= 4 else 2
        distances = ((Levenshtein.distance(c, other, score_cutoff=limit), other) for other in codes)
        close = sorted((d, other) for d, other in distances if d <= limit)
        similar[c] = [other for _distance, other in close[:MAX_SIMILAR_CODES]]
    return similar


def _profile_of(person) -> Profile:
    data = getattr(person, "match_profile", None) or {}
    if data.get("n"):
        names, documents, nationalities = data["n"], data.get("d", ()), data.get("c", ())
    else:
        names = list(person.names.values_list("given_names", "family_name", "script"))
        documents = IdentityDocument.objects.filter(person=person).values_list("number", flat=True)
        nationalities = Person.nationalities.through.objects.filter(
            person_id=person.pk
        ).values_list("country_id", flat=True)
    return profile(
        names=names,
        sex=person.sex,
        date_of_birth=person.date_of_birth,
        estimated_age=person.estimated_age,
        estimated_on=_estimated_on(person.age_estimated_on, person.created_at),
        nationalities=nationalities,
        documents=documents,
        place_of_birth=person.place_of_birth,
    )


def _profile_of_row(row) -> Profile:
    _pk, _name, sex, dob, estimated_age, estimated_on, created_at, data, place = row
    return stored_profile(
        data or {},
        sex=sex,
        date_of_birth=dob,
        estimated_age=estimated_age,
        estimated_on=_estimated_on(estimated_on, created_at),
        place_of_birth=place,
    )


def _estimated_on(estimated_on, created_at) -> datetime.date | None:
    return estimated_on or (created_at.date() if created_at else None)


def _prior_cases(person_ids, programme_id) -> dict:
    """Person id → their cases, newest first."""
    found: dict = {}
    if not person_ids:
        return found
    for person_id, reference, case_programme, phase, scheme in _cases_of(list(person_ids)):
        found.setdefault(person_id, []).append(
            PriorCase(
                reference=reference,
                programme_id=case_programme,
                phase=phase,
                same_programme=programme_id is not None and case_programme == programme_id,
                received_avrr=phase in ASSISTED_PHASES and scheme == ReturnScheme.AVRR,
            )
        )
    return found
