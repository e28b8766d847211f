"""Browser journey of a movement of three cases, one an unaccompanied child of 14: booking,
ABN confirmation, tickets, departure, arrival, handover to the guardian and pocket money."""

import datetime
import os
from decimal import Decimal

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.db import transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from homeward.web.tests import test_browser as journeys  # noqa: E402

# The browser fixtures of the web journeys.
browser = journeys.browser
countries = journeys.countries
page = journeys.page
sign_in = journeys.sign_in
expect = journeys.sync_api.expect

from .test_travel_browser import hold_final_discussion  # noqa: E402
from .travel import TODAY, movement, ready_case, with_passport  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UMC_FORMS = (
    "umc_declaration_host",
    "umc_declaration_origin",
    "family_tracing_consent",
    "guardian_travel_consent",
)


@pytest.fixture(autouse=True)
def private_dir(settings, tmp_path):
    settings.PRIVATE_FILES_DIR = tmp_path / "private"


def registered_child(world):
    """A 14-year-old unaccompanied child, Niamey → Dakar, registered with a confirmed
    guardian and the R-UMC-1 procedure cleared, in pre-departure with a passport."""
    from homeward.cases.services import case_transition
    from homeward.consent.models import SignedDocument
    from homeward.registration import procedures
    from homeward.registration.models import DuplicateCheck
    from homeward.registration.tests.helpers import TODAY as SIGNED_ON
    from homeward.registration.tests.helpers import ready_case as counselled_case
    from homeward.registration.tests.helpers import sign

    counsellor = world.user("counsellor", "niamey")
    case = counselled_case(world, categories=["umc"])
    case.person.date_of_birth = TODAY.replace(year=TODAY.year - 14) - datetime.timedelta(days=60)
    case.person.save()
    DuplicateCheck.objects.create(case=case, checked_by=counsellor, candidates=[])
    guardian = procedures.guardian_record(
        actor=counsellor,
        case_id=case.pk,
        data={"reason": "minor", "name": "Mariama Diallo", "relationship": "Mother"},
    )
    procedures.guardian_confirm_identity(
        actor=counsellor, guardian_id=guardian.pk, version=guardian.version
    )
    procedures.child_protection_save(
        actor=counsellor,
        case_id=case.pk,
        version=None,
        data={
            "guardian_confirmed_host": True,
            "guardian_confirmed_origin": True,
            "family_assessment_on": SIGNED_ON,
            "best_interests": "return",
            "best_interests_on": SIGNED_ON,
            "child_willing": True,
        },
    )
    for kind in UMC_FORMS:
        sign(case, kind, by=counsellor, signatory="guardian")
    SignedDocument.objects.filter(case=case, kind="voluntary_return_declaration").update(
        signatory="guardian"
    )
    case_transition(actor=counsellor, case_id=case.pk, action="register")
    case_transition(
        actor=world.user("movement_officer", "niamey"),
        case_id=case.pk,
        action="start_pre_departure",
    )
    return with_passport(case), guardian


def set_up(world):
    from homeward.arrivals.models import PocketMoneyRate

    with transaction.atomic():
        adults = [ready_case(world), ready_case(world)]
        child, guardian = registered_child(world)
        mv = movement(world)
    PocketMoneyRate.objects.create(
        programme=world.programme,
        country_id="SN",
        amount_eur=Decimal("50.00"),
        amount_local=Decimal("32798.00"),
        currency="XOF",
        valid_from=datetime.date(2024, 1, 1),
    )
    return mv, adults, child, guardian


def as_user(page, base, username):
    page.context.clear_cookies()
    sign_in(page, base, username)


def phase_shown(page, base, case, label):
    page.goto(f"{base}/cases/{case.reference}/")
    expect(page.locator("h1 [data-phase]")).to_have_text(label)


