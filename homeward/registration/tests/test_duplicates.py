"""R-DUP-1: looking up earlier registrations in the database (every office, by blocking key)."""

import datetime

import pytest
import time_machine

from homeward.people.models import IdentityDocument, PersonMatchKey
from homeward.people.services import person_create, person_update
from homeward.programmes.models import ReturnScheme
from homeward.registration.duplicates import LIKELY_THRESHOLD, find_candidates
from homeward.testing.factories import ProgrammeFactory, make_case, make_person

D = datetime.date


def register(world, given, family, *, office="niamey", **data):
    """A person registered through the people service, as the registration pages do."""
    data = {
        "sex": "M",
        "date_of_birth": D(1994, 7, 3),
        "nationalities": ["GN"],
        "names": [{"given_names": given, "family_name": family}],
        **data,
    }
    return person_create(
        actor=world.user("counsellor", office), office=getattr(world, office), data=data
    )


def ids(candidates):
    return [c.person_id for c in candidates]


def test_r_dup_1_finds_a_registration_made_in_another_office(world):
    earlier = register(world, "Mamadou", "Diallo", office="dakar")
    now = register(world, "Mamadou", "Jallow", office="niamey")

    found = find_candidates(now)

    assert ids(found) == [earlier.pk]
    assert found[0].likely
    assert found[0].score >= LIKELY_THRESHOLD
    assert found[0].display_name == "Mamadou Diallo"
    assert found[0].date_of_birth == D(1994, 7, 3)
    assert "Same date of birth" in found[0].reasons
    assert any("another spelling" in r and "Jallow" in r for r in found[0].reasons)


def test_r_dup_1_never_returns_the_person_itself(world):
    person = register(world, "Ousmane", "Traoré")
    assert find_candidates(person) == []


def test_r_dup_1_reports_prior_avrr_under_the_same_programme(world):
    earlier = make_person(world.dakar, "Aïssatou", "Diallo", date_of_birth=D(1995, 3, 14))
    other_programme = ProgrammeFactory(code="OTHER")
    make_case(
        person=earlier,
        programme=world.programme,
        host=world.niamey,
        origin=world.dakar,
        phase="reintegration",
    )
    make_case(
        person=earlier,
        programme=other_programme,
        host=world.niamey,
        origin=world.dakar,
        phase="withdrawn",
    )
    make_case(
        person=earlier,
        programme=world.programme,
        host=None,
        origin=world.dakar,
        scheme=ReturnScheme.FORCED,
        phase="arrived",
    )
    now = make_person(world.niamey, "Aichatou", "Jallow", date_of_birth=D(1995, 3, 14))

    (candidate,) = find_candidates(now, programme=world.programme)

    assert candidate.person_id == earlier.pk
    by_phase = {c.phase: c for c in candidate.prior_cases}
    assert by_phase["reintegration"].same_programme
    assert by_phase["reintegration"].received_avrr
    assert by_phase["reintegration"].programme_id == world.programme.pk
    assert not by_phase["withdrawn"].same_programme
    assert not by_phase["withdrawn"].received_avrr
    # Arrived after a forced return: not return assistance.
    assert by_phase["arrived"].same_programme
    assert not by_phase["arrived"].received_avrr
    assert {c.reference for c in candidate.prior_cases} == set(
        earlier.cases.values_list("reference", flat=True)
    )


def test_r_dup_1_lists_prior_cases_newest_first(world):
    earlier = make_person(world.dakar, "Aïssatou", "Diallo", date_of_birth=D(1995, 3, 14))
    opened = []
    for day in (D(2025, 2, 1), D(2026, 6, 1), D(2025, 9, 1)):
        with time_machine.travel(
            datetime.datetime(day.year, day.month, day.day, 9, tzinfo=datetime.UTC)
        ):
            opened.append(
                make_case(
                    person=earlier, programme=world.programme, host=world.niamey, origin=world.dakar
                )
            )
    now = make_person(world.niamey, "Aichatou", "Jallow", date_of_birth=D(1995, 3, 14))

    (candidate,) = find_candidates(now, programme=world.programme)

    newest_first = [opened[1], opened[2], opened[0]]
    assert [c.reference for c in candidate.prior_cases] == [c.reference for c in newest_first]


