"""The OpenAPI schema generates cleanly, covers every endpoint, and the docs page renders it."""

import pytest
import yaml
from django.core.management import call_command
from django.urls import resolve
from rest_framework.test import APIClient

from homeward.api.schema import SchemaGenerator

pytestmark = pytest.mark.urls("homeward.api.tests.urls")

OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/offices/", "get"),
    ("/api/v1/programmes/", "get"),
    ("/api/v1/people/", "get"),
    ("/api/v1/people/", "post"),
    ("/api/v1/people/{person_id}/", "get"),
    ("/api/v1/people/{person_id}/", "patch"),
    ("/api/v1/cases/", "get"),
    ("/api/v1/cases/", "post"),
    ("/api/v1/cases/{reference}/", "get"),
    ("/api/v1/cases/{reference}/", "patch"),
    ("/api/v1/cases/{reference}/transitions/", "post"),
    # consent and documents
    ("/api/v1/cases/{reference}/consents/", "get"),
    ("/api/v1/cases/{reference}/consents/", "post"),
    ("/api/v1/consents/{consent_id}/withdraw/", "post"),
    ("/api/v1/cases/{reference}/documents/", "get"),
    ("/api/v1/cases/{reference}/documents/", "post"),
    ("/api/v1/documents/{document_id}/download/", "get"),
    ("/api/v1/cases/{reference}/documents/declaration.pdf", "get"),
    ("/api/v1/cases/{reference}/screenings/{screening_id}/form.pdf", "get"),
    # registration (phase 1)
    ("/api/v1/cases/{reference}/registration/", "get"),
    ("/api/v1/cases/{reference}/counselling-sessions/", "get"),
    ("/api/v1/cases/{reference}/counselling-sessions/", "post"),
    ("/api/v1/cases/{reference}/profile/", "get"),
    ("/api/v1/cases/{reference}/profile/", "put"),
    ("/api/v1/cases/{reference}/asylum-referrals/", "get"),
    ("/api/v1/cases/{reference}/asylum-referrals/", "post"),
    ("/api/v1/asylum-referrals/{referral_id}/decision/", "post"),
    ("/api/v1/cases/{reference}/screenings/", "get"),
    ("/api/v1/cases/{reference}/screenings/", "post"),
    ("/api/v1/cases/{reference}/other-vulnerabilities/", "get"),
    ("/api/v1/cases/{reference}/referrals/", "get"),
    ("/api/v1/referrals/{referral_id}/", "patch"),
    ("/api/v1/cases/{reference}/health/", "get"),
    ("/api/v1/cases/{reference}/health/", "put"),
    ("/api/v1/cases/{reference}/child-protection/", "get"),
    ("/api/v1/cases/{reference}/child-protection/", "put"),
    ("/api/v1/cases/{reference}/protection/", "get"),
    ("/api/v1/cases/{reference}/protection/", "put"),
    ("/api/v1/cases/{reference}/guardians/", "get"),
    ("/api/v1/cases/{reference}/guardians/", "post"),
    ("/api/v1/guardians/{guardian_id}/confirm-identity/", "post"),
    ("/api/v1/cases/{reference}/duplicates/", "get"),
    ("/api/v1/cases/{reference}/duplicates/", "post"),
    ("/api/v1/cases/{reference}/duplicates/decisions/", "post"),
    ("/api/v1/imports/", "get"),
    ("/api/v1/imports/", "post"),
    ("/api/v1/imports/{batch_id}/", "get"),
    ("/api/v1/cases/{reference}/pocket-money/", "get"),
    ("/api/v1/cases/{reference}/pocket-money/", "post"),
    ("/api/v1/pocket-money/ledger/", "get"),
    ("/api/v1/cases/{reference}/reception-plan/", "put"),
    ("/api/v1/cases/{reference}/arrival/", "get"),
    ("/api/v1/cases/{reference}/arrival/", "post"),
    ("/api/v1/cases/{reference}/secondary-movement/", "post"),
    ("/api/v1/cases/{reference}/umc-handover/", "post"),
    ("/api/v1/cases/{reference}/reception-requests/", "post"),
    # travel (phases 2–3)
    ("/api/v1/cases/{reference}/travel-documents/", "post"),
    ("/api/v1/travel-documents/{request_id}/outcome/", "post"),
    ("/api/v1/movements/", "get"),
    ("/api/v1/movements/", "post"),
    ("/api/v1/movements/{movement_id}/", "get"),
    ("/api/v1/movements/{movement_id}/bookings/", "post"),
    ("/api/v1/movements/{movement_id}/abn/", "post"),
    ("/api/v1/movements/{movement_id}/departure/", "post"),
    ("/api/v1/bookings/{booking_id}/escorts/", "post"),
    ("/api/v1/bookings/{booking_id}/ticket/", "post"),
    ("/api/v1/bookings/{booking_id}/informed/", "post"),
    ("/api/v1/abns/", "get"),
    ("/api/v1/abns/{abn_id}/", "get"),
    ("/api/v1/abns/{abn_id}/answer/", "post"),
    ("/api/v1/suspensions/", "post"),
    ("/api/v1/suspensions/", "get"),
    ("/api/v1/suspensions/{suspension_id}/lift/", "post"),
    ("/api/v1/bookings/{booking_id}/rebook/", "post"),
    ("/api/v1/movements/{movement_id}/cancel/", "post"),
    ("/api/v1/bookings/{booking_id}/cancel/", "post"),
    ("/api/v1/bookings/{booking_id}/final-discussion/", "post"),
}


@pytest.mark.parametrize("generator", ["homeward.api.schema.SchemaGenerator", None])
def test_schema_validates_without_warnings(tmp_path, generator):
    out = tmp_path / "schema.yaml"
    options = ["--validate", "--fail-on-warn", "--file", str(out)]
    options += ["--urlconf", "homeward.api.tests.urls"]
    if generator:
        options += ["--generator-class", generator]
    call_command("spectacular", *options)
    schema = yaml.safe_load(out.read_text())
    found = {(path, method) for path, ops in schema["paths"].items() for method in ops}
    assert found == OPERATIONS


def test_error_responses_are_documented_with_the_error_body():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    error = {"$ref": "#/components/schemas/Error"}
    transition = schema["paths"]["/api/v1/cases/{reference}/transitions/"]["post"]["responses"]
    assert set(transition) == {"200", "400", "401", "403", "404", "409"}
    assert transition["409"]["content"]["application/json"]["schema"] == error
    patch = schema["paths"]["/api/v1/cases/{reference}/"]["patch"]["responses"]
    assert {"400", "403", "404", "409"} <= set(patch)
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert set(token) == {"200", "400", "429"}


def test_schema_and_docs_pages_are_served(db):
    client = APIClient()
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    assert "/api/v1/cases/{reference}/transitions/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/v1/cases/{reference}/transitions/" in html
    assert "Run a workflow action on a case" in html
    assert 'id="schema-CaseDetail"' in html


@pytest.mark.urls("config.urls")
def test_the_project_mounts_the_api_under_api():
    assert resolve("/api/v1/cases/SN-2026-000001/").url_name == "case-detail"
    assert resolve("/api/schema/").url_name == "schema"
