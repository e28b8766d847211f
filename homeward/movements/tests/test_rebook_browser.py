"""Browser journey: a movement officer rebooks a ticketed case onto a later movement (missed
flight) and sees the new booking waiting for the new movement's ABN (R-TRV-2); a programme
manager lifts a suspension of returns (R-SUS-1)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from homeward.web.tests import test_browser as journeys  # noqa: E402

# The browser fixtures of the web journeys.
browser = journeys.browser
countries = journeys.countries
page = journeys.page
sign_in = journeys.sign_in
expect = journeys.sync_api.expect

from homeward.movements import services  # noqa: E402
from homeward.movements.models import Booking, BookingStatus, Suspension  # noqa: E402

from .travel import TODAY, booked_case, movement  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rebook_a_ticketed_case_and_lift_a_suspension(page, live_server, world):
    base = live_server.url
    missed = movement(world, days=10)
    later = movement(world, days=20)
    booking = booked_case(world, missed)
    suspension = services.suspension_create(
        actor=world.user("programme_manager"),
        country_id="GN",
        starts_on=TODAY,
        reason="Unrest near the border",
    )

    # Movement officer: the returnee missed the flight; rebook onto the later movement.
    sign_in(page, base, "movement_officer_niamey")
    page.goto(f"{base}/bookings/{booking.pk}/")
    expect(page.get_by_role("heading", name="Rebook onto another movement")).to_be_visible()
    page.get_by_label("New movement").select_option(str(later.pk))
    page.get_by_label("Reason").first.fill("Missed flight")
    page.get_by_role("button", name="Rebook", exact=True).click()
    expect(page.get_by_text("Rebooked. The new movement needs its ABN")).to_be_visible()
    expect(page.locator("#rebooked-from")).to_contain_text("Missed flight")
    expect(page.get_by_text("The ticket cannot be issued yet:")).to_be_visible()
    expect(page.get_by_text("send the ABN and wait for its confirmation (R-TRV-2)")).to_be_visible()
    expect(page.get_by_role("button", name="Issue the ticket")).to_be_disabled()
    new = Booking.objects.get(case=booking.case, status=BookingStatus.BOOKED)
    assert new.movement_id == later.pk

    # The new movement's board: not sent yet, a new ticket needed.
    page.goto(f"{base}/movements/{later.pk}/")
    row = page.locator("tbody tr", has_text=booking.case.reference)
    expect(row).to_contain_text("not sent")
    expect(row).to_contain_text("new ticket needed")
    expect(row.locator('[data-rebooked="yes"]')).to_be_visible()
    page.context.clear_cookies()

    # Programme manager: returns to Guinea are accepted again.
    sign_in(page, base, "programme_manager_niamey")
    page.goto(f"{base}/movements/suspensions/")
    row = page.locator(f'tr[data-suspension="{suspension.pk}"]')
    row.get_by_text("Lift the suspension").click()
    row.get_by_label("Why lifted").fill("Security situation improved")
    row.get_by_role("button", name="Lift", exact=True).click()
    expect(page.get_by_text("Suspension lifted")).to_be_visible()
    expect(page.locator(f'tr[data-suspension="{suspension.pk}"]')).to_contain_text(
        "Security situation improved"
    )
    assert Suspension.objects.get(pk=suspension.pk).is_lifted
