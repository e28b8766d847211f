import re
from collections import defaultdict

import pytest

from bench.generate import generate
from homeward.accounts.models import User
from homeward.cases import workflow
from homeward.cases.models import (
    Case,
    CaseEvent,
    ReferenceSequence,
    VulnerabilityFlag,
    category_group,
)
from homeward.cases.selectors import case_list_for
from homeward.cases.services import next_reference
from homeward.people.models import Person, PersonName
from homeward.people.services import refresh_search_text

pytestmark = pytest.mark.django_db


def quiet(message):
    pass


def test_generated_histories_follow_the_phase_table():
    result = generate(40, seed=3, batch_size=15, log=quiet)

    assert result.people == result.cases == 40
    assert Person.objects.count() == Case.objects.count() == 40
    assert CaseEvent.objects.count() == result.events
    history = defaultdict(list)
    for event in CaseEvent.objects.order_by("at", "id"):
        history[event.case_id].append(event)
    for case in Case.objects.all():
        events = history[case.pk]
        assert events[0].action == "open"
        assert events[0].to_phase == workflow.initial_phase(case.scheme)
        for before, event in zip(events, events[1:], strict=False):
            transition = workflow.BY_NAME[event.action]
            assert event.from_phase == before.to_phase
            assert event.from_phase in transition.sources
            assert event.to_phase == transition.target
            assert event.reason or not transition.reason_required
        assert events[-1].to_phase == case.phase
        assert case.phase_changed_at == case.updated_at == events[-1].at
        assert case.created_at == events[0].at
    # Timestamps are automatic again once the generator is done.
    assert Case._meta.get_field("updated_at").auto_now


def test_generated_people_are_searchable_like_people_the_services_write():
    generate(30, seed=5, log=quiet)

    for person in Person.objects.all():
        stored = (person.display_name, person.search_text)
        refresh_search_text(person)
        assert (person.display_name, person.search_text) == stored
        assert person.display_name
    assert PersonName.objects.filter(is_transliteration=True).exists()
    assert all(
        flag.field_group == category_group(flag.category)
        for flag in VulnerabilityFlag.objects.all()
    )
    assert case_list_for(User.objects.get(username="counsellor")).exists()


def test_references_are_unique_and_the_sequences_continue_after_them():
    generate(25, seed=1, log=quiet)
    generate(25, seed=2, log=quiet)

    references = list(Case.objects.values_list("reference", flat=True))
    assert len(set(references)) == len(references) == 50
    assert all(re.fullmatch(r"(SN|GN|ML)-20\d\d-\d{6}", r) for r in references)
    for sequence in ReferenceSequence.objects.all():
        prefix = f"{sequence.country_code}-{sequence.year}-"
        numbers = [int(r[-6:]) for r in references if r.startswith(prefix)]
        assert sequence.last_number == max(numbers)
    sequence = ReferenceSequence.objects.first()
    issued = next_reference(sequence.country_code, sequence.year)
    assert issued not in references
