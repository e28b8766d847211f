"""Browser journeys through headless Chromium (Playwright), against the live test server."""

import os
import re

import pytest
from django.db import connections, transaction

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the
# fixtures from the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from homeward.testing.factories import TEST_PASSWORD  # noqa: E402

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = os.environ.get("HOMEWARD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(autouse=True)
def countries(transactional_db):
    """A transactional test before this one may have flushed the countries the migration
    loaded; put them back (idempotent) before the offices that refer to them are made."""
    from homeward.geo.services import countries_load

    countries_load()


@pytest.fixture
def page():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="en-GB")
        context.set_default_timeout(15_000)
        yield context.new_page()
        context.close()
        browser.close()
        # Django keeps connections in context variables, and Playwright's greenlets give ORM
        # calls made while it runs a context of their own: close that connection here, or it
        # outlives the test and keeps PostgreSQL from dropping the test database.
        connections.close_all()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")


def test_counsellor_registers_finds_and_opens_a_case(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "counsellor_niamey")
    sync_api.expect(page.get_by_role("heading", name="My work")).to_be_visible()

    page.get_by_role("link", name="New person").click()
    page.locator("#id_names-0-given_names").fill("Aïssatou")
    page.locator("#id_names-0-family_name").fill("Diallo")
    page.locator("#id_names-1-given_names").fill("Aysatu")
    page.locator("#id_names-1-family_name").fill("Jallow")
    page.locator("#id_names-1-is_transliteration").check()
    identity = page.get_by_role("group", name="Identity")
    identity.get_by_label("Sex").select_option("F")
    identity.get_by_label("Date of birth").fill("1995-03-14")
    identity.get_by_label("Nationalities").select_option("SN")
    page.get_by_label("Phone").fill("+221 77 123 45 67")
    page.get_by_role("button", name="Register and continue").click()

    sync_api.expect(page.get_by_role("heading", name=re.compile("Open a case for"))).to_be_visible()
    page.get_by_label("Origin office").select_option(label="Dakar")
    page.get_by_role("button", name="Open the case").click()
    sync_api.expect(page.get_by_text(re.compile(r"Case SN-\d{4}-\d{6} opened"))).to_be_visible()
    reference = re.search(r"/cases/([A-Z]{2}-\d{4}-\d{6})/", page.url).group(1)

    page.get_by_role("link", name="Cases", exact=True).click()
    search = page.get_by_role("searchbox", name="Name or reference")
    search.fill("AISSATOU diallo")
    search.press("Enter")
    page.wait_for_url(re.compile(r"q=AISSATOU"))
    row_link = page.get_by_role("link", name=reference)
    sync_api.expect(row_link).to_be_visible()
    sync_api.expect(page.get_by_text("1 case", exact=True)).to_be_visible()

    row_link.click()
    page.wait_for_url(f"{base}/cases/{reference}/")
    sync_api.expect(page.get_by_role("heading", name=re.compile("Aïssatou Diallo"))).to_be_visible()
    timeline = page.locator(".timeline")
    sync_api.expect(timeline).to_contain_text("Case opened")
    sync_api.expect(page.get_by_text("Aysatu Jallow")).to_be_visible()


def make_case(world, **kwargs):
    # The reference sequence row is locked (select_for_update), which needs a transaction
    # on PostgreSQL; transactional tests run in autocommit.
    with transaction.atomic():
        return world.case(**kwargs)


def test_live_search_updates_results_while_typing(page, live_server, world):
    case = make_case(world)
    other = make_case(world)
    other.person.names.update(given_names="Moussa", family_name="Traoré")
    from homeward.people.services import refresh_search_text

    refresh_search_text(other.person)
    sign_in(page, live_server.url, "counsellor_niamey")
    page.goto(f"{live_server.url}/cases/")
    sync_api.expect(page.get_by_role("link", name=other.reference)).to_be_visible()
    page.get_by_role("searchbox", name="Name or reference").press_sequentially("aissat")
    sync_api.expect(page.get_by_role("link", name=other.reference)).to_have_count(0)
    sync_api.expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    page.wait_for_url(re.compile(r"q=aissat"))


def test_user_of_another_office_cannot_reach_the_case(page, live_server, world):
    case = make_case(world, host=world.niamey, origin=world.dakar)
    base = live_server.url
    sign_in(page, base, "counsellor_rabat")

    response = page.goto(f"{base}/cases/{case.reference}/")
    assert response.status == 404
    sync_api.expect(page.get_by_role("heading", name="Not found")).to_be_visible()
    sync_api.expect(page.get_by_text("Aïssatou")).to_have_count(0)

    page.goto(f"{base}/cases/?q={case.reference}")
    sync_api.expect(page.get_by_text("No case matches this search.")).to_be_visible()
    page.goto(f"{base}/cases/")
    sync_api.expect(page.get_by_role("link", name=case.reference)).to_have_count(0)
