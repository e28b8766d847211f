"""Registration pages: the checklist, the record forms, privacy of restricted procedures."""

import pytest
from django.urls import reverse

from homeward.audit.models import AuditAction, AuditEvent
from homeward.cases.models import Phase
from homeward.registration.models import CounsellingSession, HealthAssessment, Screening
from homeward.registration.tests.helpers import TODAY, ready_case, speaks

pytestmark = pytest.mark.django_db


def url(name, case, *args):
    return reverse(f"web:{name}", args=[case.reference, *args])


def signed_in(client, world, role="counsellor", office="niamey"):
    client.force_login(world.user(role, office))
    return client


def test_checklist_lists_what_blocks_registration(client, world):
    case = world.case(phase=Phase.COUNSELLING)
    response = signed_in(client, world).get(url("registration", case))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No return counselling session is recorded." in page
    assert "No profile and vulnerability screening before departure." in page
    assert 'data-item="declaration"' in page
    assert "disabled" in page  # the register button
    assert AuditEvent.objects.filter(
        case_reference=case.reference, action=AuditAction.VIEW
    ).exists()


def test_a_ready_case_can_be_registered_from_the_checklist(client, world):
    case = ready_case(world)
    client = signed_in(client, world)
    page = client.get(url("registration", case)).content.decode()
    assert url("case_transition", case, "register") in page
    response = client.post(url("case_transition", case, "register"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.phase == Phase.REGISTERED


def test_session_form_shows_the_language_rule_inline_and_keeps_input(client, world):
    case = world.case(phase=Phase.COUNSELLING)
    speaks(case.person, "ff")
    data = {
        "kind": "return",
        "held_on": TODAY.isoformat(),
        "place": "Niamey",
        "mode": "in_person",
        "language": "en",
        "notes": "First meeting",
    }
    response = signed_in(client, world).post(url("session_new", case), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "does not understand this language" in page
    assert "First meeting" in page
    assert not CounsellingSession.objects.exists()
    response = client.post(url("session_new", case), {**data, "language": "ff"})
    assert response.status_code == 302
    assert CounsellingSession.objects.filter(case=case, language="ff").exists()


def test_screening_form_offers_restricted_categories_to_raise_only(client, world):
    case = world.case(phase=Phase.COUNSELLING)
    client = signed_in(client, world)
    page = client.get(url("screening_new", case)).content.decode()
    assert "Victim of trafficking — confidential: only specialists will see it" in page
    response = client.post(
        url("screening_new", case),
        {
            "stage": "pre_departure",
            "screened_on": TODAY.isoformat(),
            "capacity": "able",
            "categories": ["trafficking", "elderly"],
        },
    )
    assert response.status_code == 302
    assert Screening.objects.filter(case=case).count() == 1
    page = client.get(url("registration", case)).content.decode()
    assert "Elderly" in page
    assert "Victim of trafficking" not in page
    assert "confidential special procedure" in page


def test_restricted_procedure_pages_are_not_found_for_other_roles(client, world):
    case = ready_case(world, categories=["trafficking", "chronic_illness"])
    client = signed_in(client, world)
    assert client.get(url("protection_edit", case)).status_code == 404
    assert client.get(url("health_edit", case)).status_code == 404
    medic = signed_in(client, world, "medical_officer")
    assert medic.get(url("health_edit", case)).status_code == 200
    assert medic.get(url("protection_edit", case)).status_code == 404
    avm = signed_in(client, world, "avm_focal_point")
    page = avm.get(url("registration", case)).content.decode()
    assert "The screening interview is not recorded." in page
    assert avm.get(url("protection_edit", case)).status_code == 200


def test_health_form_saves_and_reports_a_conflict(client, world):
    case = ready_case(world, categories=["chronic_illness"])
    client = signed_in(client, world, "medical_officer")
    data = {"treatment_at_origin": "available", "decision": "pending", "version": ""}
    assert client.post(url("health_edit", case), data).status_code == 302
    record = HealthAssessment.objects.get(case=case)
    stale = {**data, "decision": "return", "version": record.version}
    assert client.post(url("health_edit", case), stale).status_code == 302
    response = client.post(url("health_edit", case), {**stale, "decision": "relocate"})
    assert response.status_code == 409
    assert "Someone else saved this record" in response.content.decode()


def test_other_office_cannot_open_the_checklist(client, world):
    case = world.case(phase=Phase.COUNSELLING)
    assert (
        signed_in(client, world, office="rabat").get(url("registration", case)).status_code == 404
    )


def test_checklist_query_count_is_bounded(client, world, django_assert_max_num_queries):
    case = ready_case(world, categories=["umc", "chronic_illness"])
    client = signed_in(client, world)
    with django_assert_max_num_queries(40):
        assert client.get(url("registration", case)).status_code == 200


def test_pages_are_translated(client, world):
    case = world.case(phase=Phase.COUNSELLING)
    user = world.user("counsellor")
    user.language = "fr"
    user.save()
    client.force_login(user)
    from html import unescape

    page = unescape(
        client.get(url("registration", case), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    assert "<h1>Liste de contrôle de l'enregistrement" in page
    assert "Aucune séance de conseil au retour n'est enregistrée." in page
    assert "Registration checklist" not in page
    assert "No return counselling session is recorded." not in page


def test_r_dup_1_opening_a_case_runs_the_duplicate_check_and_announces_matches(client, world):
    from homeward.registration.models import DuplicateCheck
    from homeward.testing.factories import make_person

    earlier = world.case(host=world.rabat, origin=world.dakar, phase=Phase.ARRIVED).person
    person = make_person(world.niamey, "Aissatou", earlier.names.first().family_name)
    client = signed_in(client, world)
    response = client.post(
        reverse("web:case_open", args=[person.pk]),
        {
            "programme": world.programme.pk,
            "scheme": "avrr",
            "host_office": world.niamey.pk,
            "origin_office": world.dakar.pk,
        },
        follow=True,
    )
    assert "may be this migrant" in response.content.decode()
    check = DuplicateCheck.objects.get(case__person=person)
    assert str(earlier.pk) in {c["person_id"] for c in check.candidates if c["likely"]}
