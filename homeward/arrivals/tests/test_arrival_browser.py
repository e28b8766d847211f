"""Browser journey of phase 4 at the origin office: a reception officer records an arrival
(R-ARR-1, R-ARR-5), pays pocket money with the signed receipt's scan after a refused amount
(R-ARR-4), and records a secondary movement (R-ARR-2)."""

import datetime
import os
from decimal import Decimal

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from homeward.web.tests import test_browser as journeys  # noqa: E402

# The browser fixtures of the web journeys.
browser = journeys.browser
countries = journeys.countries
page = journeys.page
sign_in = journeys.sign_in
expect = journeys.sync_api.expect

from .conftest import MINIMAL_PDF  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def set_up(world):
    from homeward.arrivals.models import PocketMoneyRate
    from homeward.cases.models import Phase

    # Dakar also works as a transit office: it hosts the onward movement (R-ARR-2).
    world.dakar.is_transit = True
    world.dakar.save()
    PocketMoneyRate.objects.create(
        programme=world.programme,
        country_id="SN",
        amount_eur=Decimal("50.00"),
        amount_local=Decimal("32798.00"),
        currency="XOF",
        valid_from=datetime.date(2024, 1, 1),
    )
    return world.case(phase=Phase.DEPARTED), world.case(phase=Phase.ARRIVED)


def test_reception_officer_records_arrival_pocket_money_and_secondary_movement(
    page, live_server, world, tmp_path
):
    from homeward.arrivals.models import PocketMoneyPayment, SecondaryMovement
    from homeward.cases.models import Phase

    returnee, stranger = set_up(world)
    base = live_server.url
    sign_in(page, base, "reception_officer_dakar")

    # The arrival, from the list of expected returnees.
    page.goto(f"{base}/arrivals/")
    row = page.locator("tbody tr", has_text=returnee.reference)
    row.get_by_role("link", name="Not planned").click()
    page.wait_for_url(f"{base}/cases/{returnee.reference}/arrival/")
    arrival = page.locator("form:has(input[name=step][value=arrival])")
    # Labels point to the arrival form's own fields (the plan form has the same ones).
    arrival.get_by_label("Place", exact=True).select_option("airport")
    arrival.get_by_label("Airport, station or place").fill("Dakar-Blaise Diagne")
    arrival.get_by_label("Immediate needs").fill("Water and a phone call")
    arrival.get_by_label("Onward transport", exact=True).select_option("not_provided")
    arrival.get_by_role("button", name="Record the arrival").click()
    expect(page.get_by_text("Please correct the errors below.")).to_be_visible()
    arrival.get_by_label("Onward transport", exact=True).select_option("provided")
    arrival.get_by_label("Final destination").fill("Thiès")
    arrival.get_by_label("Overnight accommodation", exact=True).select_option("not_needed")
    arrival.get_by_role("button", name="Record the arrival").click()
    expect(page.get_by_text("Arrival recorded.")).to_be_visible()
    expect(page.get_by_text("Water and a phone call")).to_be_visible()

    # Pocket money: a bad amount is refused beside its field, then paid with the scan.
    page.get_by_role("link", name="Pocket money").first.click()
    page.wait_for_url(f"{base}/cases/{returnee.reference}/pocket-money/")
    amount = page.get_by_label("Amount paid")
    expect(amount).to_have_value("32798.00")
    amount.fill("-5")
    page.get_by_label("Exchange rate (1 EUR in local currency)").fill("655.957")
    page.get_by_role("button", name="Record", exact=True).click()
    error = page.locator(".field--error", has=page.get_by_label("Amount paid"))
    expect(error).to_contain_text("Enter an amount greater than zero.")
    assert not PocketMoneyPayment.objects.exists()
    scan = tmp_path / "receipt.pdf"
    scan.write_bytes(MINIMAL_PDF)
    page.get_by_label("Amount paid").fill("32798")
    page.get_by_label("Exchange rate (1 EUR in local currency)").fill("655.957")
    page.get_by_label("Signed receipt (scan: PDF, JPEG or PNG)").set_input_files(str(scan))
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_text("Pocket money recorded.")).to_be_visible()
    payment = PocketMoneyPayment.objects.get(case=returnee)
    assert payment.has_receipt_scan and payment.amount_eur == Decimal("50.00")

    # A returnee found not to be from Senegal moves on to Guinea.
    page.goto(f"{base}/cases/{stranger.reference}/arrival/")
    secondary = page.locator("form:has(input[name=step][value=secondary])")
    secondary.get_by_label("Actual country of origin").select_option("GN")
    secondary.get_by_role("button", name="Record the secondary movement").click()
    expect(secondary.get_by_text("This field is required.")).to_be_visible()
    secondary = page.locator("form:has(input[name=step][value=secondary])")
    secondary.get_by_label("How it was found").fill("Guinean identity card in the luggage")
    secondary.get_by_label("Temporary accommodation and basic needs meanwhile").fill(
        "Two nights at the transit centre"
    )
    secondary.get_by_role("button", name="Record the secondary movement").click()
    movement = SecondaryMovement.objects.get(case=stranger)
    expect(page.get_by_text(f"new case {movement.new_case.reference}")).to_be_visible()
    expect(page.get_by_role("link", name=movement.new_case.reference)).to_be_visible()
    # The first case ends with the movement (R-ARR-2's closure in the workflow table).
    closed = "This case is closed: the returnee continues under the new case."
    expect(page.get_by_text(closed)).to_be_visible()
    stranger.refresh_from_db()
    assert movement.old_case_closed and stranger.phase == Phase.CLOSED
    assert movement.new_case.origin_office == world.conakry
