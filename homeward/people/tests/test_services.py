"""R-CNS-2: people with several spellings, contacts in E.164, documents and household."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from homeward.audit.models import AuditEvent
from homeward.core.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from homeward.people.models import Person, PersonMatchKey
from homeward.people.selectors import person_get_for, person_list_for
from homeward.people.services import person_create, person_update

FULL = {
    "sex": "M",
    "date_of_birth": datetime.date(1990, 5, 2),
    "place_of_birth": "Kolda",
    "nationalities": ["SN", "gn"],
    "names": [
        {"given_names": "Mouhamed", "family_name": "N'Diaye", "script": "Latn"},
        {"given_names": "Muhammad", "family_name": "Ndiaye", "is_transliteration": True},
        {
            "given_names": "محمد",
            "family_name": "انجاي",
            "script": "Arab",
            "is_transliteration": True,
        },
    ],
    "languages": [{"language": "wo", "preferred_for_counselling": True}, {"language": "fr"}],
    "contacts": [{"kind": "phone", "value": "77 123 45 67", "label": "own"}],
    "documents": [{"kind": "passport", "number": "A1234567", "issuing_country": "SN"}],
    "household": [
        {"full_name": "Awa Ndiaye", "relationship": "spouse", "migrated": False},
        {
            "full_name": "Ibrahima Ndiaye",
            "relationship": "child",
            "is_dependant": True,
            "migrated": True,
        },
    ],
}


def create(world, data=FULL, office="dakar", role="counsellor"):
    office_obj = getattr(world, office)
    return person_create(actor=world.user(role, office), office=office_obj, data=data)


def test_r_cns_2_person_with_spellings_contacts_documents_household(world):
    person = create(world)
    assert person.names.count() == 3
    assert person.names.get(is_primary=True).family_name == "N'Diaye"
    # The phone is normalised with the office's country (Senegal) as default region.
    assert person.contacts.get().value == "+221771234567"
    assert sorted(person.nationalities.values_list("code", flat=True)) == ["GN", "SN"]
    assert person.documents.get().issuing_country_id == "SN"
    assert {(h.full_name, h.migrated) for h in person.household.all()} == {
        ("Awa Ndiaye", False),
        ("Ibrahima Ndiaye", True),
    }
    assert person.languages.get(preferred_for_counselling=True).language == "wo"
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


@pytest.mark.parametrize("query", ["ndiaye", "NDIAYE mouhamed", "muhammad", "n diaye", "محمد"])
def test_search_matches_any_spelling_case_and_accent_insensitively(world, query):
    person = create(world)
    assert list(person_list_for(world.user("counsellor", "dakar"), q=query)) == [person]


def test_birth_date_or_estimated_age_is_required(world):
    data = {**FULL, "date_of_birth": None}
    with pytest.raises(ValidationFailed) as exc:
        create(world, data)
    assert "date_of_birth" in exc.value.field_errors
    assert Person.objects.count() == 0
    person = create(world, {**data, "estimated_age": 34})
    assert person.estimated_age == 34 and person.age_estimated_on is not None


def test_invalid_phone_is_a_field_error_and_nothing_is_saved(world):
    with pytest.raises(ValidationFailed) as exc:
        create(world, {**FULL, "contacts": [{"kind": "phone", "value": "12"}]})
    assert "contacts" in exc.value.field_errors
    assert Person.objects.count() == 0


def test_unknown_nationality_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        create(world, {**FULL, "nationalities": ["XX"]})
    assert "nationalities" in exc.value.field_errors


def test_a_name_is_required(world):
    with pytest.raises(ValidationFailed) as exc:
        create(world, {**FULL, "names": []})
    assert "names" in exc.value.field_errors


def test_update_replaces_lists_and_bumps_version(world):
    person = create(world)
    user = world.user("counsellor", "dakar")
    updated = person_update(
        actor=user,
        person_id=person.pk,
        version=1,
        data={
            "names": [{"given_names": "Ousmane", "family_name": "Sow"}],
        },
    )
    assert updated.version == 2
    assert list(updated.names.values_list("given_names", flat=True)) == ["Ousmane"]
    assert "ousmane sow" in Person.objects.get(pk=person.pk).search_text
    audit = AuditEvent.objects.get(action="update", object_id=str(person.pk))
    assert audit.changes["names"][1] == ["Ousmane Sow"]


def test_update_with_stale_version_is_refused(world):
    person = create(world)
    user = world.user("counsellor", "dakar")
    person_update(actor=user, person_id=person.pk, version=1, data={"place_of_birth": "Thiès"})
    with pytest.raises(VersionConflict):
        person_update(actor=user, person_id=person.pk, version=1, data={"place_of_birth": "X"})
    assert Person.objects.get(pk=person.pk).place_of_birth == "Thiès"


def test_roles_cannot_write_groups_they_may_not_write(world):
    person = create(world)
    with pytest.raises(PermissionDenied):
        person_update(
            actor=world.user("movement_officer", "dakar"),
            person_id=person.pk,
            version=1,
            data={"place_of_birth": "X"},
        )


def test_people_of_other_offices_are_not_found(world):
    person = create(world)
    with pytest.raises(NotFound):
        person_get_for(world.user("counsellor", "rabat"), person_id=person.pk)
    with pytest.raises(NotFound):
        person_update(
            actor=world.user("counsellor", "rabat"),
            person_id=person.pk,
            version=1,
            data={"place_of_birth": "X"},
        )
    assert list(person_list_for(world.user("counsellor", "rabat"))) == []


def test_office_without_person_rights_cannot_register(world):
    with pytest.raises(PermissionDenied):
        create(world, role="finance_officer")


def test_every_problem_is_reported_in_one_round(world):
    bad = {
        **FULL,
        "names": [],
        "date_of_birth": None,
        "contacts": [{"kind": "phone", "value": "12"}],
        "nationalities": ["XX"],
    }
    with pytest.raises(ValidationFailed) as exc:
        create(world, bad)
    assert {"names", "date_of_birth", "contacts", "nationalities"} <= set(exc.value.field_errors)
    assert Person.objects.count() == 0


def test_birth_date_in_the_future_and_impossible_ages_are_refused(world):
    future = datetime.date.today() + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as exc:
        create(world, {**FULL, "date_of_birth": future})
    assert "date_of_birth" in exc.value.field_errors
    with pytest.raises(ValidationFailed) as exc:
        create(world, {**FULL, "date_of_birth": None, "estimated_age": 150})
    assert "estimated_age" in exc.value.field_errors


def test_birth_and_estimated_ages_count_in_the_registering_offices_day(world):
    # 23:30 UTC is already tomorrow in Niamey (UTC+1): a child born there today is not
    # "born in the future", and an age given now is estimated on the office's day.
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    niamey_day = late.date() + datetime.timedelta(days=1)
    at_niamey = {**FULL, "contacts": []}  # a Senegalese phone number is not valid there
    with time_machine.travel(late, tick=True):
        newborn = create(world, {**at_niamey, "date_of_birth": niamey_day}, office="niamey")
        estimated = create(
            world, {**at_niamey, "date_of_birth": None, "estimated_age": 30}, office="niamey"
        )
        with pytest.raises(ValidationFailed) as exc:
            create(
                world,
                {**at_niamey, "date_of_birth": niamey_day + datetime.timedelta(days=1)},
                office="niamey",
            )
        assert "date_of_birth" in exc.value.field_errors
        person_update(
            actor=world.user("counsellor", "niamey"),
            person_id=newborn.pk,
            version=newborn.version,
            data={"place_of_birth": "Niamey"},
        )
    assert newborn.date_of_birth == niamey_day
    assert estimated.age_estimated_on == niamey_day


def test_household_member_born_after_the_offices_day_is_refused(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    child = {"full_name": "Awa Ndiaye", "relationship": "child", "date_of_birth": tomorrow}
    with pytest.raises(ValidationFailed) as exc:
        create(world, {**FULL, "household": [child]})
    assert exc.value.field_errors["household"] == [
        "Awa Ndiaye: the date of birth is in the future."
    ]
    assert Person.objects.count() == 0
    born_today = {**child, "date_of_birth": timezone.localdate()}
    person = create(world, {**FULL, "household": [born_today]})
    assert person.household.get().date_of_birth == timezone.localdate()


def test_saving_without_a_change_keeps_the_version_and_writes_no_audit(world):
    person = create(world)
    user = world.user("counsellor", "dakar")
    same = person_update(
        actor=user, person_id=person.pk, version=1, data={"place_of_birth": FULL["place_of_birth"]}
    )
    assert same.version == 1
    assert not AuditEvent.objects.filter(action="update", object_id=str(person.pk)).exists()


def test_r_dup_1_a_persons_match_keys_go_with_the_person(world):
    # The keys carry no database constraint (people/models.py): the ORM's cascade removes
    # them, and a key table with no person left behind would find ghosts.
    person = create(world)
    other = create(world)
    assert PersonMatchKey.objects.filter(person=person).exists()
    Person.objects.filter(pk=person.pk).delete()
    assert not PersonMatchKey.objects.filter(person_id=person.pk).exists()
    assert PersonMatchKey.objects.filter(person=other).exists()
