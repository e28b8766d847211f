"""Browser journey (issue 3): an unaccompanied child's case from counselling to registration,
first blocked with its reasons, then registered, through the pages a counsellor uses."""

import datetime
import re

import pytest
from django.utils import timezone

from homeward.web.tests import test_browser as shared

# The browser tests' fixtures and helpers (the live server, Chromium, signing in).
browser, page, countries = shared.browser, shared.page, shared.countries
make_case, sign_in, sync_api = shared.make_case, shared.sign_in, shared.sync_api

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

expect = sync_api.expect

UMC_FORMS = (
    "UMC voluntary return declaration – country of destination",
    "UMC voluntary return declaration – country of origin",
    "UMC consent for family tracing and family assessment",
    "Legal guardian travel consent",
)
GUARDIAN = "Mariama Diallo"


def _child_case(world):
    """A French-speaking 14-year-old in counselling at Niamey, returning to Dakar."""
    from homeward.cases.models import Phase
    from homeward.people.models import PersonLanguage

    counsellor = world.user("counsellor", "niamey")
    case = make_case(
        world,
        host=world.niamey,
        origin=world.dakar,
        phase=Phase.COUNSELLING,
        assigned_to=counsellor,
    )
    person = case.person
    person.date_of_birth = timezone.localdate() - datetime.timedelta(days=14 * 365 + 100)
    person.save()
    PersonLanguage.objects.create(person=person, language="fr")
    return case


def _checklist_item(page, label: str):
    return page.locator(".checklist__item").filter(has=page.get_by_text(label, exact=True))


def _record_signed_document(page, kind: str, today: str, version: str) -> None:
    form = page.get_by_role("region", name="Record a signed document")
    form.get_by_label("Document", exact=True).select_option(label=kind)
    form.get_by_label("Signed on").fill(today)
    form.get_by_label("Language of the form").select_option("fr")
    # Left empty, a form Homeward prints takes its current version; others are typed in.
    if version:
        form.get_by_label("Form version").fill(version)
    form.get_by_label("Signed by").select_option(label="Legal guardian")
    form.get_by_label("Name of the signatory").fill(GUARDIAN)
    form.get_by_label("Signed in my presence (no scan)").check()
    form.get_by_role("button", name="Record the signed document").click()
    expect(page.get_by_text("The signed document was recorded.")).to_be_visible()
    documents = page.get_by_role("region", name="Signed documents")
    expect(documents.get_by_role("row").filter(has_text=kind)).to_have_count(1)