def test_r_dup_1_without_a_programme_no_case_counts_as_the_same_programme(world):
    earlier = make_person(world.dakar, "Moussa", "Keita")
    make_case(person=earlier, programme=world.programme, host=world.niamey, origin=world.dakar)
    now = make_person(world.niamey, "Musa", "Keïta")
    (candidate,) = find_candidates(now)
    assert not candidate.prior_cases[0].same_programme


def test_r_dup_1_document_number_matches_whatever_its_spaces_dashes_and_case(world):
    earlier = register(
        world,
        "Ibrahima",
        "Sow",
        office="dakar",
        date_of_birth=D(1988, 2, 1),
        documents=[{"kind": "passport", "number": "a 1234-567", "issuing_country": "GN"}],
    )
    # Another name and another date of birth: only the document links them.
    now = register(
        world,
        "Brahim",
        "Bah",
        date_of_birth=D(1989, 6, 9),
        documents=[{"kind": "laissez_passer", "number": "A1234567"}],
    )

    (candidate,) = find_candidates(now)

    assert candidate.person_id == earlier.pk
    assert candidate.likely
    assert "Same document number" in candidate.reasons


def test_r_dup_1_estimated_age_matches_a_date_of_birth(world):
    earlier = register(world, "Abdoulaye", "Camara", office="dakar", date_of_birth=D(1996, 5, 20))
    now = register(
        world, "Abdullahi", "Kamara", date_of_birth=None, estimated_age=timezone_age(1997)
    )

    (candidate,) = find_candidates(now)

    assert candidate.person_id == earlier.pk
    assert candidate.likely
    assert "Age matches the estimated age" in candidate.reasons


def timezone_age(born: int) -> int:
    return datetime.date.today().year - born


def test_r_dup_1_day_and_month_swapped_with_names_in_the_other_order(world):
    earlier = register(world, "Fatoumata", "Bangoura", office="dakar", date_of_birth=D(1990, 4, 11))
    now = register(world, "Bangura", "Fatimata", date_of_birth=D(1990, 11, 4))

    (candidate,) = find_candidates(now)

    assert candidate.person_id == earlier.pk
    assert candidate.likely
    assert "Date of birth with day and month swapped" in candidate.reasons
    assert any("swapped" in r for r in candidate.reasons if "name" in r.lower())


def test_r_dup_1_typos_in_both_names_are_found_through_the_code_vocabulary(world):
    earlier = register(world, "Souleymane", "Coulibaly", office="dakar", date_of_birth=None,
                       estimated_age=timezone_age(1992))  # fmt: skip
    # Misspelt so that both consonant codes change (slmn → slmm, klbl → klb).
    now = register(world, "Souleymamne", "Coulibay", date_of_birth=D(1992, 9, 9))

    (candidate,) = find_candidates(now)

    assert candidate.person_id == earlier.pk
    assert candidate.likely


def test_r_dup_1_a_name_misspelt_beyond_its_codes_is_found_by_the_date_of_birth(world):
    earlier = register(world, "Idrissa", "Sowe", office="dakar", nationalities=["SN"])
    now = register(world, "Ioriss", "Sgowe", nationalities=["SN"])  # both codes changed

    (candidate,) = find_candidates(now)

    assert candidate.person_id == earlier.pk
    assert "Same date of birth" in candidate.reasons


def test_r_dup_1_arabic_only_names_match_latin_spellings(world):
    earlier = register(world, "Mohamed", "Ould Ahmed", office="dakar", nationalities=["ML"])
    now = register(
        world,
        "محمد",
        "ولد أحمد",
        nationalities=["ML"],
        names=[{"given_names": "محمد", "family_name": "ولد أحمد", "script": "Arab"}],
    )

    (candidate,) = find_candidates(now)

    assert candidate.person_id == earlier.pk
    assert candidate.likely


