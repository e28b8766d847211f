"""`insert_new` writes what `bulk_create` writes (PostgreSQL, where it uses COPY)."""

import datetime
import uuid

import pytest

from homeward.core.bulk import insert_new
from homeward.people.models import Person, PersonName, Sex

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]

BORN = datetime.date(1990, 2, 3)


def _people(world) -> list[Person]:
    """People whose fields take every path: plain values, a choice, dates, a number, JSON,
    related rows, automatic times."""
    return [
        Person(
            registered_by=world.dakar,
            sex=Sex.FEMALE,
            date_of_birth=BORN,
            place_of_birth="Thiès",
            display_name="Awa Ndiaye",
            match_profile={"n": [["Awa", "Ndiaye", "Latn"]], "c": ["SN"]},
        ),
        Person(
            registered_by_id=world.dakar.pk,
            sex="M",
            estimated_age=34,
            age_estimated_on=BORN,
            display_name="Modou Fall",
            search_text="modou fall",
        ),
    ]


def _stored(people) -> list[dict]:
    rows = Person.objects.filter(pk__in=[p.pk for p in people]).order_by("display_name")
    return [
        {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")}
        | {"stamped": row["created_at"].tzinfo is not None and row["updated_at"] is not None}
        for row in rows.values()
    ]


def test_insert_new_stores_the_values_bulk_create_stores(world):
    copied, created = _people(world), _people(world)
    insert_new(copied)
    Person.objects.bulk_create(created)
    assert _stored(copied) == _stored(created)
    assert _stored(copied)[0]["match_profile"] == {"n": [["Awa", "Ndiaye", "Latn"]], "c": ["SN"]}
    assert all(not p._state.adding for p in copied)


def test_insert_new_takes_related_ids_and_refuses_unsaved_ones_before_writing(world):
    person = _people(world)[0]
    person.pk = None
    name = PersonName(person=person, given_names="Awa", family_name="Ndiaye")
    person.pk = uuid.uuid4()  # given after the name was made: the name takes it
    insert_new([person])
    insert_new([name])
    assert list(PersonName.objects.values_list("person_id", "given_names")) == [(person.pk, "Awa")]
    unsaved = Person(pk=None, registered_by=world.dakar)
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_new([PersonName(person=unsaved, given_names="Fatou")])
    emptied = _people(world)[1]
    stale = PersonName(person=emptied, given_names="Modou")
    emptied.pk = None  # the name still holds the old id
    with pytest.raises(ValueError, match="unsaved related object"):
        insert_new([stale])
    # Refused before anything was sent: the transaction goes on.
    assert PersonName.objects.count() == 1
