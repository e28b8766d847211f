"""Browser journey on the consent and documents page (headless Chromium via Playwright):
record a consent, record a signed scan, withdraw the consent after confirming."""

import io
import os
import re

import pytest
from django.db import transaction
from PIL import Image

from homeward.people.models import PersonLanguage

from .test_browser import CHROMIUM, CHROMIUM_ARGS, countries, sign_in  # noqa: F401

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def laptop(settings, tmp_path):
    from django.db import connections

    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 768})
        context.set_default_timeout(15_000)
        yield context.new_page()
        browser.close()
        connections.close_all()


def test_counsellor_records_a_consent_and_its_scan_then_withdraws_it(
    laptop, live_server, world, tmp_path
):
    with transaction.atomic():
        case = world.case()
    PersonLanguage.objects.create(person=case.person, language="fr")
    scan = tmp_path / "signed-declaration.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), (250, 250, 250)).save(buffer, format="PNG")
    scan.write_bytes(buffer.getvalue())

    page = laptop
    base = live_server.url
    sign_in(page, base, "counsellor_niamey")
    page.goto(f"{base}/cases/{case.reference}/consent/")
    sync_api.expect(
        page.get_by_role("heading", name=re.compile("Consent and documents"))
    ).to_be_visible()

    form = page.locator("form[action$='/consent/record/']")
    form.get_by_label("Data concerned").fill("Identity, contacts and migration history")
    form.get_by_role("button", name="Record the consent").click()
    sync_api.expect(page.get_by_text("The consent was recorded.")).to_be_visible()
    consents = page.locator("section[aria-labelledby='consents']")
    sync_api.expect(consents).to_contain_text("Identity, contacts and migration history")
    sync_api.expect(consents.get_by_text("Active", exact=True)).to_be_visible()

    upload = page.locator("form[action$='/documents/record/']")
    upload.get_by_label("Scan of the signed form").set_input_files(str(scan))
    upload.get_by_role("button", name="Record the signed document").click()
    sync_api.expect(page.get_by_text("The signed document was recorded.")).to_be_visible()
    sync_api.expect(page.get_by_role("link", name="Download the scan")).to_be_visible()
    if os.environ.get("HOMEWARD_SCREENSHOTS"):
        page.screenshot(
            path=os.path.join(os.environ["HOMEWARD_SCREENSHOTS"], "consent.png"), full_page=True
        )

    consents.get_by_text("Withdraw…").click()
    consents.get_by_label("Reason for withdrawal").fill("The migrant changed their mind")
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    consents.get_by_role("button", name="Confirm withdrawal").click()
    sync_api.expect(page.get_by_text("The consent was withdrawn.")).to_be_visible()
    assert questions == ["Withdraw this consent? Sharing under it stops at once."]
    sync_api.expect(consents.get_by_text("Withdrawn", exact=True)).to_be_visible()
