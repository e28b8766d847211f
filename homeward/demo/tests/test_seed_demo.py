import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from homeward.accounts.models import Membership, Office, User
from homeward.accounts.roles import Role
from homeward.cases.models import Case, CaseEvent, Phase
from homeward.cases.selectors import CaseFilters, case_list_for, visible_flags
from homeward.cases.workflow import SIDE_EXITS
from homeward.demo.reference import ADMIN_USERNAME, DEMO_USERS
from homeward.people.models import Contact, HouseholdMember, PersonName
from homeward.programmes.models import ReturnScheme

pytestmark = pytest.mark.django_db
LOGINS = [spec.username for spec in DEMO_USERS] + [ADMIN_USERNAME]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(**options) -> tuple[str, dict[str, str]]:
    """Run the command; return its output and the printed password of each login."""
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    passwords = {}
    for line in out.getvalue().splitlines():
        cells = re.split(r"\s{2,}", line.strip())
        if len(cells) == 4 and cells[1] in LOGINS:
            passwords[cells[1]] = cells[3]
    return out.getvalue(), passwords


def test_seed_demo_loads_a_programme_with_every_role_phase_and_scheme():
    from django.core import mail

    mail.outbox = []
    output, passwords = seed()
    assert mail.outbox == []  # the demo's notices are not sent (nor printed before the logins)

    assert "http://127.0.0.1:8000/" in output
    assert set(passwords) == set(LOGINS)
    for username, password in passwords.items():
        assert len(password) >= 14
        assert authenticate(username=username, password=password).username == username
    assert User.objects.get(username=ADMIN_USERNAME).is_superuser
    held = set(Membership.objects.filter(user__username__in=LOGINS).values_list("role", flat=True))
    assert held == set(Role.values)

    assert Case.objects.count() >= 190
    assert set(Case.objects.values_list("phase", flat=True)) == set(Phase.values)
    assert set(Case.objects.values_list("scheme", flat=True)) == set(ReturnScheme.values)
    for exit_phase in SIDE_EXITS:
        reasons = CaseEvent.objects.filter(to_phase=exit_phase).values_list("reason", flat=True)
        assert reasons and all(reasons)
    # Every origin office's reception officers have returnees to expect.
    for office in Office.objects.filter(is_origin=True):
        phases = set(Case.objects.filter(origin_office=office).values_list("phase", flat=True))
        assert {Phase.TRAVEL_BOOKED, Phase.DEPARTED} <= phases, office.code


def test_seed_demo_people_have_spellings_scripts_phones_and_households():
    seed(cases=40)

    persons_with_spellings = PersonName.objects.filter(is_transliteration=True)
    assert persons_with_spellings.values("person").distinct().count() >= 10
    assert PersonName.objects.filter(script="Arab", given_names="محمد").exists()
    phones = Contact.objects.filter(kind="phone").values_list("value", flat=True)
    assert phones and all(re.fullmatch(r"\+\d{8,15}", p) for p in phones)
    assert HouseholdMember.objects.filter(migrated=True).exists()
    assert HouseholdMember.objects.filter(migrated=False).exists()


def test_unaccented_and_arabic_spellings_find_the_demo_people():
    seed(cases=10)
    counsellor = User.objects.get(username="counsellor")

    found = case_list_for(counsellor, CaseFilters(q="aissatou ndiaye"))
    primaries = {c.person.primary_name.full_name for c in found}
    assert "Aïssatou N'Diaye" in primaries
    arabic = case_list_for(counsellor, CaseFilters(q="محمد"))
    assert "Mohamed Haïdara" in {c.person.primary_name.full_name for c in arabic}


def test_the_trafficking_flag_of_the_showcase_case_is_for_the_avm_focal_point_only():
    seed(cases=10)
    case = Case.objects.get(
        person__names__given_names="Aïssatou", person__names__family_name="N'Diaye"
    )

    avm = User.objects.get(username="avm")
    counsellor = User.objects.get(username="counsellor")
    assert "trafficking" in {f.category for f in visible_flags(avm, case)}
    assert "trafficking" not in {f.category for f in visible_flags(counsellor, case)}


def test_the_showcase_couple_returns_together():
    seed(cases=10)
    case = Case.objects.get(
        person__names__given_names="Aïssatou", person__names__family_name="N'Diaye"
    )

    partners = {c.person.primary_name.full_name for c in case.family_members.all()}
    assert partners == {"Modou N'Diaye"}
    migrated = case.person.household.filter(migrated=True).values_list("full_name", flat=True)
    assert list(migrated) == ["Modou N'Diaye"]


def test_second_run_keeps_the_cases_and_changes_every_password():
    first_output, first = seed(cases=12)
    cases = set(Case.objects.values_list("reference", flat=True))

    second_output, second = seed(cases=12)

    assert set(Case.objects.values_list("reference", flat=True)) == cases
    assert "not created again" in second_output
    assert set(second) == set(LOGINS)
    for username in LOGINS:
        assert second[username] != first[username]
        assert authenticate(username=username, password=first[username]) is None
        assert authenticate(username=username, password=second[username]) is not None
