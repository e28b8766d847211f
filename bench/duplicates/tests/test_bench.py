"""The duplicate-detection benchmark writes what the services write, and runs end to end."""

import datetime
import json
import random
from collections import Counter

import pytest

from bench.duplicates import run
from bench.duplicates.load import Writer, person_uuid
from bench.duplicates.population import (
    AMBIGUOUS_KIND,
    FALSE_KINDS,
    VARIATIONS,
    draw_person,
    labelled_pairs,
)
from homeward.demo.reference import reference_ensure
from homeward.people.models import MatchToken, Person, PersonMatchKey
from homeward.people.services import refresh_search_text

pytestmark = pytest.mark.django_db


def stored(person: Person) -> tuple:
    person.refresh_from_db()
    keys = set(PersonMatchKey.objects.filter(person=person).values_list("key", flat=True))
    return person.display_name, person.search_text, person.match_profile, keys


def test_loaded_people_carry_the_keys_profile_and_search_text_the_services_write():
    rng = random.Random(5)
    writer = Writer(reference_ensure(), rng, reference_prefix="T")
    drawn = [draw_person(rng, typo_share=0.5) for _ in range(40)]
    for person in drawn:
        writer.add(person)
    writer.flush()

    assert Person.objects.count() == 40
    for number in range(1, 41):
        person = Person.objects.get(pk=person_uuid("T", number))
        loaded = stored(person)
        refresh_search_text(person)  # what the people service writes after any change
        assert stored(person) == loaded
        assert person.cases.count() == 1
    vocabulary = set(MatchToken.objects.values_list("variant", "code"))
    assert all(
        (c, c) in vocabulary for c in {k.split(".")[0][1:] for k in loaded[3] if k[0] == "p"}
    )


def test_labelled_pairs_cover_every_variation_and_kind_of_namesake():
    pairs = labelled_pairs(random.Random(3), true=90, false=40, ambiguous=10)
    kinds = Counter(p.kind for p in pairs)
    assert {k: kinds[k] for k in VARIATIONS} == dict.fromkeys(VARIATIONS, 10)
    assert {k: kinds[k] for k in FALSE_KINDS} == dict.fromkeys(FALSE_KINDS, 10)
    assert kinds[AMBIGUOUS_KIND] == 10
    for pair in pairs:
        assert pair.true == (pair.kind in VARIATIONS)
        assert pair.labelled == (pair.kind != AMBIGUOUS_KIND)
        query, earlier = pair.query, pair.stored
        if pair.kind == "day_month_swapped":
            assert (query.date_of_birth.day, query.date_of_birth.month) == (
                earlier.date_of_birth.month,
                earlier.date_of_birth.day,
            )
        if pair.kind == "year_only":
            assert query.date_of_birth == datetime.date(earlier.date_of_birth.year, 1, 1)
        if pair.kind in ("estimated_age", AMBIGUOUS_KIND):
            assert query.date_of_birth is None and query.estimated_age is not None
        if pair.kind == "missing_dob":
            assert earlier.date_of_birth is None and query.date_of_birth is not None
        if pair.kind == "word_order":
            assert query.names[0][0] and query.names[0][1]
        if pair.kind == "namesake_same_year":
            assert query.date_of_birth.year == earlier.date_of_birth.year
            assert query.date_of_birth != earlier.date_of_birth
        if pair.kind == "namesake_other_nationality":
            assert query.nationalities != earlier.nationalities


def test_the_benchmark_runs_end_to_end(tmp_path, capsys):
    status = run.main(
        [
            "--people", "60", "--true", "18", "--false", "8", "--ambiguous", "2",
            "--timed", "6", "--warmup", "1", "--brute", "3", "--results", str(tmp_path),
        ]
    )  # fmt: skip

    assert status == 0
    printed = capsys.readouterr().out
    assert "lookup (find_candidates)" in printed
    assert "brute force / lookup" in printed
    (path,) = tmp_path.glob("duplicates-*.json")
    result = json.loads(path.read_text())
    assert result["people"] == 60 + 18 + 8 + 2
    assert result["lookup"]["lookups"] == 6
    assert result["lookup"]["queries_per_lookup"] <= 5
    assert 0 <= result["quality"]["recall"] <= 1
    assert set(result["by_kind"]) == {*VARIATIONS, *FALSE_KINDS, AMBIGUOUS_KIND}
