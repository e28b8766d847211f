import pytest
from rest_framework.test import APIClient

from homeward.accounts.roles import Role
from homeward.arrivals.models import PocketMoneyPayment
from homeward.cases.models import Phase

from .conftest import paid, receipt_upload

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def url(case) -> str:
    return f"/api/v1/cases/{case.reference}/pocket-money/"


def test_r_arr_4_api_records_and_reads_pocket_money(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    api = client_for(world.user(Role.RECEPTION_OFFICER, "dakar"))
    assert api.get(url(case)).status_code == 404
    response = api.post(url(case), paid(), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["amount_eur"] == "50.00"
    again = api.post(url(case), paid(), format="json")
    assert again.status_code == 400
    assert api.get(url(case)).json()["currency"] == "XOF"


def test_r_arr_4_api_400_on_amount_without_reason_and_multipart_scan(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    api = client_for(world.user(Role.FINANCE_OFFICER, "dakar"))
    response = api.post(url(case), paid(amount_local="1000", amount_eur=""), format="json")
    assert response.status_code == 400
    assert "deviation_reason" in response.json()["errors"]
    data = {k: v for k, v in paid().items() if k != "receipt_signed_in_presence"}
    response = api.post(url(case), {**data, "receipt": receipt_upload()}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["receipt_scan"] is True


def test_r_arr_4_api_404_for_other_offices_and_403_for_other_roles(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    outsider = client_for(world.user(Role.RECEPTION_OFFICER, "conakry"))
    assert outsider.post(url(case), paid(), format="json").status_code == 404
    assert outsider.get("/api/v1/cases/SN-2026-999999/pocket-money/").status_code == 404
    counsellor = client_for(world.user(Role.COUNSELLOR, "dakar"))
    assert counsellor.post(url(case), paid(), format="json").status_code == 403
    assert not PocketMoneyPayment.objects.exists()


def test_r_arr_4_api_ledger(world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    finance = client_for(world.user(Role.FINANCE_OFFICER, "dakar"))
    finance.post(url(case), paid(), format="json")
    response = finance.get(f"/api/v1/pocket-money/ledger/?office={world.dakar.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["totals"][0]["currency"] == "XOF" and body["totals"][0]["count"] == 1
    assert body["payments"][0]["case"] == case.reference
    other = client_for(world.user(Role.FINANCE_OFFICER, "conakry"))
    assert other.get(f"/api/v1/pocket-money/ledger/?office={world.dakar.pk}").status_code == 404
    assert finance.get("/api/v1/pocket-money/ledger/?office=nope").status_code == 404


def test_r_arr_1_api_plans_reception_and_records_arrival(world):
    from homeward.cases.models import VulnerabilityFlag

    case = world.case(phase=Phase.DEPARTED)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    api = client_for(world.user(Role.RECEPTION_OFFICER, "dakar"))
    base = f"/api/v1/cases/{case.reference}"
    arrival = {
        "place_kind": "airport",
        "place": "DSS",
        "onward_transport": "provided",
        "accommodation": "provided",
    }
    blocked = api.post(f"{base}/arrival/", arrival, format="json")
    assert blocked.status_code == 409 and "R-ARR-1" in blocked.json()["reasons"][0]
    assert api.get(f"{base}/arrival/").status_code == 404
    bad = api.put(f"{base}/reception-plan/", {"place_kind": "boat"}, format="json")
    assert bad.status_code == 400
    plan = api.put(
        f"{base}/reception-plan/",
        {"place_kind": "airport", "place": "DSS", "expected_at": "2026-11-24T10:00:00Z"},
        format="json",
    )
    assert plan.status_code == 200 and plan.json()["reasons"] == ["vulnerable"]
    assert api.post(f"{base}/arrival/", arrival, format="json").status_code == 201
    assert api.get(f"{base}/arrival/").json()["place"] == "DSS"
    outsider = client_for(world.user(Role.RECEPTION_OFFICER, "conakry"))
    assert outsider.get(f"{base}/arrival/").status_code == 404


def test_r_arr_2_api_secondary_movement_400_404_and_201(world):
    world.dakar.is_transit = True
    world.dakar.save()
    case = world.case(phase=Phase.ARRIVED)
    api = client_for(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = f"/api/v1/cases/{case.reference}/secondary-movement/"
    assert (
        api.post(url, {"actual_country": "SN", "findings": "x"}, format="json").status_code == 400
    )
    outsider = client_for(world.user(Role.RECEPTION_OFFICER, "conakry"))
    assert (
        outsider.post(url, {"actual_country": "GN", "findings": "x"}, format="json").status_code
        == 404
    )
    response = api.post(url, {"actual_country": "GN", "findings": "passport"}, format="json")
    assert response.status_code == 201
    assert response.json()["actual_origin_office"] == "CKY"


def test_r_arr_6_api_umc_handover_400_404_and_201(world):
    from homeward.arrivals.tests.test_handover import arrived_child

    case, guardian = arrived_child(world)
    api = client_for(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = f"/api/v1/cases/{case.reference}/umc-handover/"
    unsigned = api.post(url, {"identity_checked_with": "ID card"}, format="json")
    assert unsigned.status_code == 400 and "signed_in_presence" in unsigned.json()["errors"]
    outsider = client_for(world.user(Role.RECEPTION_OFFICER, "conakry"))
    body = {"identity_checked_with": "ID card", "signed_in_presence": True}
    assert outsider.post(url, body, format="json").status_code == 404
    response = api.post(url, body, format="json")
    assert response.status_code == 201 and response.json()["guardian"] == str(guardian.pk)


def test_r_arr_1_api_reception_request_by_the_host_office_only(world):
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    url = f"/api/v1/cases/{case.reference}/reception-requests/"
    origin = client_for(world.user(Role.RECEPTION_OFFICER, "dakar"))
    assert origin.post(url, {}, format="json").status_code == 403
    host = client_for(world.user(Role.MOVEMENT_OFFICER, "niamey"))
    assert host.post(url, {"note": "wheelchair"}, format="json").status_code == 201
    other = client_for(world.user(Role.MOVEMENT_OFFICER, "rabat"))
    assert other.post(url, {}, format="json").status_code == 404


def test_r_arr_4_ledger_api_is_flat_in_statements(world, senegal_rate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    finance = client_for(world.user(Role.FINANCE_OFFICER, "dakar"))
    ledger = f"/api/v1/pocket-money/ledger/?office={world.dakar.pk}"

    def statements(path: str) -> tuple[int, dict]:
        finance.get(path)  # memberships read once and kept with the user
        with CaptureQueriesContext(connection) as queries:
            response = finance.get(path)
        assert response.status_code == 200
        return len(queries), response.json()

    finance.post(url(world.case(phase=Phase.ARRIVED)), paid(), format="json")
    one, _body = statements(ledger)
    for _ in range(4):
        finance.post(url(world.case(phase=Phase.ARRIVED)), paid(), format="json")
    five, body = statements(ledger)
    assert len(body["payments"]) == 5 and five == one
