"""Browser journey of the duplicate check (R-DUP-1): a counsellor runs the check on a case
whose migrant was registered earlier at another office under another spelling, sees the
likely match with its reasons, and records a decision."""

import datetime
import re

import pytest

from homeward.web.tests import test_browser as shared

# The browser tests' fixtures and helpers (the live server, Chromium, signing in).
browser, page, countries = shared.browser, shared.page, shared.countries
sign_in, expect = shared.sign_in, shared.sync_api.expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _register(world, office: str, given: str, family: str):
    """A person registered through the people service (with its match keys)."""
    from homeward.people.services import person_create

    return person_create(
        actor=world.user("counsellor", office),
        office=getattr(world, office),
        data={
            "sex": "M",
            "date_of_birth": datetime.date(1994, 7, 3),
            "nationalities": ["GN"],
            "names": [{"given_names": given, "family_name": family}],
        },
    )


def set_up(world):
    """Mamadou Diallo, assisted from Dakar earlier; now Mamadou Jallow in counselling at
    Niamey, born the same day: a likely duplicate."""
    from homeward.cases.models import Phase
    from homeward.testing.factories import make_case

    earlier = _register(world, "dakar", "Mamadou", "Diallo")
    make_case(
        person=earlier,
        programme=world.programme,
        host=world.rabat,
        origin=world.conakry,
        phase=Phase.CLOSED,
    )
    now = _register(world, "niamey", "Mamadou", "Jallow")
    case = make_case(
        person=now,
        programme=world.programme,
        host=world.niamey,
        origin=world.conakry,
        phase=Phase.COUNSELLING,
    )
    return case, earlier


def test_counsellor_runs_the_duplicate_check_and_decides_on_the_likely_match(
    page, live_server, world
):
    from homeward.registration.models import DuplicateDecision

    case, earlier = set_up(world)
    base = live_server.url
    sign_in(page, base, "counsellor_niamey")
    page.goto(f"{base}/cases/{case.reference}/registration/")
    checklist_item = page.locator(".checklist__item").filter(
        has=page.get_by_text("Duplicate check decided", exact=True)
    )
    checklist_item.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", name="Duplicate check")).to_be_visible()
    expect(page.get_by_text("The check has not been run for this case yet.")).to_be_visible()

    page.get_by_role("button", name="Run the check").click()
    expect(page.get_by_text("Duplicate check run.")).to_be_visible()
    candidate = page.locator(f'article[data-candidate="{earlier.pk}"]')
    expect(candidate.get_by_role("heading", name=re.compile("Mamadou Diallo"))).to_be_visible()
    expect(candidate.get_by_text("likely match")).to_be_visible()
    expect(candidate.get_by_text("Same date of birth")).to_be_visible()

    # A decision without a justification is refused and says why.
    candidate.get_by_label("Not the same person").check()
    candidate.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("The decision was not recorded.")).to_be_visible()
    assert not DuplicateDecision.objects.exists()

    candidate = page.locator(f'article[data-candidate="{earlier.pk}"]')
    candidate.get_by_label("Not the same person").check()
    candidate.get_by_label("Justification", exact=True).fill(
        "Different father's name and village; passport numbers differ."
    )
    candidate.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    candidate = page.locator(f'article[data-candidate="{earlier.pk}"]')
    expect(candidate.get_by_text("passport numbers differ")).to_be_visible()
    expect(candidate.locator("summary")).to_have_text("Change the decision")
    decision = DuplicateDecision.objects.get(case=case, candidate_id=earlier.pk)
    assert decision.verdict == "not_same" and decision.decided_by.username == "counsellor_niamey"

    # The checklist shows the check decided.
    page.get_by_role("link", name="Registration checklist").click()
    expect(checklist_item).not_to_have_class(re.compile("checklist__item--open"))
