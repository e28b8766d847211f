"""The cases API: list, open, read, edit, transitions; errors 400/403/404/409; query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from homeward.audit.models import AuditEvent
from homeward.cases.models import Case, CaseEvent, Phase
from homeward.cases.services import case_set_flags
from homeward.programmes.models import ReturnScheme
from homeward.testing.factories import make_person

pytestmark = pytest.mark.urls("homeward.api.tests.urls")

CASES = "/api/v1/cases/"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def detail_url(case) -> str:
    return f"{CASES}{case.reference}/"


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


# ---- list ----------------------------------------------------------------------------------


def test_list_shows_only_cases_of_the_users_offices(world):
    mine = world.case(host=world.niamey)
    world.case(host=world.rabat, origin=world.conakry)
    response = client_for(world.user("counsellor", "niamey")).get(CASES)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [row] = body["results"]
    assert row["reference"] == mine.reference
    assert row["person"]["name"] == "Aïssatou Diallo"
    assert row["host_office"]["code"] == "NIA"
    assert row["origin_office"]["code"] == "DKR"


def test_list_filters_by_phase_reference_and_assignment(world):
    counsellor = world.user("counsellor", "niamey")
    identified = world.case()
    departed = world.case(phase=Phase.DEPARTED)
    assigned = world.case(assigned_to=counsellor)
    client = client_for(counsellor)

    def refs(**params):
        response = client.get(CASES, params)
        assert response.status_code == 200, response.content
        return {row["reference"] for row in response.json()["results"]}

    assert refs(phase="departed") == {departed.reference}
    assert refs(q=identified.reference.lower()) == {identified.reference}
    assert refs(assigned_to_me="true") == {assigned.reference}
    assert refs(office=str(world.rabat.pk)) == set()
    assert refs(office=str(world.niamey.pk)) == {
        c.reference for c in (identified, departed, assigned)
    }


def test_list_rejects_unknown_filter_values(world):
    client = client_for(world.user("counsellor", "niamey"))
    response = client.get(CASES, {"phase": "teleported", "office": "not-a-uuid"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert set(body["errors"]) == {"phase", "office"}


def test_list_is_paginated(world):
    for _ in range(3):
        world.case()
    response = client_for(world.user("counsellor", "niamey")).get(CASES, {"page_size": 2})
    body = response.json()
    assert body["count"] == 3
    assert len(body["results"]) == 2
    assert body["next"]
    assert client_for(world.user("counsellor", "niamey")).get(CASES, {"page": 9}).status_code == 404


def test_flag_filter_does_not_reveal_sensitive_flags(world):
    case = world.case()
    case_set_flags(
        actor=world.user("avm_focal_point", "niamey"), case_id=case.pk, categories=["trafficking"]
    )
    url = f"{CASES}?flag=trafficking"
    assert client_for(world.user("counsellor", "niamey")).get(url).json()["count"] == 0
    assert client_for(world.user("avm_focal_point", "niamey")).get(url).json()["count"] == 1


def test_list_query_count_does_not_grow_with_cases(world):
    client = client_for(world.user("counsellor", "niamey"))
    for _ in range(5):
        world.case(assigned_to=world.user("counsellor", "niamey"))
    few = count_queries(client, CASES)
    for _ in range(25):
        world.case(assigned_to=world.user("counsellor", "niamey"))
    assert count_queries(client, CASES) == few


# ---- create --------------------------------------------------------------------------------


def create_body(world, person, **overrides) -> dict:
    body = {
        "person": str(person.pk),
        "programme": str(world.programme.pk),
        "scheme": ReturnScheme.AVRR,
        "origin_office": str(world.dakar.pk),
        "host_office": str(world.niamey.pk),
        "notes": "Walked in on Monday.",
    }
    body.update(overrides)
    return body


def test_create_opens_a_case(world):
    person = make_person(world.niamey)
    client = client_for(world.user("counsellor", "niamey"))
    response = client.post(CASES, create_body(world, person), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("SN-")
    assert body["phase"] == Phase.IDENTIFIED
    assert body["notes"] == "Walked in on Monday."
    assert body["person"]["id"] == str(person.pk)
    assert [e["action"] for e in body["timeline"]] == ["open"]
    assert Case.objects.get(reference=body["reference"]).person == person


def test_create_forced_return_opens_at_arrival_without_host_office(world):
    person = make_person(world.dakar)
    client = client_for(world.user("reception_officer", "dakar"))
    body = create_body(world, person, scheme=ReturnScheme.FORCED, host_office=None)
    response = client.post(CASES, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["phase"] == Phase.ARRIVED
    assert response.json()["host_office"] is None


def test_create_assisted_return_without_host_office_is_400(world):
    person = make_person(world.dakar)
    client = client_for(world.user("counsellor", "dakar"))
    response = client.post(CASES, create_body(world, person, host_office=None), format="json")
    assert response.status_code == 400
    assert "host_office" in response.json()["errors"]
    assert Case.objects.count() == 0


def test_create_with_bad_types_is_400_not_500(world):
    client = client_for(world.user("counsellor", "niamey"))
    body = {
        "person": "nope",
        "programme": "12",
        "scheme": "teleport",
        "origin_office": ["x"],
        "assigned_to": "abc",
        "intended_return_area": {"id": 1},
    }
    response = client.post(CASES, body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) >= {"person", "programme", "scheme", "origin_office", "assigned_to"}


def test_create_for_a_person_the_user_cannot_see_is_400(world):
    stranger = make_person(world.rabat)
    client = client_for(world.user("counsellor", "niamey"))
    response = client.post(CASES, create_body(world, stranger), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["person"]


def test_create_without_permission_is_403(world):
    person = make_person(world.niamey)
    client = client_for(world.user("movement_officer", "niamey"))
    response = client.post(CASES, create_body(world, person), format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


# ---- detail --------------------------------------------------------------------------------


def test_detail_shows_the_case_file_and_audits_the_view(world):
    case = world.case()
    counsellor = world.user("counsellor", "niamey")
    response = client_for(counsellor).get(detail_url(case))
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["version"] == case.version
    assert body["person"]["name"] == "Aïssatou Diallo"
    assert "contacts" in body["person"]
    assert body["timeline"][0]["action"] == "open"
    options = {t["action"]: t for t in body["transitions"]}
    assert options["start_counselling"] == {
        "action": "start_counselling",
        "label": "Start counselling",
        "allowed": True,
        "reasons": [],
        "reason_required": False,
    }
    views = AuditEvent.objects.filter(action="view", case_reference=case.reference)
    assert list(views.values_list("actor_id", flat=True)) == [counsellor.pk]


def test_detail_hides_contacts_from_roles_without_the_contact_group(world):
    case = world.case()
    body = client_for(world.user("committee_member", "niamey")).get(detail_url(case)).json()
    assert body["person"]["name"] == "Aïssatou Diallo"
    assert "contacts" not in body["person"]


def test_detail_transitions_show_blocking_reasons(world):
    case = world.case(scheme=ReturnScheme.FORCED, phase=Phase.IDENTIFIED)
    body = client_for(world.user("counsellor", "niamey")).get(detail_url(case)).json()
    option = next(t for t in body["transitions"] if t["action"] == "start_counselling")
    assert option["allowed"] is False
    assert "forced or other-actor return" in option["reasons"][0]


def test_detail_of_another_offices_case_is_the_same_404_as_a_missing_one(world):
    elsewhere = world.case(host=world.rabat, origin=world.conakry)
    client = client_for(world.user("counsellor", "niamey"))
    forbidden = client.get(detail_url(elsewhere))
    missing = client.get(f"{CASES}SN-2026-999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert forbidden.json()["code"] == "not_found"
    assert client.get(f"{CASES}%20;DROP/").status_code == 404
    assert not AuditEvent.objects.filter(action="view").exists()


def test_sensitive_flags_only_for_roles_that_may_see_them(world):
    case = world.case()
    case_set_flags(
        actor=world.user("avm_focal_point", "niamey"), case_id=case.pk, categories=["trafficking"]
    )
    case_set_flags(
        actor=world.user("counsellor", "niamey"), case_id=case.pk, categories=["elderly"]
    )

    def flags(role):
        body = client_for(world.user(role, "niamey")).get(detail_url(case)).json()
        return {f["category"] for f in body["flags"]}

    assert flags("counsellor") == {"elderly"}
    assert flags("avm_focal_point") == {"elderly", "trafficking"}


def test_detail_query_count_does_not_grow_with_events(world):
    client = client_for(world.user("counsellor", "niamey"))
    case = world.case()
    CaseEvent.objects.create(case=case, action="note", actor=world.user("counsellor", "niamey"))
    few = count_queries(client, detail_url(case))
    CaseEvent.objects.bulk_create(
        CaseEvent(case=case, action="note", actor=world.user(role, "niamey"))
        for role in ("counsellor", "case_manager", "movement_officer", "auditor")
        for _ in range(10)
    )
    assert case.events.count() == 42
    assert count_queries(client, detail_url(case)) == few


# ---- update --------------------------------------------------------------------------------


def test_patch_changes_the_case_with_the_current_version(world):
    case = world.case()
    counsellor = world.user("counsellor", "niamey")
    response = client_for(counsellor).patch(
        detail_url(case),
        {"version": case.version, "notes": "Prefers French.", "assigned_to": counsellor.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["notes"] == "Prefers French."
    assert body["assigned_to"]["id"] == counsellor.pk
    assert body["version"] == case.version + 1


def test_patch_with_a_stale_version_is_409(world):
    case = world.case()
    client = client_for(world.user("counsellor", "niamey"))
    first = client.patch(detail_url(case), {"version": case.version, "notes": "A"}, format="json")
    assert first.status_code == 200
    stale = client.patch(detail_url(case), {"version": case.version, "notes": "B"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert "version" in stale.json()["errors"]
    case.refresh_from_db()
    assert case.notes == "A"


def test_patch_without_version_is_400(world):
    case = world.case()
    response = client_for(world.user("counsellor", "niamey")).patch(
        detail_url(case), {"notes": "x"}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_patch_with_an_assignee_from_another_office_is_400(world):
    case = world.case()
    response = client_for(world.user("counsellor", "niamey")).patch(
        detail_url(case),
        {"version": case.version, "assigned_to": world.user("counsellor", "rabat").pk},
        format="json",
    )
    assert response.status_code == 400
    assert "assigned_to" in response.json()["errors"]


def test_patch_without_edit_permission_is_403(world):
    case = world.case()
    response = client_for(world.user("movement_officer", "niamey")).patch(
        detail_url(case), {"version": case.version, "notes": "x"}, format="json"
    )
    assert response.status_code == 403


def test_patch_of_another_offices_case_is_404(world):
    case = world.case(host=world.rabat, origin=world.conakry)
    response = client_for(world.user("counsellor", "niamey")).patch(
        detail_url(case), {"version": case.version, "notes": "x"}, format="json"
    )
    assert response.status_code == 404


# ---- transitions ---------------------------------------------------------------------------


def transition(client, case, action, reason=""):
    return client.post(
        f"{detail_url(case)}transitions/", {"action": action, "reason": reason}, format="json"
    )


def test_transition_changes_the_phase(world):
    case = world.case()
    response = transition(client_for(world.user("counsellor", "niamey")), case, "start_counselling")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["phase"] == Phase.COUNSELLING
    assert body["timeline"][0]["action"] == "start_counselling"
    assert body["version"] == case.version + 1


def test_withdrawal_after_departure_is_409_with_reasons(world):
    """R-VOL-2: withdrawal only before departure."""
    case = world.case(phase=Phase.DEPARTED)
    response = transition(
        client_for(world.user("counsellor", "niamey")), case, "withdraw", "Changed mind"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "transition_blocked"
    assert body["reasons"] == [
        "Withdrawal is possible only before departure; this case is past that point."
    ]
    case.refresh_from_db()
    assert case.phase == Phase.DEPARTED


def test_transition_needing_a_reason_without_one_is_400(world):
    case = world.case(phase=Phase.COUNSELLING)
    response = transition(client_for(world.user("counsellor", "niamey")), case, "withdraw")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_unknown_transition_is_400(world):
    case = world.case()
    response = transition(client_for(world.user("counsellor", "niamey")), case, "teleport")
    assert response.status_code == 400
    assert "action" in response.json()["errors"]


def test_transition_the_role_does_not_allow_is_403(world):
    case = world.case()
    response = transition(
        client_for(world.user("committee_member", "niamey")), case, "start_counselling"
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFIED


def test_transition_on_another_offices_case_is_404(world):
    case = world.case(host=world.rabat, origin=world.conakry)
    response = transition(client_for(world.user("counsellor", "niamey")), case, "start_counselling")
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFIED
