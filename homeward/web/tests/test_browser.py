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
]


@pytest.fixture(autouse=True)
def countries(transactional_db):
    """A transactional test before this one may have flushed the countries the migration
    loaded; put them back (idempotent) before the offices that refer to them are made."""
    from homeward.geo.services import countries_load

    countries_load()


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
        # Django keeps connections in context variables, and Playwright's greenlets give ORM
        # calls made while it runs a context of their own: close that connection here, or it
        # outlives the test and keeps PostgreSQL from dropping the test database.
        connections.close_all()


def _new_page(browser, **options):
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(15_000)
    return context.new_page()


@pytest.fixture
def page(browser):
    """A laptop screen."""
    page = _new_page(browser, viewport={"width": 1366, "height": 768})
    yield page
    page.context.close()


@pytest.fixture
def phone(browser):
    """A phone screen."""
    page = _new_page(browser, viewport={"width": 390, "height": 844}, is_mobile=True)
    yield page
    page.context.close()


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


def test_person_without_a_case_is_found_again_on_the_people_page(page, live_server, world):
    base = live_server.url
    sign_in(page, base, "counsellor_niamey")
    page.get_by_role("link", name="New person").click()
    page.locator("#id_names-0-given_names").fill("Aïssatou")
    page.locator("#id_names-0-family_name").fill("Ndiaye")
    identity = page.get_by_role("group", name="Identity")
    identity.get_by_label("Sex").select_option("F")
    identity.get_by_label("Estimated age").fill("30")
    page.get_by_role("button", name="Register and continue").click()
    sync_api.expect(page.get_by_role("heading", name=re.compile("Open a case for"))).to_be_visible()
    page.get_by_role("link", name="Later").click()  # no case yet

    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("searchbox", name="Name").press_sequentially("aissatou ndiaye")
    page.wait_for_url(re.compile(r"q=aissatou"))
    sync_api.expect(page.get_by_text("1 person", exact=True)).to_be_visible()
    sync_api.expect(page.get_by_role("link", name="Aïssatou Ndiaye")).to_be_visible()
    sync_api.expect(page.get_by_text("about 30 years old")).to_be_visible()
    page.get_by_role("link", name="Open a case").click()
    sync_api.expect(
        page.get_by_role("heading", name="Open a case for Aïssatou Ndiaye")
    ).to_be_visible()


def test_a_form_is_sent_only_once(page, live_server, world):
    case = make_case(world)
    sign_in(page, live_server.url, "counsellor_niamey")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    # Record whether each submit would leave, and keep the page here (a slow connection).
    page.evaluate(
        """() => {
          window.sent = [];
          window.addEventListener("submit", (event) => {
            window.sent.push(!event.defaultPrevented);
            event.preventDefault();
          });
        }"""
    )
    button = page.get_by_role("button", name="Start counselling")
    button.click()
    sync_api.expect(button).to_be_disabled()
    # Another click or Enter on the same form sends nothing more.
    page.evaluate("document.querySelector('form[action$=\"/start_counselling/\"]').requestSubmit()")
    assert page.evaluate("window.sent") == [True, False]
    # Back on the page with the browser's back button, the form works again.
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pageshow', {persisted: true}))")
    sync_api.expect(button).to_be_enabled()


def test_an_irreversible_step_asks_before_it_is_sent(page, live_server, world):
    from homeward.cases.models import Phase

    case = make_case(world)
    sign_in(page, live_server.url, "counsellor_niamey")
    page.goto(f"{live_server.url}/cases/{case.reference}/")
    questions = []

    def answer(accept: bool):
        def handle(dialog):
            questions.append(dialog.message)
            dialog.accept() if accept else dialog.dismiss()

        return handle

    page.get_by_text("Withdraw (migrant's decision)…").click()
    page.locator("#reason-withdraw").fill("Changed her mind")
    confirm = page.get_by_role("button", name="Confirm: Withdraw (migrant's decision)")
    page.once("dialog", answer(False))
    confirm.click()
    page.wait_for_timeout(300)
    assert questions and case.reference in questions[0]
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFIED
    sync_api.expect(confirm).to_be_enabled()  # the cancelled form can still be sent

    page.once("dialog", answer(True))
    confirm.click()
    sync_api.expect(page.get_by_text("Done. The case is now “Withdrawn”.")).to_be_visible()


def _top(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["y"]


def test_phone_layout_puts_next_steps_first_and_keeps_the_header_small(phone, live_server, world):
    from homeward.accounts.models import Membership

    me = world.user("counsellor")
    Membership.objects.create(user=me, office=world.rabat, role="counsellor")
    case = make_case(world, assigned_to=me)
    base = live_server.url
    sign_in(phone, base, "counsellor_niamey")

    # My work: the recently changed cases are cards with their labels.
    sync_api.expect(phone.locator(".table--cards thead")).to_be_hidden()
    label = phone.evaluate(
        "getComputedStyle(document.querySelector('.table--cards td'), '::before').content"
    )
    assert label == '"Reference"'

    phone.goto(f"{base}/cases/{case.reference}/")
    assert _top(phone, "#actions") < _top(phone, "#case-summary") < _top(phone, "#identity")
    assert _top(phone, "#identity") < _top(phone, "#timeline")
    sync_api.expect(phone.locator(".account__post").first).to_be_hidden()
    # It took 190-236 px before; the user's name may wrap onto a second line.
    assert phone.locator(".site-header").bounding_box()["height"] < 170


def test_audit_filters_fold_away_on_phones_only(phone, page, live_server, world):
    for browser_page, is_open in ((phone, False), (page, True)):
        sign_in(browser_page, live_server.url, "auditor_niamey")
        browser_page.goto(f"{live_server.url}/audit/")
        filters = browser_page.locator("details.filters__more")
        assert filters.evaluate("details => details.open") is is_open
        sync_api.expect(browser_page.get_by_label("User", exact=True)).to_be_visible(
            visible=is_open
        )
    # Filters in use stay open on a phone.
    phone.goto(f"{live_server.url}/audit/?action=view")
    assert phone.locator("details.filters__more").evaluate("details => details.open") is True


def test_language_switch_still_sends_the_chosen_language(page, live_server, world):
    sign_in(page, live_server.url, "counsellor_niamey")
    page.get_by_role("button", name="Français").click()
    sync_api.expect(page.get_by_role("heading", name="Mon travail")).to_be_visible()


def test_wide_tables_scroll_inside_their_card_on_a_phone(phone, live_server, world):
    from homeward.movements.import_services import import_start
    from homeward.movements.tests import lists

    lists.ensure_areas()
    officer = world.user("reception_officer", "dakar")
    import_start(
        actor=officer,
        content=lists.as_csv(lists.rows(3)),
        file_name="notification-list-of-the-border-police-directorate.csv",
        office=world.dakar,
        programme=world.programme,
        scheme="forced",
    )
    sign_in(phone, live_server.url, officer.username)
    phone.goto(f"{live_server.url}/imports/")
    table = phone.locator("table.table").first
    sync_api.expect(table).to_be_attached()
    assert table.evaluate("t => t.scrollWidth") > 390  # wider than the screen…
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # …not the page