def test_unaccompanied_child_is_registered_once_every_condition_is_met(page, live_server, world):
    case = _child_case(world)
    base = live_server.url
    today = timezone.localdate().isoformat()
    sign_in(page, base, "counsellor_niamey")

    # The case page; the registration checklist is reached by its address (no link yet).
    page.goto(f"{base}/cases/{case.reference}/")
    expect(page.get_by_role("heading", name=re.compile("Aïssatou Diallo"))).to_be_visible()
    page.goto(f"{base}/cases/{case.reference}/registration/")
    expect(page.get_by_role("heading", name=re.compile("Registration checklist"))).to_be_visible()

    # A return counselling session: first in a language the child does not understand.
    page.get_by_role("link", name="Record a session").click()
    expect(page.get_by_role("heading", name="Record a counselling session")).to_be_visible()
    page.get_by_label("Kind").select_option(label="Return counselling")
    page.get_by_label("Date").fill(today)
    page.get_by_label("Mode").select_option(label="In person")
    language = page.get_by_label("Language used")
    expect(language).to_have_value("fr")  # the language the child understands comes first
    language.select_option(label="English")
    page.get_by_label("Notes").fill("Explained the return and reintegration assistance.")
    page.get_by_role("button", name="Save").click()
    field = page.locator(".field--error").filter(has=language)
    expect(field).to_contain_text("The migrant does not understand this language")
    expect(language).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Notes")).to_have_value(
        "Explained the return and reintegration assistance."
    )
    expect(language).to_have_value("en")
    language.select_option(label="French")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Counselling session recorded.")).to_be_visible()
    sessions = page.get_by_role("region", name="Counselling sessions")
    session = sessions.get_by_role("row").filter(has_text="Return counselling")
    expect(session.get_by_role("cell", name="French", exact=True)).to_be_visible()

    # The pre-departure screening identifies an unaccompanied child.
    page.get_by_role("link", name="New screening").click()
    expect(page.get_by_label("Stage")).to_have_value("pre_departure")
    page.get_by_label("Screened on").fill(today)
    page.get_by_label("Unaccompanied or separated child").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Screening recorded.")).to_be_visible()

    # Registration is blocked, with every reason.
    register_card = page.get_by_role("region", name="Register for return")
    expect(register_card.get_by_role("button", name="Register for return")).to_be_disabled()
    reasons = register_card.get_by_role("listitem")
    for reason in (
        "Guardian's identity not confirmed in the host country.",
        "Guardian's identity not confirmed at origin.",
        "Family assessment not completed.",
        "The best-interests determination has not found return in the child's interests.",
        "The child's willingness to return is not confirmed.",
        *(f"Signed form missing: {form}." for form in UMC_FORMS),
        "No legal guardian with a confirmed identity is recorded.",  # R-VOL-3: aged 14
        "The signed voluntary return declaration and data authorization is missing.",
        "Run the duplicate check (the person's details changed since).",
    ):
        expect(reasons.filter(has_text=reason)).to_have_count(1)
    for done in ("Return counselling held", "Vulnerability screening done"):
        expect(_checklist_item(page, done)).to_have_class(re.compile("checklist__item--done"))
    expect(_checklist_item(page, "Legal guardian associated")).to_contain_text("R-VOL-3")

    # The unaccompanied child procedure.
    _checklist_item(page, "Unaccompanied child procedure").get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name="Unaccompanied or separated child")).to_be_visible()
    page.get_by_label("Legal guardian's identity confirmed in the host country").check()
    page.get_by_label("Legal guardian's identity confirmed in the country of origin").check()
    page.get_by_label("Family assessment completed on").fill(today)
    page.get_by_label("Best-interests determination").select_option(
        label="Return is in the child's best interests"
    )
    page.get_by_label("Determination concluded on").fill(today)
    page.get_by_label("The child is willing to return").select_option(label="Yes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    child_item = _checklist_item(page, "Unaccompanied child procedure")
    expect(child_item.get_by_role("listitem")).to_have_count(len(UMC_FORMS))  # forms only

    # The legal guardian, then their identity checked.
    _checklist_item(page, "Legal guardian associated").get_by_role("link", name="Open").click()
    page.get_by_label("Why a guardian").select_option(label="The migrant is a child")
    page.get_by_label("Guardian's name").fill(GUARDIAN)
    page.get_by_label("Relationship").fill("aunt")
    page.get_by_role("button", name="Save").click()
    guardians = page.get_by_role("region", name="Legal guardians")
    expect(guardians).to_contain_text(GUARDIAN)
    guardians.get_by_role("button", name="Confirm identity").click()
    expect(page.get_by_text("The guardian's identity is confirmed.")).to_be_visible()
    expect(guardians).to_contain_text("identity confirmed")

    # The declaration and the four UMC forms, signed by the guardian in the counsellor's
    # presence.
    _checklist_item(page, "Voluntary return declaration signed").get_by_role(
        "link", name="Consent and documents"
    ).click()
    expect(page.get_by_role("heading", name=re.compile("Consent and documents"))).to_be_visible()
    declaration = "Voluntary return declaration and authorization for collection of personal data"
    _record_signed_document(page, declaration, today, "")
    for kind in UMC_FORMS:
        _record_signed_document(page, kind, today, "UMC-2025")

    # The duplicate check.
    page.goto(f"{base}/cases/{case.reference}/registration/")
    _checklist_item(page, "Duplicate check decided").get_by_role("link", name="Open").click()
    page.get_by_role("button", name="Run the check").click()
    expect(page.get_by_text("Duplicate check run.")).to_be_visible()
    expect(page.get_by_text("No likely earlier registration was found.")).to_be_visible()

    # Everything done: register.
    page.get_by_role("link", name="Registration checklist").click()
    expect(page.locator(".checklist__item--open")).to_have_count(0)
    total = page.locator(".checklist__item").count()
    expect(page.get_by_text(f"{total} of {total} done")).to_be_visible()
    register_card.get_by_role("button", name="Register for return").click()

    page.wait_for_url(f"{base}/cases/{case.reference}/")
    expect(page.get_by_text("Done. The case is now “Registered”.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Registered"))).to_be_visible()
    timeline = page.get_by_role("region", name="Timeline")
    registration = timeline.get_by_role("listitem").filter(has_text="Registered for return")
    expect(registration).to_contain_text(re.compile(r"Counselling\s*→\s*Registered"))
    case.refresh_from_db()
    assert case.phase == "registered"
