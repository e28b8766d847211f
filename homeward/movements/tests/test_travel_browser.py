"""Browser journey of phases 2–3: book on the board, send the ABN, the origin office
confirms in its inbox, the ticket is issued and the board shows the case ready."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from homeward.web.tests import test_browser as journeys  # noqa: E402

# The browser fixtures of the web journeys.
browser = journeys.browser
countries = journeys.countries
page = journeys.page
sign_in = journeys.sign_in

from .travel import movement, ready_case  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("HOMEWARD_SHOTS", "")


def shot(screen, name):
    if SHOTS:
        screen.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def hold_final_discussion(page):
    """R-TRV-8 on the booking page: the three points covered, held today."""
    page.get_by_label("Travel details confirmed").check()
    page.get_by_label("Reintegration assistance reviewed").check()
    page.get_by_label("Origin office contacts given").check()
    page.get_by_role("button", name="Record the final discussion").click()
    page.wait_for_selector("text=Final pre-departure discussion recorded.")


def test_book_send_confirm_ticket(page, live_server, world):
    base = live_server.url
    mv = movement(world)
    case = ready_case(world)
    sign_in(page, base, "movement_officer_niamey")
    page.get_by_role("link", name="Movements").first.click()
    page.goto(f"{base}/movements/{mv.pk}/")
    page.get_by_label("Case reference").fill(case.reference)
    page.get_by_role("button", name="Book", exact=True).click()
    page.get_by_role("button", name="Send the ABN to the origin office").click()
    shot(page, "board")
    page.context.clear_cookies()
    sign_in(page, base, "reception_officer_dakar")
    page.goto(f"{base}/abns/")
    shot(page, "inbox")
    page.locator("tbody a").first.click()
    page.get_by_label("Confirm reception").check()
    page.get_by_role("button", name="Send the answer").click()
    page.wait_for_selector("text=Reception confirmed")
    shot(page, "abn")
    page.context.clear_cookies()
    sign_in(page, base, "movement_officer_niamey")
    page.goto(f"{base}/movements/{mv.pk}/")
    page.get_by_role("link", name=case.reference).click()
    page.get_by_label("Ticket number").fill("TK-77")
    page.get_by_role("button", name="Issue the ticket").click()
    page.wait_for_selector("text=TK-77")
    shot(page, "booking")
    page.goto(f"{base}/movements/{mv.pk}/")
    assert page.locator('tr[data-ready="yes"]').count() == 0  # R-TRV-8: no discussion yet
    page.get_by_role("link", name=case.reference).click()
    hold_final_discussion(page)
    page.goto(f"{base}/movements/{mv.pk}/")
    assert page.locator('tr[data-ready="yes"]').count() == 1
    page.goto(f"{base}/movements/")
    shot(page, "list")
