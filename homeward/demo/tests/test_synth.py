"""The synthetic histories follow the phase table; no database needed."""

import random

import pytest

from homeward.cases import workflow
from homeward.cases.models import Phase
from homeward.core.text import fold
from homeward.demo import synth
from homeward.demo.names import ARABIC_FAMILY, FAMILY_BY_COUNTRY, FEMALE_GIVEN, MALE_GIVEN
from homeward.programmes.models import PARA_SCHEMES, ReturnScheme

REACHABLE = [
    (scheme, phase)
    for scheme in ReturnScheme.values
    for phase in (synth.PARA_TARGETS if scheme in PARA_SCHEMES else Phase.values)
]


@pytest.mark.parametrize(("scheme", "target"), REACHABLE)
def test_path_to_walks_the_phase_table_to_the_target(scheme, target):
    rng = random.Random(7)
    for _ in range(20):
        phase = workflow.initial_phase(scheme)
        for step in synth.path_to(rng, target, scheme):
            transition = workflow.BY_NAME[step.action]
            assert not workflow.blocking_reasons(
                transition, workflow.CaseFacts(phase=phase, scheme=scheme)
            )
            assert step.reason or not transition.reason_required
            phase = transition.target
        assert phase == target


def test_para_schemes_cannot_be_sent_to_pre_arrival_phases():
    with pytest.raises(ValueError):
        synth.path_to(random.Random(1), Phase.COUNSELLING, ReturnScheme.FORCED)


def test_same_seed_draws_the_same_people():
    first = [synth.draw_person(random.Random(42)) for _ in range(3)]
    again = [synth.draw_person(random.Random(42)) for _ in range(3)]
    assert first == again


def test_phone_drafts_are_e164_versions_of_what_the_migrant_said():
    rng = random.Random(3)
    for country in synth.ORIGIN_COUNTRIES:
        raw, e164 = synth.draw_phone(rng, country)
        assert "".join(ch for ch in raw if ch.isdigit()).lstrip("0") == e164[1:]


def test_every_name_has_distinct_spellings_and_arabic_family_names_have_arabic_script():
    everything = MALE_GIVEN + FEMALE_GIVEN + ARABIC_FAMILY
    everything += tuple(n for names in FAMILY_BY_COUNTRY.values() for n in names)
    for name in everything:
        assert len(set(name.latin)) == len(name.latin) >= 2, name
    assert all(name.arabic for name in ARABIC_FAMILY)
    # Variants differ once folded, so they really are other spellings to search for.
    assert fold("Traoré") == fold("Traore")
    assert len({fold(s) for s in ("Mohamed", "Mohammed", "Muhammad", "Mouhamed")}) == 4


def test_search_text_holds_every_spelling_in_both_orders():
    names = [
        {"given_names": "Aïssatou", "family_name": "N'Diaye"},
        {"given_names": "Aysatu", "family_name": "Njaay"},
    ]
    assert synth.search_text(names) == (
        "aissatou n diaye | aysatu njaay | n diaye aissatou | njaay aysatu"
    )
