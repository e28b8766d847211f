"""The people API: list, register, read (field groups, audit), change; errors 400/403/404/409."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from homeward.audit.models import AuditEvent
from homeward.people.models import Contact, Person
from homeward.testing.factories import make_person

pytestmark = pytest.mark.urls("homeward.api.tests.urls")

PEOPLE = "/api/v1/people/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def detail_url(person) -> str:
    return f"{PEOPLE}{person.pk}/"


def registration(world, **overrides) -> dict:
    body = {
        "office": str(world.niamey.pk),
        "sex": "M",
        "date_of_birth": "1998-07-01",
        "nationalities": ["sn"],
        "names": [{"given_names": "Mamadou", "family_name": "Ndiaye"}],
        "languages": [{"language": "wo", "preferred_for_counselling": True}],
        "contacts": [{"kind": "phone", "value": "+221 77 123 45 67", "label": "own"}],
        "documents": [{"kind": "passport", "number": "A123", "issuing_country": "SN"}],
        "household": [{"full_name": "Awa Ndiaye", "relationship": "spouse", "migrated": False}],
    }
    body.update(overrides)
    return body


# ---- list ----------------------------------------------------------------------------------


def test_list_shows_people_of_the_users_offices_and_searches_names(world):
    make_person(world.niamey, "Aïssatou", "Diallo")
    make_person(world.niamey, "Mamadou", "Ndiaye")
    make_person(world.rabat, "Aïssatou", "Diallo")
    client = client_for(world.user("counsellor", "niamey"))
    body = client.get(PEOPLE).json()
    assert body["count"] == 2
    assert {row["name"] for row in body["results"]} == {"Aïssatou Diallo", "Mamadou Ndiaye"}
    found = client.get(PEOPLE, {"q": "aissatou"}).json()["results"]
    assert [row["name"] for row in found] == ["Aïssatou Diallo"]


def test_list_query_count_does_not_grow_with_people(world):
    client = client_for(world.user("counsellor", "niamey"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(PEOPLE).status_code == 200
        return len(queries)

    for _ in range(3):
        world.case()
    few = count()
    for _ in range(20):
        world.case()
    assert count() == few


# ---- create --------------------------------------------------------------------------------


def test_create_registers_a_person_with_all_parts(world):
    response = client_for(world.user("counsellor", "niamey")).post(
        PEOPLE, registration(world), format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["names"][0]["given_names"] == "Mamadou"
    assert body["names"][0]["is_primary"] is True
    assert body["nationalities"] == ["SN"]
    assert body["contacts"] == [{"kind": "phone", "value": "+221771234567", "label": "own"}]
    assert body["documents"][0]["issuing_country"] == "SN"
    assert body["household"][0]["full_name"] == "Awa Ndiaye"
    assert body["registered_by"]["code"] == "NIA"
    assert Person.objects.get(pk=body["id"]).search_text


def test_create_without_names_is_400(world):
    response = client_for(world.user("counsellor", "niamey")).post(
        PEOPLE, registration(world, names=[]), format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]["names"] == ["At least one name is required."]
    assert Person.objects.count() == 0


def test_create_with_a_bad_phone_is_400(world):
    bad = [{"kind": "phone", "value": "call me maybe"}]
    response = client_for(world.user("counsellor", "niamey")).post(
        PEOPLE, registration(world, contacts=bad), format="json"
    )
    assert response.status_code == 400
    assert "contacts" in response.json()["errors"]
    assert Person.objects.count() == 0


def test_create_with_wrong_types_is_400_with_nested_field_names(world):
    body = registration(
        world,
        office="not-a-uuid",
        estimated_age="old",
        sex="Q",
        names=[{"family_name": "Ndiaye"}],
        documents="passport",
    )
    response = client_for(world.user("counsellor", "niamey")).post(PEOPLE, body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"office", "estimated_age", "sex", "names.0.given_names", "documents"} <= set(errors)


def test_create_without_birth_date_or_age_is_400(world):
    body = registration(world)
    del body["date_of_birth"]
    response = client_for(world.user("counsellor", "niamey")).post(PEOPLE, body, format="json")
    assert response.status_code == 400
    assert "date_of_birth" in response.json()["errors"]


def test_create_without_permission_is_403(world):
    response = client_for(world.user("movement_officer", "niamey")).post(
        PEOPLE, registration(world), format="json"
    )
    assert response.status_code == 403
    assert Person.objects.count() == 0


# ---- detail --------------------------------------------------------------------------------


def test_detail_is_audited(world):
    person = make_person(world.niamey)
    user = world.user("counsellor", "niamey")
    response = client_for(user).get(detail_url(person))
    assert response.status_code == 200
    assert response.json()["names"][0]["family_name"] == "Diallo"
    viewed = AuditEvent.objects.get(action="view", object_id=str(person.pk))
    assert viewed.actor_id == user.pk


def test_detail_shows_contacts_only_to_roles_that_may_read_them(world):
    person = make_person(world.niamey)
    Contact.objects.create(person=person, kind="phone", value="+22790000000")
    counsellor = client_for(world.user("counsellor", "niamey")).get(detail_url(person)).json()
    committee = client_for(world.user("committee_member", "niamey")).get(detail_url(person)).json()
    assert counsellor["contacts"][0]["value"] == "+22790000000"
    assert "contacts" not in committee
    assert committee["names"][0]["given_names"] == "Aïssatou"


def test_detail_of_another_offices_person_is_the_same_404_as_a_missing_one(world):
    elsewhere = make_person(world.rabat)
    client = client_for(world.user("counsellor", "niamey"))
    forbidden = client.get(detail_url(elsewhere))
    missing = client.get(f"{PEOPLE}00000000-0000-0000-0000-000000000000/")
    malformed = client.get(f"{PEOPLE}not-a-uuid/")
    assert forbidden.status_code == missing.status_code == malformed.status_code == 404
    assert forbidden.json() == missing.json() == malformed.json()


# ---- update --------------------------------------------------------------------------------


def test_patch_replaces_the_given_parts(world):
    person = make_person(world.niamey)
    response = client_for(world.user("counsellor", "niamey")).patch(
        detail_url(person),
        {"version": person.version, "contacts": [{"kind": "email", "value": "a@example.org"}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["contacts"] == [{"kind": "email", "value": "a@example.org", "label": ""}]
    assert body["names"][0]["given_names"] == "Aïssatou"
    assert body["version"] == person.version + 1


def test_patch_with_a_stale_version_is_409(world):
    person = make_person(world.niamey)
    client = client_for(world.user("counsellor", "niamey"))
    url = detail_url(person)
    first = client.patch(url, {"version": 1, "place_of_birth": "Thiès"}, format="json")
    assert first.status_code == 200
    stale = client.patch(url, {"version": 1, "place_of_birth": "Kaolack"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    person.refresh_from_db()
    assert person.place_of_birth == "Thiès"


def test_patch_of_a_group_the_role_may_not_write_is_403(world):
    person = make_person(world.niamey)
    response = client_for(world.user("avm_focal_point", "niamey")).patch(
        detail_url(person), {"version": person.version, "sex": "M"}, format="json"
    )
    assert response.status_code == 403


def test_patch_of_another_offices_person_is_404(world):
    person = make_person(world.rabat)
    response = client_for(world.user("counsellor", "niamey")).patch(
        detail_url(person), {"version": person.version, "sex": "M"}, format="json"
    )
    assert response.status_code == 404
