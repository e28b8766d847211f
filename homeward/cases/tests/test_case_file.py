"""The case page reads the parts of a case with one short statement each (`case_file_of`):
the same records, in the same order, as the prefetching `case_get_for` the API uses, and
nothing of a field group the reader may not read."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from homeward.accounts.roles import FieldGroup
from homeward.cases.models import CaseEvent, VulnerabilityFlag
from homeward.cases.policies import readable_groups_for_case
from homeward.cases.selectors import case_file_of, case_get_for, case_list_for
from homeward.core.errors import NotFound
from homeward.geo.models import AdminArea
from homeward.people.models import Contact, HouseholdMember, IdentityDocument, PersonLanguage

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_case(world):
    case = world.case()
    person = case.person
    person.names.create(given_names="Aissata", family_name="Jallow", is_transliteration=True)
    person.nationalities.set(["SN", "GN"])
    PersonLanguage.objects.create(person=person, language="wo")
    PersonLanguage.objects.create(person=person, language="fr", preferred_for_counselling=True)
    Contact.objects.create(person=person, kind="whatsapp", value="+221 77 000 00 01")
    Contact.objects.create(person=person, kind="phone", value="+227 90 00 00 01", label="cousin")
    IdentityDocument.objects.create(
        person=person, kind="passport", number="A1", issuing_country_id="SN"
    )
    IdentityDocument.objects.create(person=person, kind="birth_certificate", number="")
    HouseholdMember.objects.create(person=person, full_name="Awa", relationship="child")
    HouseholdMember.objects.create(
        person=person,
        full_name="Moussa",
        relationship="spouse",
        date_of_birth=datetime.date(1990, 1, 2),
        is_dependant=True,
        migrated=True,
    )
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    VulnerabilityFlag.objects.create(case=case, category="trafficking")
    for other in (world.case(), world.case()):
        case.family_members.add(other)
    me = world.user("counsellor")
    CaseEvent.objects.create(case=case, action="start_counselling", actor=me, reason="Asked")
    CaseEvent.objects.create(case=case, action="reopen")
    return case


def test_the_case_file_lists_what_the_prefetching_read_lists(world, full_case):
    actor = world.user("counsellor")
    case = case_get_for(actor, reference=full_case.reference)
    person = case.person
    readable = readable_groups_for_case(actor, case)
    lean = case_get_for(actor, reference=full_case.reference, prefetch=False)

    file = case_file_of(lean, readable)

    def same(records, expected):
        """The same records in the same order, every field read and converted alike."""

        def values(record):
            fields = type(record)._meta.concrete_fields
            return (type(record), *(getattr(record, f.attname) for f in fields))

        assert [values(r) for r in records] == [values(e) for e in expected]

    same(file.names, person.names.all())
    same(file.nationalities, person.nationalities.all())
    same(file.languages, person.languages.all())
    same(file.contacts, person.contacts.all())
    same(file.documents, person.documents.all())
    same(file.household, person.household.all())
    same(file.family, case.family_members.all())
    same(file.timeline, case.events.all())
    assert {f.category for f in file.flags} == {"elderly"}  # trafficking is not readable here
    assert [
        d.issuing_country.display_name if d.issuing_country_id else None for d in file.documents
    ] == [
        d.issuing_country.display_name if d.issuing_country else None
        for d in person.documents.all()
    ]
    assert [m.date_of_birth for m in file.household] == [
        m.date_of_birth for m in person.household.all()
    ]
    assert [o.person_display_name for o in file.family] == [
        str(o.person) for o in case.family_members.all()
    ]
    assert [e.actor_name for e in file.timeline][-1] == ""  # the case was opened by the system
    assert str(actor) in [e.actor_name for e in file.timeline]


def test_groups_the_reader_may_not_read_are_not_read(world, full_case):
    actor = world.user("counsellor")
    case = case_get_for(actor, reference=full_case.reference, prefetch=False)
    with CaptureQueriesContext(connection) as everything:
        case_file_of(case, frozenset(FieldGroup))
    with CaptureQueriesContext(connection) as no_identity:
        file = case_file_of(case, frozenset({FieldGroup.VULNERABILITY}))
    assert len(everything) == 9
    assert len(no_identity) == 3  # flags, family, timeline
    assert not (file.names or file.languages or file.contacts or file.documents or file.household)
    assert [f.category for f in file.flags] == ["elderly"]


def test_the_timeline_stops_at_its_limit_newest_first(world, full_case):
    actor = world.user("counsellor")
    case = case_get_for(actor, reference=full_case.reference, prefetch=False)
    file = case_file_of(case, frozenset(), timeline_limit=2)
    assert [e.pk for e in file.timeline] == [e.pk for e in case.events.all()[:2]]


RELATED = (
    "",
    "person",
    "person.registered_by",
    "programme",
    "host_office",
    "origin_office",
    "assigned_to",
    "intended_return_area",
)


def values(case, path: str):
    """Every field of the record at `path` from the case, as read."""
    record = case
    for name in filter(None, path.split(".")):
        record = getattr(record, name)
    if record is None:
        return None
    return tuple(getattr(record, f.attname) for f in type(record)._meta.concrete_fields)


def test_r_dat_2_the_case_page_finds_exactly_the_cases_the_list_scopes(world):
    cases = [
        world.case(host=world.niamey, origin=world.dakar),
        world.case(host=world.rabat, origin=world.conakry),
        world.case(host=None, origin=world.conakry),
    ]
    cases[0].assigned_to = world.user("case_manager")
    cases[0].intended_return_area = AdminArea.objects.create(
        country_id="SN", code="DK", name="Dakar"
    )
    cases[0].save()
    for user in world.users.values():
        listed = set(case_list_for(user).values_list("pk", flat=True))
        for case in cases:
            for key in ({"reference": case.reference.lower()}, {"case_id": str(case.pk)}):
                try:
                    found = case_get_for(user, prefetch=False, **key)
                except NotFound:
                    found = None
                assert (found is not None) == (case.pk in listed), (user.username, key)
                if found is not None:
                    expected = case_get_for(user, **key)
                    for path in RELATED:
                        assert values(found, path) == values(expected, path), path
    with pytest.raises(NotFound):
        case_get_for(world.user("counsellor"), reference="SN-2026-999999", prefetch=False)
    with pytest.raises(NotFound):
        case_get_for(world.user("counsellor"), case_id="not-a-uuid", prefetch=False)
