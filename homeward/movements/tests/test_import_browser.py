"""Browser journey of a notification-list import (R-ARR-3): a reception officer uploads a
small CSV with two bad rows, reads the dry run's report, confirms, and sees the batch
finished (under 500 rows it runs inline) with the cases it opened."""

import os
import re

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from homeward.web.tests import test_browser as journeys  # noqa: E402

# The browser fixtures of the web journeys.
browser = journeys.browser
countries = journeys.countries
page = journeys.page
sign_in = journeys.sign_in
expect = journeys.sync_api.expect

from . import lists  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def test_reception_officer_checks_then_imports_a_notification_list(page, live_server, world):
    from homeward.cases.models import Case, Phase

    lists.ensure_areas()
    data = lists.rows(8, bad_every=5)  # rows 2 and 7 of the file: no family name, sex "Q"
    assert [r["_bad"] for r in data if r["_bad"]] == ["family_name", "sex"]
    base = live_server.url
    sign_in(page, base, "reception_officer_dakar")
    page.goto(f"{base}/imports/")
    page.get_by_label("Notification list").set_input_files(
        {"name": "police_list.csv", "mimeType": "text/csv", "buffer": lists.as_csv(data)}
    )
    page.get_by_label("Origin office").select_option(label="Dakar")
    page.get_by_label("Return scheme").select_option("forced")
    page.get_by_role("button", name="Check the file").click()

    # The dry run: counts and the two rows' errors; nothing written yet.
    page.wait_for_url(re.compile(r"/imports/check/\?t="))
    expect(page.get_by_text("Dry run: nothing was written")).to_be_visible()
    facts = page.locator("dl.facts")
    expect(facts.locator("div", has_text="Valid rows")).to_contain_text("6")
    expect(facts.locator("div", has_text="Rows with errors")).to_contain_text("2")
    report = page.locator("table tbody tr")
    expect(report).to_have_count(2)
    expect(report.nth(0).locator("td").first).to_have_text("2")
    expect(report.nth(0)).to_contain_text("Errors: not imported")
    # The messages name the columns as the file does, not by their keys.
    expect(report.nth(0)).to_contain_text("Family name: This field is required.")
    expect(report.nth(1).locator("td").first).to_have_text("7")
    expect(report.nth(1)).to_contain_text("Sex: “Q” is not a sex")
    assert not Case.objects.exists()

    page.get_by_role("button", name="Import the 6 valid rows").click()
    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("6 cases opened.", exact=True)).to_be_visible()
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Imported")
    expect(progress).to_contain_text("6 cases opened, 0 rows failed.")
    opened = page.locator("section", has=page.get_by_role("heading", name="Cases opened"))
    cases = list(Case.objects.filter(origin_office=world.dakar))
    assert len(cases) == 6 and {c.phase for c in cases} == {Phase.ARRIVED}
    for case in cases:
        expect(opened.get_by_role("link", name=case.reference)).to_be_visible()
    problems = page.locator("section", has=page.get_by_role("heading", name="Rows with problems"))
    expect(problems.locator("tbody tr")).to_have_count(2)

    # The list of imports shows the finished batch.
    page.get_by_role("link", name="All imports").click()
    row = page.locator("tbody tr", has_text="police_list.csv")
    expect(row).to_contain_text("Imported")
    expect(row.locator("td.num").first).to_have_text("6")