def test_r_dup_1_a_namesake_with_another_birth_date_and_nationality_is_not_likely(world):
    register(world, "Mamadou", "Diallo", office="dakar", date_of_birth=D(1979, 1, 30),
             nationalities=["SN"])  # fmt: skip
    now = register(world, "Mamadou", "Diallo", date_of_birth=D(1994, 7, 3))

    assert [c for c in find_candidates(now) if c.likely] == []


def test_r_dup_1_different_names_born_the_same_day_are_not_candidates(world):
    register(world, "Mohamed", "Diallo", office="dakar")
    now = register(world, "Mamadou", "Diallo")
    assert [c for c in find_candidates(now) if c.likely] == []


def test_r_dup_1_keys_follow_name_birth_and_document_changes(world):
    earlier = register(world, "Lamine", "Sylla", office="dakar", date_of_birth=D(1991, 8, 8))
    now = register(world, "Seydou", "Konaté", date_of_birth=D(2001, 1, 5))
    assert find_candidates(now) == []

    now = person_update(
        actor=world.user("counsellor", "niamey"),
        person_id=now.pk,
        version=now.version,
        data={"names": [{"given_names": "Lamin", "family_name": "Silla"}]},
    )
    assert find_candidates(now) == []  # the right name, but born ten years apart

    now = person_update(
        actor=world.user("counsellor", "niamey"),
        person_id=now.pk,
        version=now.version,
        data={"date_of_birth": D(1991, 8, 8)},
    )
    assert ids(find_candidates(now)) == [earlier.pk]

    keys = set(PersonMatchKey.objects.filter(person=now).values_list("key", flat=True))
    person_update(
        actor=world.user("counsellor", "niamey"),
        person_id=now.pk,
        version=now.version,
        data={"documents": [{"kind": "passport", "number": "B9876543"}]},
    )
    assert set(PersonMatchKey.objects.filter(person=now).values_list("key", flat=True)) == (
        keys | {"nB9876543"}
    )


def test_r_dup_1_lookup_reads_a_bounded_number_of_queries(world, django_assert_max_num_queries):
    for index in range(30):
        person = make_person(
            world.dakar, "Mamadou", "Diallo", sex="M", date_of_birth=D(1990 + index % 3, 1, 2)
        )
        make_case(person=person, programme=world.programme, host=world.niamey, origin=world.dakar)
    now = make_person(world.niamey, "Mamadou", "Diallo", sex="M", date_of_birth=D(1991, 1, 2))
    now.refresh_from_db()

    with django_assert_max_num_queries(5):
        found = find_candidates(now, programme=world.programme, limit=5)

    assert len(found) == 5
    assert all(len(c.prior_cases) == 1 for c in found)


def test_r_dup_1_reads_the_persons_own_data_when_its_profile_is_missing(world):
    earlier = make_person(world.dakar, "Kadiatou", "Baldé")
    now = make_person(world.niamey, "Khadidiatou", "Balde")
    IdentityDocument.objects.create(person=now, kind="passport", number="C7654321")
    now.match_profile = {}
    assert ids(find_candidates(now)) == [earlier.pk]


@pytest.mark.parametrize("limit", [1, 3])
def test_r_dup_1_limit_caps_the_candidates_best_first(world, limit):
    exact = make_person(world.dakar, "Oumar", "Sangaré", sex="M")
    for born in (D(1994, 3, 14), D(1995, 3, 16)):
        make_person(world.dakar, "Oumar", "Sangare", sex="M", date_of_birth=born)
    now = make_person(world.niamey, "Omar", "Sangare", sex="M")
    found = find_candidates(now, limit=limit)
    assert len(found) == limit
    assert found[0].person_id == exact.pk
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)