def test_movement_of_three_from_booking_to_pocket_money(page, live_server, world):
    base = live_server.url
    mv, adults, child, guardian = set_up(world)
    board = f"{base}/movements/{mv.pk}/"

    # Host office: book the three (the child with an operational escort), send the ABN.
    as_user(page, base, "movement_officer_niamey")
    page.goto(board)
    page.get_by_label("Case reference").fill(child.reference)
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("child under 15 (R-TRV-6)")).to_be_visible()
    page.get_by_label("Case reference").fill(child.reference)
    page.get_by_label("Operational escort").check()
    page.get_by_label("Escort details").fill("Escort from the Niamey office")
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Case booked on this movement.")).to_be_visible()
    for case in adults:
        page.get_by_label("Case reference").fill(case.reference)
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(3)
    page.get_by_role("button", name="Send the ABN to the origin office").click()
    expect(page.get_by_text("No ABN sent yet.")).to_have_count(0)

    # Origin office: confirm the ABN in its inbox.
    as_user(page, base, "reception_officer_dakar")
    page.goto(f"{base}/abns/")
    page.locator("tbody a").first.click()
    page.get_by_label("Confirm reception").check()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Reception confirmed").first).to_be_visible()

    # Host office: issue the tickets; each case is then travel booked.
    as_user(page, base, "movement_officer_niamey")
    for number, case in enumerate([child, *adults], start=1):
        page.goto(board)
        page.get_by_role("link", name=case.reference).click()
        page.get_by_label("Ticket number").fill(f"TK-{number}")
        page.get_by_role("button", name="Issue the ticket").click()
        expect(page.get_by_text(f"TK-{number}").first).to_be_visible()
        hold_final_discussion(page)  # R-TRV-8: before the departure
        phase_shown(page, base, case, "Travel booked")
    page.goto(board)
    expect(page.locator('tr[data-ready="yes"]')).to_have_count(3)

    # The flight left an hour ago: confirm the departure on the board.
    mv.refresh_from_db()
    mv.departs_at = timezone.now() - datetime.timedelta(hours=1)
    mv.save(update_fields=["departs_at"])
    page.goto(board)
    page.get_by_role("button", name="Confirm departure").click()
    expect(page.get_by_text("Departure confirmed.")).to_be_visible()
    expect(page.get_by_role("heading", name="Confirm departure")).to_have_count(0)
    for case in [child, *adults]:
        phase_shown(page, base, case, "Departed")

    # Origin office: reception plan for the child, then the three arrivals.
    as_user(page, base, "reception_officer_dakar")
    page.goto(f"{base}/arrivals/")
    expect(page.get_by_text("Reception required: not planned")).to_have_count(1)
    page.goto(f"{base}/cases/{child.reference}/arrival/")
    expect(page.get_by_text("must be planned for this returnee")).to_be_visible()
    plan = page.locator("form:has(input[name=step][value=plan])")
    plan.get_by_label("Place", exact=True).select_option("airport")
    plan.get_by_label("Airport, station or place").fill("Dakar-Blaise Diagne")
    plan.get_by_label("Expected arrival").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    plan.get_by_role("button", name="Plan the reception").click()
    expect(page.get_by_text("Reception planned.")).to_be_visible()
    for case in [child, *adults]:
        page.goto(f"{base}/cases/{case.reference}/arrival/")
        arrival = page.locator("form:has(input[name=step][value=arrival])")
        arrival.get_by_label("Place", exact=True).select_option("airport")
        arrival.get_by_label("Airport, station or place").fill("Dakar-Blaise Diagne")
        arrival.get_by_label("Onward transport", exact=True).select_option("provided")
        arrival.get_by_label("Overnight accommodation", exact=True).select_option("provided")
        arrival.get_by_role("button", name="Record the arrival").click()
        expect(page.get_by_text("Arrival recorded.")).to_be_visible()
        phase_shown(page, base, case, "Arrived")

    # The child is handed over to the guardian.
    page.goto(f"{base}/cases/{child.reference}/arrival/")
    handover = page.locator("form:has(input[name=step][value=handover])")
    handover.get_by_label("Legal guardian").select_option(str(guardian.pk))
    handover.get_by_label("Guardian's identity checked with").fill("National identity card")
    handover.get_by_label("Place of handover").fill("Reception desk, DSS")
    handover.get_by_label("The guardian signed the UMC handover notification").check()
    handover.get_by_role("button", name="Record the handover").click()
    expect(page.get_by_text("Handover to the legal guardian recorded.")).to_be_visible()
    expect(page.get_by_text("Mariama Diallo")).to_be_visible()

    # Pocket money for the two adults, signed in presence; then the ledger.
    for case in adults:
        page.goto(f"{base}/cases/{case.reference}/pocket-money/")
        page.get_by_label("Exchange rate (1 EUR in local currency)").fill("655.957")
        page.get_by_label("Amount in EUR").fill("50.00")
        page.get_by_label("The returnee signed the receipt in my presence").check()
        page.get_by_role("button", name="Record", exact=True).click()
        expect(page.get_by_text("Pocket money recorded.")).to_be_visible()
        expect(
            page.get_by_text("Signed in the presence of the staff member who paid")
        ).to_be_visible()
    page.goto(f"{base}/arrivals/pocket-money/")
    for case in adults:
        expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    expect(page.get_by_text(child.reference)).to_have_count(0)
