"""R-VOT-3, R-DAT-2: trafficking-protection and medical detail reaches only its readers —
across pages, the API, search, documents (PDF) and the audit log, for every other role."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from homeward.accounts.roles import FieldGroup, Role, readable_groups
from homeward.cases.models import Phase
from homeward.core.errors import PermissionDenied
from homeward.documents.services import screening_form_pdf
from homeward.documents.tests.pdftext import pdf_text
from homeward.registration import procedures
from homeward.registration.models import Screening

from .helpers import TODAY, ready_case

pytestmark = pytest.mark.django_db

PROTECTION_SECRET = "Trafficker known in Thiès market"
MEDICAL_SECRET = "Insulin-dependent since 2019"
RESTRICTED_WORDS = ("Victim of trafficking", "Chronic illness", "trafficking", "Chronic")
CAN_SEE_PROTECTION = {Role.AVM_FOCAL_POINT}
CAN_SEE_MEDICAL = {Role.MEDICAL_OFFICER}
VIEWERS = [r for r in Role.values if r != Role.PARTNER]


@pytest.fixture
def sensitive_case(world):
    case = ready_case(world, categories=["trafficking", "chronic_illness", "elderly"])
    procedures.protection_assessment_save(
        actor=world.user("avm_focal_point"),
        case_id=case.pk,
        version=None,
        data={"interviewed_on": TODAY, "protection_notes": PROTECTION_SECRET},
    )
    procedures.health_assessment_save(
        actor=world.user("medical_officer"),
        case_id=case.pk,
        version=None,
        data={"treatment_notes": MEDICAL_SECRET, "treatment_at_origin": "available"},
    )
    return case


def forbidden_words(role: str) -> list[str]:
    words = []
    if role not in CAN_SEE_PROTECTION:
        words += ["Victim of trafficking", PROTECTION_SECRET]
    if role not in CAN_SEE_MEDICAL:
        words += ["Chronic illness", MEDICAL_SECRET]
    return words


def pages_of(client, case) -> str:
    urls = [
        reverse("web:case_detail", args=[case.reference]),
        reverse("web:registration", args=[case.reference]),
        reverse("web:case_list") + "?q=" + case.reference,
    ]
    bodies = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        bodies.append(response.content.decode())
    return "\n".join(bodies)


def api_of(client, case) -> str:
    base = f"/api/v1/cases/{case.reference}/"
    paths = ["", "registration/", "screenings/", "referrals/", "health/", "protection/"]
    bodies = [client.get(base + path).content.decode() for path in paths]
    bodies.append(client.get("/api/v1/cases/", {"q": case.reference}).content.decode())
    return "\n".join(bodies)


@pytest.mark.parametrize("role", VIEWERS)
def test_r_vot_3_restricted_detail_only_for_its_readers_in_pages_and_api(
    world, sensitive_case, role
):
    user = world.user(role, "niamey")
    web = pages_of(_signed_in_client(user), sensitive_case)
    api = APIClient()
    api.force_authenticate(user)
    data = api_of(api, sensitive_case)
    for word in forbidden_words(role):
        assert word not in web, (role, word)
        assert word not in data, (role, word)
    if FieldGroup.VULNERABILITY in readable_groups([role]):
        assert "Elderly" in web  # the plain vulnerability stays visible to its readers


@pytest.mark.parametrize("role", VIEWERS)
def test_r_vot_3_search_by_restricted_flag_is_ignored_for_other_roles(world, sensitive_case, role):
    other = world.case(phase=Phase.COUNSELLING)
    user = world.user(role, "niamey")
    response = _signed_in_client(user).get(reverse("web:case_list"), {"flag": "trafficking"})
    page = response.content.decode()
    if role in CAN_SEE_PROTECTION:
        assert sensitive_case.reference in page and other.reference not in page
    else:  # the filter is not offered and not applied: nothing is revealed by filtering
        assert other.reference in page


@pytest.mark.parametrize("role", VIEWERS)
def test_r_vot_3_screening_form_pdf_prints_only_readable_findings(world, sensitive_case, role):
    screening = Screening.objects.filter(case=sensitive_case).first()
    try:
        pdf = screening_form_pdf(
            actor=world.user(role, "niamey"),
            case_id=sensitive_case.pk,
            screening_id=screening.pk,
            language="en",
        )
    except PermissionDenied:
        assert role not in (Role.COUNSELLOR, Role.AVM_FOCAL_POINT, Role.MEDICAL_OFFICER)
        return
    text = pdf_text(pdf)
    assert sensitive_case.reference in text
    for word in forbidden_words(role):
        assert word not in text, (role, word)


def test_r_vot_3_audit_log_redacts_restricted_lines_for_the_auditor(client, world, sensitive_case):
    client.force_login(world.user("auditor", "niamey"))
    page = client.get(reverse("web:audit_log")).content.decode()
    assert PROTECTION_SECRET not in page and MEDICAL_SECRET not in page
    assert "trafficking" not in page.lower().replace("restricted", "")


def _signed_in_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client
