"""R-DUP-1: scoring two records (pure, no database) and the keys that block them together."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from homeward.people.matchkeys import (
    code,
    deletions,
    document_key,
    lookup_keys,
    skeleton,
    spelling,
    stored_keys,
)
from homeward.registration.matching import (
    LIKELY_THRESHOLD,
    VARIANT_NAME,
    _best_first,
    compare,
    name_similarity,
    profile,
    rank,
)

D = datetime.date
BORN = D(1995, 3, 14)


def person(given, family="Diallo", *, script="Latn", **kwargs):
    kwargs = {
        "sex": "M",
        "date_of_birth": BORN,
        "nationalities": ["GN"],
        "estimated_on": D(2026, 1, 15),
        **kwargs,
    }
    return profile(names=[(given, family, script)], **kwargs)


def similarity(a, b) -> float:
    return name_similarity(a, b).similarity


def likely(a, b) -> bool:
    (best,) = rank(a, [("b", b)]) or [None]
    return best is not None and best.likely


# --- Names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ("Mohamed", "Muhammad"),
        ("Mohamed", "Mouhamed"),
        ("Mohamed", "Mohammed"),
        ("Mouhamed", "Mohamad"),
        ("Ousmane", "Usman"),
        ("Ousmane", "Othmane"),
        ("Abdoulaye", "Abdullahi"),
        ("Abdoulaye", "Abdallah"),
        ("Aïssatou", "Aissatou"),
        ("Aïssatou", "Aichatou"),
        ("Kadiatou", "Khadidiatou"),
        ("Souleymane", "Suleiman"),
        ("Cheikh", "Sheikh"),
        ("Boubacar", "Aboubacar"),
        ("Alassane", "Alhassane"),
        ("Djénéba", "Jeneba"),
        ("Youssouf", "Yusuf"),
        ("Tidiane", "Tijani"),
    ],
)
def test_r_dup_1_spellings_and_transliterations_of_a_given_name_match(ours, theirs):
    assert similarity(person(ours), person(theirs)) >= VARIANT_NAME
    assert likely(person(ours), person(theirs))


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ("Diallo", "Jallow"),
        ("N'Diaye", "Ndiaye"),
        ("Coulibaly", "Kulibali"),
        ("Camara", "Kamarah"),
        ("Cissé", "Sisse"),
        ("Keïta", "Keyta"),
        ("El Amrani", "Amrani"),
        ("Ben Ali", "Benali"),
        ("Traoré", "Traore"),
    ],
)
def test_r_dup_1_spellings_of_a_family_name_match(ours, theirs):
    assert similarity(person("Moussa", ours), person("Moussa", theirs)) >= VARIANT_NAME


@pytest.mark.parametrize(
    "ours, theirs",
    [
        ("Mohamed", "Mamadou"),
        ("Ousmane", "Ibrahima"),
        ("Aïssatou", "Aminata"),
        ("Moussa", "Mamadou"),
        ("Fatoumata", "Mariama"),
        ("Abdoulaye", "Amadou"),
    ],
)
def test_r_dup_1_different_given_names_do_not_match_even_born_the_same_day(ours, theirs):
    assert similarity(person(ours), person(theirs)) < VARIANT_NAME
    assert not likely(person(ours), person(theirs))


def test_r_dup_1_given_and_family_names_swapped():
    match = name_similarity(person("Mamadou", "Bah"), person("Bah", "Mamadou"))
    assert match.similarity == 1.0
    assert match.swapped
    reasons = compare(person("Mamadou", "Bah"), person("Bah", "Mamadou")).reasons
    assert reasons[0].startswith("Same name, given and family names swapped")


def test_r_dup_1_names_in_several_words():
    three = person("Mame Diarra", "Ndiaye", sex="F")
    assert similarity(three, person("Diarra", "Ndiaye", sex="F")) >= VARIANT_NAME
    assert similarity(three, person("Mame Jarra", "N'Diaye", sex="F")) >= VARIANT_NAME
    assert similarity(person("Abdoul Karim", "Sow"), person("Abdoulkarim", "Sow")) >= VARIANT_NAME
    assert similarity(person("Mohamed", "Ould Ahmed"), person("Ahmed Mohamed", "")) >= VARIANT_NAME


@pytest.mark.parametrize(
    "typed",
    [
        ("Mohmaed", "Diallo"),  # transposition
        ("Mohamed", "Dialo"),
        ("Mohamedd", "Diallp"),  # two edits, one per word
        ("Mhamed", "Diall"),
        ("Mohamed", "Diakllo"),
    ],
)
def test_r_dup_1_one_or_two_typos_still_match(typed):
    assert likely(person("Mohamed", "Diallo"), person(*typed))


def test_r_dup_1_arabic_script_names_are_transliterated_when_they_are_the_only_ones():
    arabic = person("محمد", "ولد أحمد", script="Arab")
    assert similarity(arabic, person("Mohamed", "Ould Ahmed")) >= VARIANT_NAME
    assert likely(arabic, person("Mouhamed", "Ould Ahmad"))
    assert similarity(person("عثمان", "", script="Arab"), person("Othmane", "")) >= VARIANT_NAME
    assert similarity(arabic, person("Moussa", "Ould Sidi")) < VARIANT_NAME


def test_r_dup_1_arabic_spellings_match_each_other_letter_for_letter():
    both = profile(names=[("حمزة", "بن علي", "Arab"), ("Hamza", "Benali", "Latn")])
    assert [s.from_arabic for s in both.spellings] == [False, True]  # Latin first
    arabic_only = person("حمزة", "بن علي", script="Arab")
    assert similarity(arabic_only, both) == 1.0


def test_r_dup_1_a_dropped_article_is_ignored():
    assert similarity(person("Moussa", "El Idrissi"), person("Moussa", "Idrissi")) >= 0.95
    assert (
        similarity(person("عمر", "الزياني", script="Arab"), person("Umar", "Zayani"))
        >= VARIANT_NAME
    )


def test_skeletons_and_codes_absorb_transliteration_rules():
    assert skeleton("mouhamed") == "muhamid"
    assert {code(skeleton(w)) for w in ("mohamed", "muhammad", "mohammed", "mouhamad")} == {"mhmd"}
    assert code(skeleton("mamadou")) == "mmd"
    assert skeleton("diallo") == skeleton("jallow") == "jalu"
    assert (
        code(skeleton("awa")) == code(skeleton("hawa")) == "aua"
    )  # vowels kept when no consonants
    assert [w.folded for w in spelling("Aïssatou", "N'Diaye").words] == ["aissatou", "ndiaye"]
    assert [w.code for w in spelling("عبد الله", "", "Arab").words] == ["bdl"]


# --- Birth, nationality, documents ---------------------------------------------------


def test_r_dup_1_same_date_of_birth():
    comparison = compare(person("Moussa"), person("Moussa"))
    assert "Same date of birth" in comparison.reasons
    assert comparison.decisive


def test_r_dup_1_day_and_month_swapped():
    comparison = compare(person("Moussa"), person("Musa", date_of_birth=D(1995, 14 - 11, 14)))
    assert comparison.reasons  # same date: control
    swapped = compare(
        person("Moussa", date_of_birth=D(1995, 4, 11)), person("Musa", date_of_birth=D(1995, 11, 4))
    )
    assert "Date of birth with day and month swapped" in swapped.reasons
    assert likely(
        person("Moussa", date_of_birth=D(1995, 4, 11)), person("Musa", date_of_birth=D(1995, 11, 4))
    )


def test_r_dup_1_year_only_entered_as_first_of_january():
    comparison = compare(person("Moussa"), person("Moussa", date_of_birth=D(1995, 1, 1)))
    assert "Same year of birth" in comparison.reasons
    assert likely(person("Moussa"), person("Moussa", date_of_birth=D(1995, 1, 1)))


@pytest.mark.parametrize("age", [29, 30, 31, 32, 33])
def test_r_dup_1_estimated_age_within_two_years(age):
    estimated = person("Moussa", date_of_birth=None, estimated_age=age)  # born about 1996 ± 2
    assert "Age matches the estimated age" in compare(person("Moussa"), estimated).reasons
    assert likely(person("Moussa"), estimated)


def test_r_dup_1_estimated_age_far_from_the_date_of_birth_does_not_match():
    estimated = person("Moussa", date_of_birth=None, estimated_age=45)
    assert not likely(person("Moussa"), estimated)


def test_r_dup_1_strong_name_matches_without_a_date_of_birth_on_either_side():
    a = person("Aïssatou", "Bangoura", sex="F", date_of_birth=None, estimated_age=25)
    b = person("Aissatu", "Bangura", sex="F", date_of_birth=None, estimated_age=26)
    assert likely(a, b)


def test_r_dup_1_different_dates_of_birth_count_against():
    assert not likely(person("Moussa"), person("Moussa", date_of_birth=D(1985, 7, 1)))


def test_r_dup_1_nationality():
    assert "Same nationality" in compare(person("Moussa"), person("Musa")).reasons
    same = compare(person("Moussa"), person("Musa")).log_odds
    other = compare(person("Moussa"), person("Musa", nationalities=["ML"])).log_odds
    assert other < same


def test_r_dup_1_document_numbers_compare_without_spaces_dashes_and_case():
    assert document_key(" a-123 456.7 ") == document_key("A1234567") == "A1234567"
    assert document_key("0000") == document_key("N/A") == ""
    a = person("Ibrahima", "Sow", documents=["A 123-4567"])
    b = person("Brahim", "Bah", date_of_birth=D(1980, 1, 5), documents=["a1234567"])
    assert "Same document number" in compare(a, b).reasons
    assert likely(a, b)


def test_r_dup_1_place_of_birth_counts_for_and_against():
    here = person("Moussa", date_of_birth=None, estimated_age=30, place_of_birth="N'Zérékoré")
    same = person("Musa", date_of_birth=None, estimated_age=31, place_of_birth="Nzerekore")
    other = person("Musa", date_of_birth=None, estimated_age=31, place_of_birth="Kindia")
    unknown = person("Musa", date_of_birth=None, estimated_age=31)
    assert "Same place of birth" in compare(here, same).reasons
    assert compare(here, same).log_odds > compare(here, unknown).log_odds
    assert compare(here, other).log_odds < compare(here, unknown).log_odds
    assert likely(here, same)


def test_r_dup_1_sex_counts_against():
    woman = person("Awa", sex="F", date_of_birth=None, estimated_age=30)
    man = person("Awa", sex="M", date_of_birth=None, estimated_age=30)
    assert compare(woman, man).log_odds < compare(woman, woman).log_odds - 2
    assert likely(woman, woman) and not likely(woman, man)


# --- Ranking ---------------------------------------------------------------------------


def test_r_dup_1_a_common_name_with_only_an_age_fits_too_many_people_to_be_likely():
    query = person("Mamadou", "Diallo", date_of_birth=None, estimated_age=30)
    namesakes = [
        (n, person("Mamadou", "Diallo", date_of_birth=D(1995 + n % 3, 1 + n % 12, 2)))
        for n in range(40)
    ]
    ranked = rank(query, namesakes)
    assert ranked and not any(r.likely for r in ranked)
    assert any(r.startswith("Common name") for r in ranked[0].reasons)
    # One of them also shares the passport: that one is likely.
    query = person(
        "Mamadou", "Diallo", date_of_birth=None, estimated_age=30, documents=["B1234567"]
    )
    namesakes[7] = (7, person("Mamadou", "Diallo", documents=["B 123 4567"]))
    best = rank(query, namesakes)[0]
    assert best.key == 7 and best.likely


def test_r_dup_1_a_name_shared_by_many_in_the_register_needs_more_than_an_age():
    query = person("Mamadou", "Diallo", date_of_birth=None, estimated_age=30)
    earlier = [(1, person("Mamadou", "Diallo", date_of_birth=D(1995, 5, 5)))]
    assert rank(query, earlier, namesakes=3)[0].likely  # a rare name: likely
    (common,) = rank(query, earlier, namesakes=2000)  # 2,000 namesakes: about 150 that age
    assert not common.likely
    assert any(r.startswith("Common name: about 150 people") for r in common.reasons)
    # The same date of birth still stands out among 2,000 namesakes.
    exact = person("Mamadou", "Diallo", date_of_birth=D(1995, 5, 5))
    assert rank(exact, earlier, namesakes=2000)[0].likely


def test_r_dup_1_two_earlier_registrations_of_the_same_person_are_both_likely():
    ranked = rank(
        person("Ousmane", "Sylla"), [(1, person("Usman", "Silla")), (2, person("Ousmane", "Sylla"))]
    )
    assert {r.key for r in ranked} == {1, 2}
    assert all(r.likely and r.score >= LIKELY_THRESHOLD for r in ranked)


def test_r_dup_1_rank_drops_unrelated_people_and_keeps_the_limit():
    candidates = [
        (n, person("Mamadou", "Diallo", date_of_birth=D(1995, 3, 14 + n % 2))) for n in range(8)
    ]
    candidates.append(("x", person("Fatoumata", "Keita", sex="F")))
    ranked = rank(person("Mamadou", "Diallo"), candidates, limit=3)
    assert len(ranked) == 3
    assert "x" not in [r.key for r in ranked]


# --- Keys ----------------------------------------------------------------------------


def keys_of(p, *, stored):
    common = {
        "date_of_birth": p.date_of_birth,
        "year": p.birth_year,
        "estimated": p.estimated,
        "sex": p.sex,
        "documents": p.documents,
    }
    if stored:
        return stored_keys(p.spellings, **common)
    codes = {w.code for s in p.spellings for w in s.words}
    return lookup_keys(p.spellings, **common, similar={c: [c] for c in codes})


@pytest.mark.parametrize(
    "other",
    [
        person("Mouhamed", "Jallow"),  # spellings
        person("Diallo", "Mohamed"),  # word order
        person("Mohamed", "Diallo", date_of_birth=D(1995, 1, 1)),  # year only
        person("Mohamed", "Diallo", date_of_birth=None, estimated_age=32),  # estimated age
        person("Mohamed", "Diallo", date_of_birth=D(1996, 3, 14)),  # year typo
        person("Mohamed", "Diallp", date_of_birth=D(1995, 3, 14)),  # a typo in one word
        person("Mohamed", "Diallp", date_of_birth=D(1995, 14 - 11, 14)),
        person("Mohamed", "Dialo", date_of_birth=D(1995, 3, 14)),
    ],
)
def test_r_dup_1_variants_share_a_blocking_key(other):
    stored = keys_of(person("Mohamed", "Diallo"), stored=True)
    assert keys_of(other, stored=False) & stored


def test_r_dup_1_swapped_day_and_month_and_documents_share_a_key():
    stored = keys_of(person("Mohamd", "Dialo", date_of_birth=D(1995, 4, 11)), stored=True)
    assert keys_of(person("Mohamed", "Diallp", date_of_birth=D(1995, 11, 4)), stored=False) & stored
    stored = keys_of(person("Xavier", "Martin", documents=["P-55 1234"]), stored=True)
    assert keys_of(person("Moussa", "Sow", documents=["p551234"]), stored=False) & stored


def test_r_dup_1_estimated_ages_are_stored_under_the_years_within_one():
    keys = keys_of(person("Moussa", "Sow", date_of_birth=None, estimated_age=30), stored=True)
    assert {k for k in keys if k.startswith("p")} == {f"pms.su.{y}" for y in range(1995, 1998)}


# (gap in years, stored estimated, query estimated): within two years when either is
# estimated, within one when both are dates of birth.
_WITHIN_REACH = [
    (gap, stored, query)
    for gap in (-2, -1, 0, 1, 2)
    for stored in (True, False)
    for query in (True, False)
    if stored or query or abs(gap) <= 1
]


@pytest.mark.parametrize("gap,stored_estimated,query_estimated", _WITHIN_REACH)
def test_r_dup_1_births_within_reach_share_a_key(gap, stored_estimated, query_estimated):
    stored = keys_of(_born("Moussa", "Sow", 1996, estimated=stored_estimated), stored=True)
    query = keys_of(_born("Moussa", "Sow", 1996 + gap, estimated=query_estimated), stored=False)
    assert query & stored


def test_r_dup_1_births_four_years_apart_do_not_block_together():
    stored = keys_of(_born("Moussa", "Sow", 1996, estimated=True), stored=True)
    for other in (_born("Moussa", "Sow", 2000, estimated=True), _born("Moussa", "Sow", 1992)):
        assert not {k for k in keys_of(other, stored=False) if k.startswith("p")} & stored
    dated = keys_of(_born("Moussa", "Sow", 1996), stored=True)
    assert not keys_of(_born("Moussa", "Sow", 1998), stored=False) & dated


def _born(given, family, year, *, estimated=False):
    if estimated:  # an age estimated on 1 June 2026
        return profile(
            names=[(given, family)],
            estimated_age=2026 - year,
            estimated_on=D(2026, 6, 1),
        )
    return profile(names=[(given, family)], date_of_birth=D(year, 6, 15))


def test_deletions_reach_codes_one_or_two_edits_away():
    assert "slmn" in deletions("slmmn")
    assert deletions("klbl") & deletions("klb")
    assert deletions("md") == {"md"}  # two letters: too short to widen
    assert "bdlkm" in deletions("bdlkrm") and "bdlk" in deletions("bdlkrm")


def _sorted_greedy(pairs: list, a_count: int, b_count: int) -> list:
    """Greedy pairing as first written: every pair sorted best first, each word once."""
    used_a, used_b, taken = set(), set(), []
    for similarity, i, j in sorted(pairs, reverse=True):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            taken.append((similarity, i, j))
    return taken[: min(a_count, b_count)]


@settings(max_examples=400, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.lists(st.sampled_from([0.0, 0.5, 0.8, 0.9, 1.0, 0.613, 0.97]), min_size=16, max_size=16),
)
def test_r_dup_1_words_pair_best_first_as_a_full_sort_would(a_count, b_count, values):
    # Few distinct similarities, so ties (taken by the later words) come up often.
    pairs = [
        (values[i * 4 + j], i, j) for i in range(a_count) for j in range(b_count)
    ]  # row by row, as _spelling_similarity builds them

    assert _best_first(list(pairs), a_count, b_count) == _sorted_greedy(pairs, a_count, b_count)
