import datetime
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from homeward.accounts.roles import Role
from homeward.arrivals.models import PocketMoneyPayment
from homeward.arrivals.services import pocket_money_record
from homeward.cases.models import Phase

from .conftest import paid, receipt_upload

pytestmark = pytest.mark.django_db


def test_arrivals_page_lists_expected_and_arrived_cases_in_bounded_queries(
    client, world, senegal_rate, django_assert_max_num_queries
):
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    expected = [world.case(phase=Phase.DEPARTED) for _ in range(3)]
    arrived = [world.case(phase=Phase.ARRIVED) for _ in range(4)]
    pocket_money_record(actor=actor, case_id=arrived[0].pk, data=paid())
    from homeward.cases.models import VulnerabilityFlag

    VulnerabilityFlag.objects.create(case=expected[0], category="elderly")
    other = world.case(origin=world.conakry, phase=Phase.DEPARTED)
    client.force_login(actor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:arrival_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert all(c.reference in text for c in expected)
    assert other.reference not in text
    assert text.count("Reception required: not planned") == 1  # R-ARR-1
    with django_assert_max_num_queries(12):
        response = client.get(reverse("web:arrival_list") + "?show=arrived")
    text = response.content.decode()
    assert all(c.reference in text for c in arrived) and "Paid on" in text


def test_arrivals_page_refused_outside_origin_reception(client, world):
    client.force_login(world.user(Role.COUNSELLOR, "niamey"))
    assert client.get(reverse("web:arrival_list")).status_code == 403


def test_r_arr_4_pocket_money_page_records_a_payment_with_a_scan(client, world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_pocket_money", args=[case.reference])
    page = client.get(url)
    assert page.status_code == 200 and "32798" in page.content.decode()
    refused = client.post(url, {**paid(receipt_signed_in_presence=""), "exchange_rate": "0"})
    assert refused.status_code == 400
    assert not PocketMoneyPayment.objects.exists()
    response = client.post(
        url, {**paid(receipt_signed_in_presence=""), "receipt": receipt_upload()}
    )
    assert response.status_code == 302
    payment = PocketMoneyPayment.objects.get(case=case)
    assert payment.has_receipt_scan
    scan = client.get(reverse("web:case_pocket_money_receipt_scan", args=[case.reference]))
    assert scan.status_code == 200 and scan.content.startswith(b"%PDF-")
    pdf = client.get(reverse("web:case_pocket_money_receipt_pdf", args=[case.reference]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_r_arr_4_amounts_hidden_from_roles_without_financial_data(client, world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    pocket_money_record(
        actor=world.user(Role.RECEPTION_OFFICER, "dakar"), case_id=case.pk, data=paid()
    )
    client.force_login(world.user(Role.MOVEMENT_OFFICER, "dakar"))
    assert client.get(reverse("web:case_pocket_money", args=[case.reference])).status_code == 404
    assert client.get(reverse("web:arrival_ledger")).status_code == 403


def test_r_arr_4_ledger_page_and_export_in_bounded_queries(
    client, world, senegal_rate, django_assert_max_num_queries
):
    actor = world.user(Role.FINANCE_OFFICER, "dakar")
    for _ in range(5):
        case = world.case(phase=Phase.ARRIVED)
        pocket_money_record(actor=actor, case_id=case.pk, data=paid())
    client.force_login(actor)
    with django_assert_max_num_queries(16):  # the same for 1 or 50 lines
        response = client.get(reverse("web:arrival_ledger"))
    assert response.status_code == 200
    text = response.content.decode()
    assert case.reference in text and "163990" in text.replace(",", "").replace("\u202f", "")
    export = client.get(reverse("web:arrival_ledger_xlsx") + f"?office={world.dakar.pk}")
    assert export.status_code == 200
    assert export["Content-Disposition"].endswith('pocket_money_DKR.xlsx"')


def test_r_arr_1_arrival_page_plans_then_records_the_arrival(client, world):
    from homeward.arrivals.models import ArrivalRecord, ReceptionPlan
    from homeward.cases.models import VulnerabilityFlag

    case = world.case(phase=Phase.DEPARTED)
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_arrival", args=[case.reference])
    page = client.get(url)
    assert page.status_code == 200 and "must be planned" in page.content.decode()
    arrival = {
        "step": "arrival",
        "arrival-place_kind": "airport",
        "arrival-place": "DSS",
        "arrival-onward_transport": "provided",
        "arrival-accommodation": "provided",
    }
    refused = client.post(url, arrival)
    assert refused.status_code == 400 and "R-ARR-1" in refused.content.decode()
    planned = client.post(
        url,
        {
            "step": "plan",
            "plan-place_kind": "airport",
            "plan-place": "DSS",
            "plan-expected_at": "2026-11-24T10:00",
        },
    )
    assert planned.status_code == 302
    assert ReceptionPlan.objects.get(case=case).reasons == ["vulnerable"]
    assert client.post(url, arrival).status_code == 302
    assert ArrivalRecord.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.phase == Phase.ARRIVED


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return re.findall(r'<option value="([^"]*)"', select.group(0))


def test_r_arr_5_arrival_form_does_not_offer_not_provided_for_a_vulnerable_returnee(client, world):
    from homeward.cases.models import VulnerabilityFlag

    vulnerable = world.case(phase=Phase.DEPARTED)
    VulnerabilityFlag.objects.create(case=vulnerable, category="disability")
    other = world.case(phase=Phase.DEPARTED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    note = "This returnee is vulnerable"

    html = client.get(reverse("web:case_arrival", args=[vulnerable.reference])).content.decode()
    for name in ("arrival-onward_transport", "arrival-accommodation"):
        assert _options(html, name) == ["provided", "declined", "not_needed"]
    assert note in html

    html = client.get(reverse("web:case_arrival", args=[other.reference])).content.decode()
    for name in ("arrival-onward_transport", "arrival-accommodation"):
        assert "not_provided" in _options(html, name)
    assert note not in html


def test_r_arr_2_arrival_page_records_a_secondary_movement(client, world):
    from homeward.arrivals.models import SecondaryMovement

    world.dakar.is_transit = True
    world.dakar.save()
    case = world.case(phase=Phase.ARRIVED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_arrival", args=[case.reference])
    refused = client.post(
        url, {"step": "secondary", "secondary-actual_country": "SN", "secondary-findings": "x"}
    )
    assert refused.status_code == 400
    response = client.post(
        url,
        {
            "step": "secondary",
            "secondary-actual_country": "GN",
            "secondary-findings": "Guinean passport",
        },
    )
    assert response.status_code == 302
    movement = SecondaryMovement.objects.get(case=case)
    page = client.get(url).content.decode()
    assert movement.new_case.reference in page


def test_r_arr_6_arrival_page_records_the_handover_and_prints_the_notification(client, world):
    from homeward.arrivals.models import UmcHandover
    from homeward.arrivals.tests.test_handover import arrived_child

    case, guardian = arrived_child(world)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_arrival", args=[case.reference])
    assert "Handover to the legal guardian" in client.get(url).content.decode()
    handover = {
        "step": "handover",
        "handover-guardian": guardian.pk,
        "handover-identity_checked_with": "ID card",
    }
    refused = client.post(url, handover)
    assert refused.status_code == 400  # not signed
    response = client.post(url, {**handover, "handover-signed_in_presence": "on"})
    assert response.status_code == 302 and UmcHandover.objects.filter(case=case).exists()
    pdf = client.get(reverse("web:case_umc_handover_pdf", args=[case.reference]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_r_arr_6_arrival_page_says_why_no_handover_form_without_a_confirmed_guardian(client, world):
    from homeward.arrivals.tests.test_handover import arrived_child

    case, guardian = arrived_child(world, confirmed=False)
    url = reverse("web:case_arrival", args=[case.reference])
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    page = client.get(url).content.decode()
    assert "No legal guardian of this child has a confirmed identity yet" in page
    assert 'name="handover-guardian"' not in page
    guardian.identity_confirmed = True
    guardian.save()
    page = client.get(url).content.decode()
    assert "No legal guardian of this child" not in page and 'name="handover-guardian"' in page


def test_r_arr_1_host_office_requests_reception_from_the_arrival_page(client, world):
    from homeward.arrivals.models import ReceptionRequest

    case = world.case(phase=Phase.TRAVEL_BOOKED)
    url = reverse("web:case_arrival", args=[case.reference])
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    assert client.post(url, {"step": "request"}).status_code == 403
    client.force_login(world.user(Role.MOVEMENT_OFFICER, "niamey"))
    assert "Request reception" in client.get(url).content.decode()
    response = client.post(url, {"step": "request", "request-note": "Travels with a wheelchair"})
    assert response.status_code == 302
    assert ReceptionRequest.objects.get(case=case).note == "Travels with a wheelchair"


def test_r_arr_2_host_office_sees_the_secondary_movement_notice(client, world):
    from homeward.arrivals.secondary import secondary_movement_record

    world.dakar.is_transit = True
    world.dakar.save()
    case = world.case(phase=Phase.ARRIVED)
    secondary_movement_record(
        actor=world.user(Role.RECEPTION_OFFICER, "dakar"),
        case_id=case.pk,
        actual_country="GN",
        findings="passport",
    )
    client.force_login(world.user(Role.MOVEMENT_OFFICER, "niamey"))
    page = client.get(reverse("web:arrival_notices")).content.decode()
    assert case.reference in page and "Secondary movement" in page
    client.force_login(world.user(Role.MOVEMENT_OFFICER, "rabat"))
    assert case.reference not in client.get(reverse("web:arrival_notices")).content.decode()


class _Ids(HTMLParser):
    """The id attributes of a page, the `for` of its labels and, per form, its fields' ids."""

    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.label_targets: list[str] = []
        self.forms: list[set[str]] = []
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(set())
            self._in_form = True
        if attrs.get("id"):
            self.ids.append(attrs["id"])
            if self._in_form and tag in ("input", "select", "textarea"):
                self.forms[-1].add(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.label_targets.append(attrs["for"])

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def _page_ids(response) -> _Ids:
    parser = _Ids()
    parser.feed(response.content.decode())
    return parser


def _assert_unique_ids(response) -> _Ids:
    parsed = _page_ids(response)
    repeated = sorted({i for i in parsed.ids if parsed.ids.count(i) > 1})
    assert repeated == []
    assert set(parsed.label_targets) <= set(parsed.ids)
    return parsed


def test_arrival_page_forms_have_unique_field_ids(client, world):
    """The plan, arrival and secondary-movement forms (and the handover form of a child)
    share the page: each has its own prefix, on the first view and after refused posts."""
    from homeward.arrivals.tests.test_handover import arrived_child

    case = world.case(phase=Phase.DEPARTED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_arrival", args=[case.reference])
    parsed = _assert_unique_ids(client.get(url))
    plan, arrival, secondary = [f for f in parsed.forms if f]
    assert all(i.startswith("id_plan-") for i in plan)
    assert all(i.startswith("id_arrival-") for i in arrival)
    assert {"id_plan-place", "id_arrival-place", "id_secondary-findings"} <= set(parsed.ids)
    for step in ("plan", "arrival", "secondary"):
        refused = client.post(url, {"step": step, f"{step}-place": "DSS"})
        assert refused.status_code == 400
        _assert_unique_ids(refused)
    child, _guardian = arrived_child(world)
    url = reverse("web:case_arrival", args=[child.reference])
    parsed = _assert_unique_ids(client.get(url))
    assert {"id_handover-place", "id_handover-notes", "id_secondary-needs"} <= set(parsed.ids)
    refused = client.post(url, {"step": "handover", "handover-place": "DSS"})
    assert refused.status_code == 400 and "field--error" in refused.content.decode()
    _assert_unique_ids(refused)


def test_arrival_page_request_form_has_unique_field_ids(client, world):
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    client.force_login(world.user(Role.MOVEMENT_OFFICER, "niamey"))
    response = client.get(reverse("web:case_arrival", args=[case.reference]))
    assert "id_request-note" in _assert_unique_ids(response).ids


def test_r_arr_4_no_pocket_money_form_before_departure(client, world, senegal_rate):
    """Before departure the page says when pocket money can be recorded instead of offering
    a form the service would refuse; once departed, the form is there."""
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_pocket_money", args=[case.reference])
    page = client.get(url).content.decode()
    assert "this returnee has not departed yet" in page
    assert 'name="amount_local"' not in page
    refused = client.post(url, paid())
    assert refused.status_code == 400 and not PocketMoneyPayment.objects.exists()
    case.phase = Phase.DEPARTED
    case.save(update_fields=["phase"])
    page = client.get(url).content.decode()
    assert 'name="amount_local"' in page and "not departed yet" not in page


def test_r_arr_4_exchange_rate_starts_from_the_offices_last_payment(client, world, senegal_rate):
    """The form offers the rate of the office's last payment in the currency, and says from
    when; with no earlier payment the field stays empty."""
    reader = world.user(Role.RECEPTION_OFFICER, "dakar")
    client.force_login(reader)
    first, second = (world.case(phase=Phase.ARRIVED) for _ in range(2))
    url = reverse("web:case_pocket_money", args=[first.reference])
    page = client.get(url).content.decode()
    assert 'name="exchange_rate"' in page and "last payment in XOF" not in page
    assert 'name="exchange_rate" value=' not in page
    day = datetime.date.today() - datetime.timedelta(days=3)
    pocket_money_record(
        actor=reader,
        case_id=first.pk,
        data=paid(exchange_rate="655.957", paid_on=day.isoformat()),
    )
    page = client.get(reverse("web:case_pocket_money", args=[second.reference])).content.decode()
    assert 'name="exchange_rate" value="655.957"' in page
    assert "The rate of this office&#x27;s last payment in XOF, on " in page
    assert date_format(day, "DATE_FORMAT") in page


def test_pocket_money_page_has_unique_field_ids(client, world, senegal_rate):
    case = world.case(phase=Phase.ARRIVED)
    client.force_login(world.user(Role.RECEPTION_OFFICER, "dakar"))
    url = reverse("web:case_pocket_money", args=[case.reference])
    _assert_unique_ids(client.get(url))
    _assert_unique_ids(client.post(url, {**paid(), "amount_local": "-5"}))


def test_notices_page_in_the_offices_time_and_bounded_queries(client, world):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from homeward.arrivals.models import OfficeNotice

    world.dakar.time_zone = "Africa/Lagos"  # UTC+1, named WAT
    world.dakar.save()
    actor = world.user(Role.RECEPTION_OFFICER, "dakar")
    client.force_login(actor)

    def notice(message: str) -> OfficeNotice:
        return OfficeNotice.objects.create(
            office=world.dakar,
            case=world.case(phase=Phase.ARRIVED),
            kind=OfficeNotice.Kind.SECONDARY_MOVEMENT,
            message=message,
        )

    def statements() -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("web:arrival_notices"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    first = notice("Not from Senegal")
    OfficeNotice.objects.filter(pk=first.pk).update(
        created_at=datetime.datetime(2026, 3, 10, 23, 30, tzinfo=datetime.UTC)
    )
    one, text = statements()
    assert "03/11/2026 12:30 a.m. WAT" in text  # the notice's day at the office
    for index in range(4):
        notice(f"Notice {index}")
    five, text = statements()
    assert five == one and text.count('class="case-ref"') == 5


def test_arrival_page_links_only_to_pages_the_reader_may_open(client, world):
    case = world.case(phase=Phase.TRAVEL_BOOKED)
    url = reverse("web:case_arrival", args=[case.reference])
    pocket_money = reverse("web:case_pocket_money", args=[case.reference])
    arrivals = reverse("web:arrival_list")
    client.force_login(world.user(Role.MOVEMENT_OFFICER, "niamey"))
    page = client.get(url).content.decode()
    assert f'href="{pocket_money}"' not in page and f'href="{arrivals}"' not in page
    assert client.get(pocket_money).status_code == 404  # what the link would have led to
    client.force_login(world.user(Role.FINANCE_OFFICER, "dakar"))
    page = client.get(url).content.decode()
    assert f'href="{pocket_money}"' in page and f'href="{arrivals}"' in page
