"""factory_boy factories shared by every app's tests."""

import datetime

import factory
from django.contrib.auth.hashers import make_password
from django.db import transaction

from homeward.accounts.models import Membership, Office, User
from homeward.cases import workflow
from homeward.cases.models import Case, CaseEvent
from homeward.cases.services import next_reference
from homeward.people.models import Person, PersonName
from homeward.people.services import refresh_search_text
from homeward.programmes.models import CountryAction, Programme, ReturnScheme

TEST_PASSWORD = "correct-horse-battery-staple-42"
_HASHED = make_password(TEST_PASSWORD)


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"OF{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Office {o.code}")
    country_id = "NE"
    is_host = True
    is_origin = False
    phone = "+227 20 00 00 00"
    email = factory.LazyAttribute(lambda o: f"{o.code.lower()}@example.org")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = _HASHED


def user_with_role(role: str, *offices: Office, username: str | None = None) -> User:
    user = UserFactory(**({"username": username} if username else {}))
    for office in offices:
        Membership.objects.get_or_create(user=user, office=office, role=role)
    return user


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"PRG{n}")
    name = factory.LazyAttribute(lambda o: f"Programme {o.code}")
    donor = "European Union"
    eligible_schemes = factory.LazyFunction(lambda: list(ReturnScheme.values))
    currencies = factory.LazyFunction(lambda: ["EUR", "XOF"])


def cover(programme: Programme, *, hosts=(), origins=()) -> Programme:
    start, end = datetime.date(2024, 1, 1), datetime.date(2028, 12, 31)
    for code in hosts:
        CountryAction.objects.get_or_create(
            programme=programme,
            country_id=code,
            kind="host",
            defaults={"starts_on": start, "ends_on": end},
        )
    for code in origins:
        CountryAction.objects.get_or_create(
            programme=programme,
            country_id=code,
            kind="origin",
            defaults={"starts_on": start, "ends_on": end},
        )
    return programme


def make_person(
    office: Office,
    given: str = "Aïssatou",
    family: str = "Diallo",
    *,
    spellings=(),
    sex: str = "F",
    date_of_birth=datetime.date(1995, 3, 14),
) -> Person:
    person = Person.objects.create(registered_by=office, sex=sex, date_of_birth=date_of_birth)
    PersonName.objects.create(person=person, given_names=given, family_name=family, is_primary=True)
    for g, f in spellings:
        PersonName.objects.create(
            person=person, given_names=g, family_name=f, is_transliteration=True
        )
    refresh_search_text(person)
    person.refresh_from_db()
    return person


def make_case(
    *,
    person: Person,
    programme: Programme,
    host: Office | None,
    origin: Office,
    scheme: str = ReturnScheme.AVRR,
    phase: str | None = None,
    assigned_to=None,
) -> Case:
    """A case created directly in a phase, for setting up tests (not a write path)."""
    with transaction.atomic():
        return _make_case(person, programme, host, origin, scheme, phase, assigned_to)


def _make_case(person, programme, host, origin, scheme, phase, assigned_to) -> Case:
    case = Case.objects.create(
        reference=next_reference(origin.country_id, 2026),
        person=person,
        programme=programme,
        scheme=scheme,
        host_office=host,
        origin_office=origin,
        assigned_to=assigned_to,
        phase=phase or workflow.initial_phase(scheme),
        search_text=person.search_text,
    )
    CaseEvent.objects.create(case=case, action="open", to_phase=case.phase)
    return case
