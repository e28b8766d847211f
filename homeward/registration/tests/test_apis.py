"""The phase-1 API: every endpoint's success, 400, 403, 404 and 409 answers, the audit line of
each read, R-VOT-3 filtering, and bounded query counts for lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from homeward.audit.models import AuditEvent
from homeward.cases.models import Case, Phase
from homeward.geo.models import AdminArea
from homeward.registration import procedures, services
from homeward.registration.models import (
    CounsellingSession,
    DuplicateCheck,
    DuplicateDecision,
    Guardian,
    OfficeVulnerability,
    Referral,
)

from .helpers import TODAY, ready_case, speaks

pytestmark = [pytest.mark.urls("homeward.api.tests.urls"), pytest.mark.django_db]

API = "/api/v1"
MISSING_CASE = {"code": "not_found", "detail": "Case not found."}


def client_for(user) -> APIClient:
    client = APIClient()
    client.default_format = "json"
    client.force_login(user)
    return client


def url(case, part: str) -> str:
    return f"{API}/cases/{case.reference}/{part}/"


def as_(world, role, office="niamey") -> APIClient:
    return client_for(world.user(role, office))


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200, response.content
    return len(queries)


def views_of(case, summary: str):
    return AuditEvent.objects.filter(action="view", case_reference=case.reference, summary=summary)


def assert_other_office_gets_404(world, case, part, method="get", body=None):
    client = as_(world, "counsellor", "rabat")
    response = getattr(client, method)(url(case, part), body or {}, format="json")
    assert response.status_code == 404
    assert response.json() == MISSING_CASE


# ---- registration checklist ----------------------------------------------------------------


def test_registration_checklist_of_a_ready_case(world):
    case = ready_case(world)
    response = as_(world, "counsellor").get(url(case, "registration"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["can_register"] is True
    items = {item["key"]: item for item in body["items"]}
    assert {"programme", "counselling", "declaration", "screening", "duplicates"} <= set(items)
    assert items["screening"] == {
        "key": "screening",
        "label": "Vulnerability screening done",
        "rule": "R-VUL-1",
        "done": True,
        "reasons": [],
    }
    assert views_of(case, "Registration checklist viewed").count() == 1
    # A movement officer reads the checklist but does not register.
    assert as_(world, "movement_officer").get(url(case, "registration")).json()["can_register"] is (
        False
    )


def test_registration_checklist_lists_every_unmet_reason(world):
    case = world.case(phase=Phase.COUNSELLING)
    body = as_(world, "counsellor").get(url(case, "registration")).json()
    assert body["can_register"] is False
    counselling = next(i for i in body["items"] if i["key"] == "counselling")
    assert counselling["done"] is False
    assert counselling["reasons"] == ["No return counselling session is recorded."]


def test_registration_checklist_of_another_offices_case_is_404(world):
    assert_other_office_gets_404(world, ready_case(world), "registration")
    assert not AuditEvent.objects.filter(action="view").exists()


# ---- counselling sessions ------------------------------------------------------------------


def session_body(**extra) -> dict:
    body = {
        "kind": "return",
        "held_on": str(TODAY),
        "place": "Niamey office",
        "mode": "in_person",
        "language": "fr",
    }
    return {**body, **extra}


def test_session_create_and_list(world):
    case = world.case(phase=Phase.COUNSELLING)
    speaks(case.person, "fr")
    client = as_(world, "counsellor")
    response = client.post(url(case, "counselling-sessions"), session_body(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["kind_label"] == "Return counselling"
    assert created["counsellor"]["username"] == "counsellor_niamey"
    listed = client.get(url(case, "counselling-sessions")).json()
    assert [s["id"] for s in listed] == [created["id"]]
    assert views_of(case, "Counselling sessions viewed").count() == 1


def test_session_with_invalid_input_is_400_with_field_errors(world):
    case = world.case(phase=Phase.COUNSELLING)
    speaks(case.person, "ff")
    client = as_(world, "counsellor")
    response = client.post(url(case, "counselling-sessions"), {"mode": "pigeon"}, format="json")
    assert response.status_code == 400
    assert {"kind", "held_on", "place", "mode", "language"} <= set(response.json()["errors"])
    # R-CNS-1, refused by the service: a language the migrant does not understand.
    response = client.post(url(case, "counselling-sessions"), session_body(), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["language"]
    assert not CounsellingSession.objects.exists()


def test_session_by_a_role_that_does_not_counsel_is_403(world):
    case = world.case(phase=Phase.COUNSELLING)
    speaks(case.person, "fr")
    response = as_(world, "movement_officer").post(
        url(case, "counselling-sessions"), session_body(), format="json"
    )
    assert response.status_code == 403


def test_sessions_of_another_offices_case_are_404(world):
    case = world.case(phase=Phase.COUNSELLING)
    assert_other_office_gets_404(world, case, "counselling-sessions")
    assert_other_office_gets_404(world, case, "counselling-sessions", "post", session_body())


def test_session_list_query_count_does_not_grow(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    few = count_queries(client, url(case, "counselling-sessions"))
    for role in ("counsellor", "case_manager", "reception_officer"):
        for _ in range(4):
            CounsellingSession.objects.create(
                case=case,
                kind="return",
                held_on=TODAY,
                place="x",
                mode="phone",
                language="fr",
                counsellor=world.user(role),
            )
    assert count_queries(client, url(case, "counselling-sessions")) == few


# ---- profile -------------------------------------------------------------------------------


def test_profile_before_anything_is_recorded_has_no_version(world):
    case = world.case(phase=Phase.COUNSELLING)
    body = as_(world, "counsellor").get(url(case, "profile")).json()
    assert body["version"] is None and body["id"] is None
    assert body["in_detention"] is False
    assert views_of(case, "Migration history and situation viewed").count() == 1


def test_profile_put_creates_then_updates_with_the_version(world):
    case = world.case(phase=Phase.COUNSELLING)
    client = as_(world, "counsellor")
    first = client.put(
        url(case, "profile"),
        {"version": None, "route": "Agadez – Tripoli", "months_abroad": 30, "debt": "1200.50"},
        format="json",
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 1
    assert first.json()["debt"] == "1200.50"
    second = client.put(url(case, "profile"), {"version": 1, "skills": "mason"}, format="json")
    assert second.status_code == 200
    assert second.json()["version"] == 2
    assert second.json()["route"] == "Agadez – Tripoli"
    stale = client.put(url(case, "profile"), {"version": 1, "skills": "tailor"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["code"] == "version_conflict"
    assert client.get(url(case, "profile")).json()["skills"] == "mason"


def test_profile_with_invalid_input_is_400(world):
    case = world.case(phase=Phase.COUNSELLING)
    client = as_(world, "counsellor")
    response = client.put(
        url(case, "profile"),
        {"version": None, "education": "phd", "months_abroad": -1},
        format="json",
    )
    assert response.status_code == 400
    assert {"education", "months_abroad"} <= set(response.json()["errors"])
    assert "version" in client.put(url(case, "profile"), {}, format="json").json()["errors"]
    # R-CNS-4, refused by the service.
    response = client.put(
        url(case, "profile"), {"version": None, "in_detention": True}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["detention_grounds"]


def test_profile_put_without_edit_permission_is_403_and_elsewhere_404(world):
    case = world.case(phase=Phase.COUNSELLING)
    response = as_(world, "movement_officer").put(
        url(case, "profile"), {"version": None, "skills": "x"}, format="json"
    )
    assert response.status_code == 403
    assert_other_office_gets_404(world, case, "profile")
    assert_other_office_gets_404(world, case, "profile", "put", {"version": None})


# ---- asylum referrals ----------------------------------------------------------------------


def decision_url(referral_id) -> str:
    return f"{API}/asylum-referrals/{referral_id}/decision/"


def test_asylum_referral_and_decision(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    response = client.post(url(case, "asylum-referrals"), {"referred_on": str(TODAY)})
    assert response.status_code == 201, response.content
    referral = response.json()
    assert referral["referred_to"] == "UNHCR"
    assert referral["outcome"] == "pending"
    assert as_(world, "counsellor").get(url(case, "registration")).json()["can_register"] is False
    decided = client.post(
        decision_url(referral["id"]),
        {"outcome": "not_pursuing", "decided_on": str(TODAY), "version": referral["version"]},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["outcome"] == "not_pursuing"
    assert decided.json()["version"] == referral["version"] + 1
    listed = client.get(url(case, "asylum-referrals")).json()
    assert [r["outcome"] for r in listed] == ["not_pursuing"]
    assert views_of(case, "Asylum referrals viewed").count() == 1
    stale = client.post(
        decision_url(referral["id"]),
        {"outcome": "pursuing", "version": referral["version"]},
        format="json",
    )
    assert stale.status_code == 409


def test_asylum_referral_invalid_input_is_400(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    response = client.post(url(case, "asylum-referrals"), {"referred_on": "2099-01-01"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["referred_on"]
    assert "referred_on" in client.post(url(case, "asylum-referrals"), {}).json()["errors"]
    referral = services.asylum_referral_record(
        actor=world.user("counsellor"), case_id=case.pk, data={"referred_on": TODAY}
    )
    response = client.post(
        decision_url(referral.pk), {"outcome": "pending", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["outcome"]
    response = client.post(decision_url(referral.pk), {"outcome": "maybe"}, format="json")
    assert {"outcome", "version"} == set(response.json()["errors"])


def test_asylum_referral_forbidden_and_invisible(world):
    case = ready_case(world)
    referral = services.asylum_referral_record(
        actor=world.user("counsellor"), case_id=case.pk, data={"referred_on": TODAY}
    )
    body = {"outcome": "not_pursuing", "version": referral.version}
    assert (
        as_(world, "movement_officer")
        .post(url(case, "asylum-referrals"), {"referred_on": str(TODAY)})
        .status_code
        == 403
    )
    assert (
        as_(world, "movement_officer").post(decision_url(referral.pk), body, format="json")
    ).status_code == 403
    assert_other_office_gets_404(world, case, "asylum-referrals")
    stranger = as_(world, "counsellor", "rabat")
    forbidden = stranger.post(decision_url(referral.pk), body, format="json")
    missing = stranger.post(decision_url(Case().pk), body, format="json")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()
    assert stranger.post(decision_url("not-a-uuid"), body, format="json").status_code == 404


# ---- screenings ----------------------------------------------------------------------------


def screening_body(**extra) -> dict:
    body = {
        "stage": "pre_departure",
        "screened_on": str(TODAY),
        "capacity": "able",
        "categories": [],
    }
    return {**body, **extra}


def test_screening_create_and_history(world):
    case = world.case(phase=Phase.COUNSELLING)
    other = OfficeVulnerability.objects.create(office=world.niamey, name="Stateless")
    client = as_(world, "counsellor")
    options = client.get(url(case, "other-vulnerabilities")).json()
    assert options == [{"id": other.pk, "name": "Stateless"}]
    response = client.post(
        url(case, "screenings"),
        screening_body(
            categories=["elderly", "disability"],
            other_vulnerabilities=[other.pk],
            finding_notes={"disability": "uses a wheelchair"},
        ),
        format="json",
    )
    assert response.status_code == 201, response.content
    findings = {f["label"]: f for f in response.json()["findings"]}
    assert set(findings) == {"Elderly", "Disability", "Stateless"}
    assert findings["Disability"]["note"] == "uses a wheelchair"
    assert findings["Stateless"]["other"] == {"id": other.pk, "name": "Stateless"}
    client.post(url(case, "screenings"), screening_body(stage="later"), format="json")
    history = client.get(url(case, "screenings")).json()
    assert [s["stage"] for s in history] == ["later", "pre_departure"]
    assert views_of(case, "Vulnerability screenings viewed").count() == 1


def test_screening_with_invalid_input_is_400(world):
    case = world.case(phase=Phase.COUNSELLING)
    client = as_(world, "counsellor")
    response = client.post(
        url(case, "screenings"),
        {"categories": ["werewolf"], "finding_notes": {"ghost": "x"}, "capacity": "maybe"},
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"stage", "screened_on", "capacity", "finding_notes"} <= set(errors)
    assert any(key.startswith("categories") for key in errors)
    response = client.post(
        url(case, "screenings"),
        screening_body(screened_on="2099-01-01", other_vulnerabilities=[999]),
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"other_vulnerabilities"}
    response = client.post(url(case, "screenings"), screening_body(screened_on="2099-01-01"))
    assert set(response.json()["errors"]) == {"screened_on"}


def test_screening_forbidden_and_invisible(world):
    case = world.case(phase=Phase.COUNSELLING)
    response = as_(world, "movement_officer").post(
        url(case, "screenings"), screening_body(), format="json"
    )
    assert response.status_code == 403
    assert_other_office_gets_404(world, case, "screenings")
    assert_other_office_gets_404(world, case, "screenings", "post", screening_body())
    assert_other_office_gets_404(world, case, "other-vulnerabilities")


def test_screening_list_query_count_does_not_grow(world):
    case = ready_case(world, categories=["elderly"])
    client = as_(world, "counsellor")
    few = count_queries(client, url(case, "screenings"))
    for role in ("counsellor", "reception_officer", "case_manager", "avm_focal_point"):
        services.screening_record(
            actor=world.user(role),
            case_id=case.pk,
            data={
                "stage": "later",
                "screened_on": TODAY,
                "capacity": "able",
                "categories": ["elderly", "disability", "single_headed", "trafficking"],
            },
        )
    assert count_queries(client, url(case, "screenings")) == few


# ---- referrals -----------------------------------------------------------------------------


def referral_url(referral) -> str:
    return f"{API}/referrals/{referral.pk}/"


def test_referral_follow_up(world):
    case = ready_case(world, categories=["disability"])
    referral = Referral.objects.get(case=case)
    client = as_(world, "counsellor")
    [listed] = client.get(url(case, "referrals")).json()
    assert listed["category"] == "disability" and listed["status"] == "proposed"
    assert views_of(case, "Referrals viewed").count() == 1
    response = client.patch(
        referral_url(referral),
        {"version": referral.version, "status": "sent", "provider": "Handicap centre"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status_label"] == "Sent"
    stale = client.patch(
        referral_url(referral), {"version": referral.version, "urgent": True}, format="json"
    )
    assert stale.status_code == 409


def test_referral_invalid_input_is_400(world):
    case = ready_case(world, categories=["disability"])
    referral = Referral.objects.get(case=case)
    client = as_(world, "counsellor")
    response = client.patch(
        referral_url(referral), {"version": referral.version, "status": "sent"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["provider"]
    response = client.patch(referral_url(referral), {"status": "lost"}, format="json")
    assert {"version", "status"} == set(response.json()["errors"])


def test_referral_forbidden_and_invisible(world):
    case = ready_case(world, categories=["disability", "pregnancy"])
    disability = Referral.objects.get(case=case, category="disability")
    pregnancy = Referral.objects.get(case=case, category="pregnancy")
    body = {"version": 1, "provider": "Clinic"}
    # Readable, but the movement officer does not follow referrals.
    assert (
        as_(world, "movement_officer").patch(referral_url(disability), body, format="json")
    ).status_code == 403
    # A medical referral is not the counsellor's to see: 404, not 403 (R-DAT-2).
    counsellor = as_(world, "counsellor")
    assert counsellor.patch(referral_url(pregnancy), body, format="json").status_code == 404
    assert (
        as_(world, "medical_officer").patch(referral_url(pregnancy), body, format="json")
    ).status_code == 200
    stranger = as_(world, "counsellor", "rabat")
    assert stranger.patch(referral_url(disability), body, format="json").status_code == 404
    assert stranger.patch(f"{API}/referrals/nope/", body, format="json").status_code == 404
    assert_other_office_gets_404(world, case, "referrals")


def test_referral_list_query_count_does_not_grow(world):
    case = ready_case(world, categories=["disability"])
    client = as_(world, "counsellor")
    few = count_queries(client, url(case, "referrals"))
    Referral.objects.bulk_create(
        Referral(case=case, category=category, field_group="vulnerability")
        for category in ("elderly", "umc", "single_headed", "female_headed", "other") * 3
    )
    assert count_queries(client, url(case, "referrals")) == few


# ---- R-VOT-3: restricted findings and referrals --------------------------------------------


RESTRICTED = ("trafficking", "gbv", "chronic_illness", "pregnancy")


def test_r_vot_3_restricted_findings_and_referrals_only_for_their_readers(world):
    case = ready_case(world, categories=["elderly", *RESTRICTED])

    def seen(role) -> dict:
        client = as_(world, role)
        [screening] = client.get(url(case, "screenings")).json()
        registration = client.get(url(case, "registration")).content.decode().lower()
        return {
            "findings": {f["category"] for f in screening["findings"]},
            "referrals": {r["category"] for r in client.get(url(case, "referrals")).json()},
            "registration": registration,
        }

    for role in ("counsellor", "movement_officer", "case_manager"):
        view = seen(role)
        assert view["findings"] == view["referrals"] == {"elderly"}, role
        for word in ("trafficking", "protection assessment", "medical", "health"):
            assert word not in view["registration"], (role, word)
        assert "confidential" in view["registration"]
    avm = seen("avm_focal_point")
    assert avm["findings"] == avm["referrals"] == {"elderly", "trafficking", "gbv"}
    assert "protection assessment" in avm["registration"]
    medic = seen("medical_officer")
    assert medic["findings"] == medic["referrals"] == {"elderly", "chronic_illness", "pregnancy"}
    assert "health procedure" in medic["registration"]


def test_r_vot_3_a_screener_does_not_read_back_a_restricted_finding(world):
    case = world.case(phase=Phase.COUNSELLING)
    response = as_(world, "counsellor").post(
        url(case, "screenings"), screening_body(categories=["trafficking", "elderly"])
    )
    assert response.status_code == 201, response.content
    assert [f["category"] for f in response.json()["findings"]] == ["elderly"]
    assert case.flags.filter(category="trafficking").exists()


# ---- health, child protection, protection --------------------------------------------------


def test_r_hlt_1_health_assessment_for_the_medical_officer(world):
    case = ready_case(world, categories=["chronic_illness"])
    area = AdminArea.objects.create(country_id="SN", code="SN-TH", name="Thiès")
    client = as_(world, "medical_officer")
    empty = client.get(url(case, "health")).json()
    assert empty["version"] is None and empty["decision"] == "pending"
    created = client.put(
        url(case, "health"),
        {"version": None, "treatment_at_origin": "unavailable", "needs_wheelchair": True},
        format="json",
    )
    assert created.status_code == 200, created.content
    assert created.json()["version"] == 1
    assert created.json()["assessed_by"]["username"] == "medical_officer_niamey"
    missing_area = client.put(
        url(case, "health"), {"version": 1, "decision": "relocate"}, format="json"
    )
    assert missing_area.status_code == 400
    assert list(missing_area.json()["errors"]) == ["relocation_area"]
    relocated = client.put(
        url(case, "health"),
        {"version": 1, "decision": "relocate", "relocation_area": area.pk},
        format="json",
    )
    assert relocated.status_code == 200, relocated.content
    assert relocated.json()["relocation_area"] == area.pk
    assert client.put(url(case, "health"), {"version": 1}, format="json").status_code == 409
    bad = client.put(url(case, "health"), {"version": 2, "relocation_area": 0}, format="json")
    assert list(bad.json()["errors"]) == ["relocation_area"]
    view = views_of(case, "Health assessment viewed").get()
    assert view.restricted_group == "medical"


def test_r_vot_3_protection_assessment_for_the_avm_focal_point(world):
    case = ready_case(world, categories=["trafficking"])
    chosen = AdminArea.objects.create(country_id="SN", code="SN-TH", name="Thiès")
    client = as_(world, "avm_focal_point")
    assert client.get(url(case, "protection")).json()["outcome"] == "pending"
    refused = client.put(url(case, "protection"), {"version": None, "outcome": "safe"})
    assert refused.status_code == 400
    assert {"interviewed_on", "risk_level"} == set(refused.json()["errors"])
    saved = client.put(
        url(case, "protection"),
        {
            "version": None,
            "interviewed_on": str(TODAY),
            "risk_level": "low",
            "outcome": "safe",
            "community_of_choice": chosen.pk,
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["community_of_choice"] == chosen.pk
    case.refresh_from_db()
    assert case.intended_return_area == chosen
    stale = client.put(url(case, "protection"), {"version": None}, format="json")
    assert stale.status_code == 409
    assert views_of(case, "Protection assessment viewed").get().restricted_group == "trafficking"


@pytest.mark.parametrize(
    ("part", "readers", "others"),
    [
        (
            "health",
            ("medical_officer",),
            ("counsellor", "movement_officer", "case_manager", "avm_focal_point", "auditor"),
        ),
        (
            "protection",
            ("avm_focal_point",),
            ("counsellor", "movement_officer", "case_manager", "medical_officer", "auditor"),
        ),
    ],
)
def test_r_vot_3_restricted_records_are_404_like_a_missing_case(world, part, readers, others):
    case = ready_case(world, categories=["trafficking", "chronic_illness"])
    for role in readers:
        assert as_(world, role).get(url(case, part)).status_code == 200
    for role in others:
        client = as_(world, role)
        for response in (
            client.get(url(case, part)),
            client.put(url(case, part), {"version": None}, format="json"),
        ):
            assert response.status_code == 404, (role, part)
            assert response.json() == MISSING_CASE
    for role in readers:
        assert_other_office_gets_404(world, case, part)
        stranger = as_(world, role, "rabat")
        assert stranger.get(url(case, part)).json() == MISSING_CASE


def test_r_vot_3_the_consented_case_manager_reads_protection_but_does_not_write_it(world):
    case = ready_case(world, categories=["trafficking"])
    manager = world.user("case_manager")
    Case.objects.filter(pk=case.pk).update(
        assigned_to=manager, protection_shared_with_assignee=True
    )
    client = client_for(manager)
    assert client.get(url(case, "protection")).status_code == 200
    response = client.put(url(case, "protection"), {"version": None}, format="json")
    assert response.status_code == 403


def test_r_umc_1_child_protection(world):
    case = ready_case(world, categories=["umc"])
    client = as_(world, "counsellor")
    assert client.get(url(case, "child-protection")).json()["version"] is None
    refused = client.put(
        url(case, "child-protection"),
        {"version": None, "best_interests": "return"},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["best_interests_on"]
    saved = client.put(
        url(case, "child-protection"),
        {
            "version": None,
            "best_interests": "return",
            "best_interests_on": str(TODAY),
            "child_willing": True,
        },
        format="json",
    )
    assert saved.status_code == 200, saved.content
    assert saved.json()["best_interests_label"] == "Return is in the child's best interests"
    body = as_(world, "movement_officer").get(url(case, "child-protection")).json()
    assert body["child_willing"] is True
    assert views_of(case, "Child protection viewed").first().restricted_group == ""
    # The movement officer reads the vulnerability group but may not write it.
    response = as_(world, "movement_officer").put(
        url(case, "child-protection"), {"version": 1}, format="json"
    )
    assert response.status_code == 403
    # A committee member does not read the vulnerability group at all.
    response = as_(world, "committee_member").get(url(case, "child-protection"))
    assert response.status_code == 404
    assert response.json() == MISSING_CASE
    assert_other_office_gets_404(world, case, "child-protection")


# ---- guardians -----------------------------------------------------------------------------


def guardian_body(**extra) -> dict:
    body = {
        "reason": "capacity",
        "name": "Moussa Diallo",
        "relationship": "brother",
        "contact": "+227 90 00 00 00",
    }
    return {**body, **extra}


def confirm_url(guardian_id) -> str:
    return f"{API}/guardians/{guardian_id}/confirm-identity/"


def test_r_vol_3_guardian_recorded_and_identity_confirmed(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    response = client.post(url(case, "guardians"), guardian_body(), format="json")
    assert response.status_code == 201, response.content
    guardian = response.json()
    assert guardian["identity_confirmed"] is False
    assert guardian["contact"] == "+227 90 00 00 00"
    confirmed = client.post(
        confirm_url(guardian["id"]), {"version": guardian["version"]}, format="json"
    )
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["identity_confirmed"] is True
    stale = client.post(confirm_url(guardian["id"]), {"version": guardian["version"]})
    assert stale.status_code == 409
    [listed] = client.get(url(case, "guardians")).json()
    assert listed["identity_confirmed"] is True
    assert views_of(case, "Legal guardians viewed").count() == 1
    # Contacts only for readers of the contact group.
    [seen] = as_(world, "committee_member").get(url(case, "guardians")).json()
    assert seen["name"] == "Moussa Diallo" and "contact" not in seen


def test_guardian_invalid_input_is_400(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    response = client.post(url(case, "guardians"), {"reason": "whim"}, format="json")
    assert response.status_code == 400
    assert {"reason", "name", "relationship"} <= set(response.json()["errors"])
    guardian = procedures.guardian_record(
        actor=world.user("counsellor"), case_id=case.pk, data=guardian_body()
    )
    response = client.post(confirm_url(guardian.pk), {}, format="json")
    assert list(response.json()["errors"]) == ["version"]


def test_guardian_forbidden_and_invisible(world):
    case = ready_case(world)
    guardian = procedures.guardian_record(
        actor=world.user("counsellor"), case_id=case.pk, data=guardian_body()
    )
    mover = as_(world, "movement_officer")
    assert mover.post(url(case, "guardians"), guardian_body(), format="json").status_code == 403
    assert mover.post(confirm_url(guardian.pk), {"version": 1}).status_code == 403
    assert_other_office_gets_404(world, case, "guardians")
    assert_other_office_gets_404(world, case, "guardians", "post", guardian_body())
    stranger = as_(world, "counsellor", "rabat")
    assert stranger.post(confirm_url(guardian.pk), {"version": 1}).status_code == 404
    assert stranger.post(confirm_url("nope"), {"version": 1}).status_code == 404
    assert not Guardian.objects.filter(identity_confirmed=True).exists()


def test_guardian_list_query_count_does_not_grow(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    procedures.guardian_record(
        actor=world.user("counsellor"), case_id=case.pk, data=guardian_body()
    )
    few = count_queries(client, url(case, "guardians"))
    for role in ("counsellor", "case_manager", "reception_officer") * 3:
        procedures.guardian_record(
            actor=world.user(role), case_id=case.pk, data=guardian_body(name=role)
        )
    assert count_queries(client, url(case, "guardians")) == few


# ---- duplicates ----------------------------------------------------------------------------


def candidate_row(person, *, likely=True) -> dict:
    return {
        "person_id": str(person.pk),
        "display_name": person.display_name,
        "date_of_birth": str(person.date_of_birth),
        "score": 0.93,
        "reasons": ["Same date of birth"],
        "likely": likely,
        "prior_cases": [
            {
                "reference": "SN-2026-000001",
                "programme_id": "6f1f3c0e-7f4c-4a59-9a53-4b7c55c1a0e1",
                "phase": "closed",
                "same_programme": True,
                "received_avrr": True,
            }
        ],
    }


def case_with_candidate(world):
    case = ready_case(world)
    earlier = world.case(host=world.rabat, origin=world.conakry).person
    DuplicateCheck.objects.create(
        case=case, checked_by=world.user("counsellor"), candidates=[candidate_row(earlier)]
    )
    return case, earlier


def test_r_dup_1_duplicates_show_the_latest_check_and_decisions(world):
    case, earlier = case_with_candidate(world)
    client = as_(world, "counsellor")
    body = client.get(url(case, "duplicates")).json()
    assert body["can_decide"] is True
    [candidate] = body["check"]["candidates"]
    assert candidate["person_id"] == str(earlier.pk)
    assert candidate["decision"] is None
    assert candidate["prior_cases"][0]["received_avrr"] is True
    assert body["check"]["up_to_date"] is True
    assert views_of(case, "Duplicate check viewed").count() == 1
    assert client.get(url(case, "registration")).json()["can_register"] is False
    response = client.post(
        url(case, "duplicates/decisions"),
        {"candidate": str(earlier.pk), "verdict": "not_same", "justification": "Other mother"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["verdict_label"] == "Not the same person"
    body = client.get(url(case, "duplicates")).json()
    assert body["check"]["candidates"][0]["decision"]["verdict"] == "not_same"
    assert [d["candidate"] for d in body["decisions"]] == [str(earlier.pk)]
    assert client.get(url(case, "registration")).json()["can_register"] is True


def test_r_dup_1_running_the_check_records_a_new_result(world):
    case = ready_case(world)
    client = as_(world, "counsellor")
    assert as_(world, "counsellor").get(url(case, "duplicates")).json()["check"] is not None
    DuplicateCheck.objects.filter(case=case).delete()
    assert client.get(url(case, "duplicates")).json()["check"] is None
    response = client.post(url(case, "duplicates"))
    assert response.status_code == 201, response.content
    assert response.json()["check"]["checked_by"]["username"] == "counsellor_niamey"
    assert response.json()["check"]["candidates"] == []
    assert DuplicateCheck.objects.filter(case=case).count() == 1


def test_r_dup_1_decision_invalid_input_is_400(world):
    case, earlier = case_with_candidate(world)
    client = as_(world, "counsellor")
    response = client.post(
        url(case, "duplicates/decisions"), {"candidate": "x", "verdict": "dunno"}, format="json"
    )
    assert response.status_code == 400
    assert {"candidate", "verdict", "justification"} == set(response.json()["errors"])
    stranger = world.case().person
    response = client.post(
        url(case, "duplicates/decisions"),
        {"candidate": str(stranger.pk), "verdict": "continue", "justification": "Same"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["candidate"]
    assert not DuplicateDecision.objects.exists()


def test_r_dup_1_duplicates_forbidden_and_invisible(world):
    case, earlier = case_with_candidate(world)
    body = {"candidate": str(earlier.pk), "verdict": "not_same", "justification": "x"}
    mover = as_(world, "movement_officer")
    # Candidates are other people's data: roles that do not decide do not see them.
    assert mover.get(url(case, "duplicates")).status_code == 403
    assert mover.post(url(case, "duplicates")).status_code == 403
    assert mover.post(url(case, "duplicates/decisions"), body, format="json").status_code == 403
    assert_other_office_gets_404(world, case, "duplicates")
    assert_other_office_gets_404(world, case, "duplicates", "post")
    assert_other_office_gets_404(world, case, "duplicates/decisions", "post", body)


def test_duplicates_query_count_does_not_grow(world):
    case, earlier = case_with_candidate(world)
    client = as_(world, "counsellor")
    few = count_queries(client, url(case, "duplicates"))
    people = [world.case(host=world.rabat, origin=world.conakry).person for _ in range(6)]
    DuplicateCheck.objects.create(
        case=case,
        checked_by=world.user("case_manager"),
        candidates=[candidate_row(p) for p in (earlier, *people)],
    )
    for person in people:
        DuplicateDecision.objects.create(
            case=case,
            candidate=person,
            verdict="not_same",
            justification="x",
            decided_by=world.user("case_manager"),
        )
    assert count_queries(client, url(case, "duplicates")) == few


# ---- every read: a fixed bound, whatever the records ---------------------------------------


@pytest.mark.parametrize(
    ("role", "part", "most"),
    [
        # session, user, case, memberships, audit line and session save: 7 with no records
        ("counsellor", "registration", 26),
        ("counsellor", "counselling-sessions", 10),
        ("counsellor", "profile", 10),
        ("counsellor", "asylum-referrals", 10),
        ("counsellor", "screenings", 11),
        ("counsellor", "other-vulnerabilities", 9),
        ("counsellor", "referrals", 10),
        ("medical_officer", "health", 10),
        ("counsellor", "child-protection", 10),
        ("avm_focal_point", "protection", 10),
        ("counsellor", "guardians", 10),
        ("counsellor", "duplicates", 11),
    ],
)
def test_reads_take_a_bounded_number_of_queries(
    world, django_assert_max_num_queries, role, part, most
):
    case, _earlier = case_with_candidate(world)
    client = as_(world, role)
    with django_assert_max_num_queries(most):
        assert client.get(url(case, part)).status_code == 200


def test_checklist_of_a_registrable_case_takes_a_bounded_number_of_queries(
    world, django_assert_max_num_queries
):
    """A clear checklist asks the workflow's guards too (every app's requirements), from
    the same facts."""
    case = ready_case(world, categories=["elderly", "disability"])
    client = as_(world, "counsellor")
    with django_assert_max_num_queries(30):
        assert client.get(url(case, "registration")).json()["can_register"] is True
