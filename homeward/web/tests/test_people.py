"""The People page (find a person again, with or without a case) and the person form's
own validation."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from homeward.accounts.models import Membership
from homeward.accounts.roles import Role
from homeward.people.models import Person
from homeward.testing.factories import make_case, make_person, user_with_role

from .test_views import person_post

pytestmark = pytest.mark.django_db

PEOPLE = reverse("web:person_list")


def people_page(client, user, **params):
    client.force_login(user)
    response = client.get(PEOPLE, params)
    assert response.status_code == 200
    return response.content.decode()


# --- the list ---------------------------------------------------------------------------


def test_person_without_a_case_is_listed_and_found_by_an_unaccented_spelling(client, world):
    person = make_person(world.niamey, "Aïssatou", "Ndiaye")
    make_person(world.niamey, "Moussa", "Traoré")
    body = people_page(client, world.user("counsellor"), q="AISSATOU ndiaye")
    assert "Aïssatou Ndiaye" in body
    assert "Moussa" not in body
    assert "1 person" in body
    assert reverse("web:person_edit", args=[person.pk]) in body
    assert reverse("web:case_open", args=[person.pk]) in body
    assert "Niamey" in body  # the registering office
    assert "March 14, 1995" in body  # the date of birth


def test_people_of_another_office_do_not_appear(client, world):
    make_person(world.rabat, "Moussa", "Traoré")
    body = people_page(client, world.user("counsellor", "niamey"))
    assert "Traoré" not in body
    assert "Nobody is registered in your offices yet." in body
    assert "Moussa" not in people_page(client, world.user("counsellor", "niamey"), q="moussa")


def test_origin_office_sees_the_person_of_its_case_and_counts_only_visible_cases(client, world):
    person = make_person(world.niamey, "Fatou", "Sow")
    make_case(person=person, programme=world.programme, host=world.niamey, origin=world.dakar)
    make_case(person=person, programme=world.programme, host=world.rabat, origin=world.conakry)
    body = people_page(client, world.user("case_manager", "dakar"), q="fatou")
    assert "Fatou Sow" in body
    row = body[body.index("Fatou Sow") :]
    assert 'data-label="Cases">1</td>' in row
    both = people_page(client, user_with_role(Role.AUDITOR, world.dakar, world.conakry), q="fatou")
    assert 'data-label="Cases">2</td>' in both


def test_people_list_paginates_25_per_page(client, world):
    for index in range(27):
        make_person(world.niamey, "Awa", f"Ba{index}")
    body = people_page(client, world.user("counsellor"))
    assert "27 people" in body and "Page 1 of 2" in body
    assert body.count('class="person-name"') == 25
    assert people_page(client, world.user("counsellor"), page=2).count('class="person-name"') == 2


def test_estimated_age_shows_when_the_birth_date_is_unknown(client, world):
    person = make_person(world.niamey, "Ali", "Barry")
    Person.objects.filter(pk=person.pk).update(date_of_birth=None, estimated_age=34)
    assert "about 34 years old" in people_page(client, world.user("counsellor"))


def test_htmx_search_returns_only_the_results(client, world):
    make_person(world.niamey, "Aïssatou", "Ndiaye")
    client.force_login(world.user("counsellor"))
    response = client.get(PEOPLE, {"q": "aissatou"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "Aïssatou Ndiaye" in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_people_list_query_count_does_not_grow_with_people(
    client, world, django_assert_max_num_queries
):
    user = world.user("counsellor")
    client.force_login(user)
    for index in range(3):
        make_person(world.niamey, "Awa", f"Ba{index}")
    client.get(PEOPLE)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(PEOPLE)
    for index in range(22):
        person = make_person(world.niamey, "Awa", f"Diop{index}")
        if index % 2:
            make_case(
                person=person, programme=world.programme, host=world.niamey, origin=world.dakar
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(PEOPLE)
    assert response.content.decode().count('class="person-name"') == 25
    assert len(few.captured_queries) == len(many.captured_queries)
    with django_assert_max_num_queries(12):
        client.get(PEOPLE, {"q": "awa"})


def test_roles_that_may_not_edit_or_open_cases_see_plain_names(client, world):
    person = make_person(world.niamey, "Aïssatou", "Ndiaye")
    body = people_page(client, world.user("movement_officer"))
    assert "Aïssatou Ndiaye" in body
    assert reverse("web:person_edit", args=[person.pk]) not in body
    assert "Open a case" not in body
    assert reverse("web:person_create") not in body


def test_people_page_requires_sign_in(client, world):
    response = client.get(PEOPLE)
    assert response.status_code == 302 and response.url.startswith(reverse("web:login"))


# --- the person form --------------------------------------------------------------------


def test_registering_office_defaults_to_a_host_office(client, world):
    user = user_with_role(Role.CASE_MANAGER, world.dakar)
    Membership.objects.create(user=user, office=world.niamey, role=Role.COUNSELLOR)
    Membership.objects.create(user=user, office=world.conakry, role=Role.CASE_MANAGER)
    client.force_login(user)
    body = client.get(reverse("web:person_create")).content.decode()
    assert f'<option value="{world.niamey.pk}" selected>Niamey</option>' in body
    assert f'<option value="{world.dakar.pk}">Dakar</option>' in body


def test_registering_office_defaults_to_the_first_when_none_is_a_host(client, world):
    user = user_with_role(Role.CASE_MANAGER, world.dakar, world.conakry)
    client.force_login(user)
    body = client.get(reverse("web:person_create")).content.decode()
    assert f'<option value="{world.conakry.pk}" selected>Conakry</option>' in body


def test_registering_office_chosen_in_the_form_is_used(client, world):
    user = user_with_role(Role.COUNSELLOR, world.niamey, world.rabat)
    client.force_login(user)
    response = client.post(
        reverse("web:person_create"), person_post(office=str(world.rabat.pk), phone=None)
    )
    assert response.status_code == 302
    assert Person.objects.get().registered_by == world.rabat


@pytest.fixture
def service_must_not_run(monkeypatch):
    def must_not_run(**kwargs):
        raise AssertionError("the service must not be called with invalid input")

    monkeypatch.setattr("homeward.web.views.people.person_create", must_not_run)


def test_every_mistake_is_reported_in_one_round_before_the_service_runs(
    client, world, service_must_not_run
):
    client.force_login(world.user("counsellor"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("web:person_create"),
        person_post(sex="", date_of_birth=tomorrow.isoformat(), phone="12")
        | {
            "names-0-given_names": "",
            "names-0-family_name": "",
            "names-1-given_names": "",
            "names-1-family_name": "",
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "At least one name is required." in body
    assert 'id="id_sex_error"' in body
    assert "The date of birth is in the future." in body
    assert 'id="id_phone_error"' in body and "“12” is not" in body
    assert Person.objects.count() == 0


def test_birth_date_or_estimated_age_is_asked_by_the_form(client, world, service_must_not_run):
    client.force_login(world.user("counsellor"))
    response = client.post(reverse("web:person_create"), person_post(date_of_birth=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_date_of_birth_error"' in body
    assert "Give a date of birth or an estimated age." in body


@pytest.mark.parametrize("age", ["-1", "121"])
def test_estimated_age_must_be_between_0_and_120(client, world, age):
    client.force_login(world.user("counsellor"))
    response = client.post(
        reverse("web:person_create"), person_post(date_of_birth="", estimated_age=age)
    )
    assert response.status_code == 400
    assert "Give an age between 0 and 120." in response.content.decode()
    assert Person.objects.count() == 0


def test_estimated_age_of_0_and_120_are_accepted(client, world):
    client.force_login(world.user("counsellor"))
    for age in ("0", "120"):
        response = client.post(
            reverse("web:person_create"), person_post(date_of_birth="", estimated_age=age)
        )
        assert response.status_code == 302
    assert sorted(Person.objects.values_list("estimated_age", flat=True)) == [0, 120]


def test_household_member_born_in_the_future_is_refused(client, world):
    client.force_login(world.user("counsellor"))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("web:person_create"),
        person_post(
            **{
                "household-0-full_name": "Mamadou",
                "household-0-relationship": "child",
                "household-0-date_of_birth": tomorrow.isoformat(),
            }
        ),
    )
    assert response.status_code == 400
    # The people service refuses it (also for the API), the page shows its message.
    assert "Mamadou: the date of birth is in the future." in response.content.decode()
    assert Person.objects.count() == 0


def test_a_child_born_today_at_the_office_is_registered_after_midnight_utc_offset(client, world):
    # 23:30 UTC is already tomorrow in Niamey (UTC+1), where the counsellor works.
    late = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    niamey_day = late.date() + datetime.timedelta(days=1)
    with time_machine.travel(late, tick=True):
        client.force_login(world.user("counsellor"))  # signed in then: sessions expire
        response = client.post(
            reverse("web:person_create"),
            person_post(
                date_of_birth=niamey_day.isoformat(),
                **{
                    "household-0-full_name": "Mamadou",
                    "household-0-relationship": "child",
                    "household-0-date_of_birth": niamey_day.isoformat(),
                },
            ),
        )
        assert response.status_code == 302
        person = Person.objects.get()
        edit = client.post(
            reverse("web:person_edit", args=[person.pk]),
            person_post(date_of_birth=(niamey_day + datetime.timedelta(days=1)).isoformat())
            | {"version": str(person.version)},
        )
    assert person.date_of_birth == niamey_day
    assert person.household.get().date_of_birth == niamey_day
    assert edit.status_code == 400
    assert "The date of birth is in the future." in edit.content.decode()


def test_phone_without_country_code_is_read_in_the_persons_office_country(client, world):
    # 77 123 45 67 is a Senegalese mobile number: valid for Dakar, not for Niamey.
    client.force_login(world.user("case_manager", "dakar"))
    response = client.post(reverse("web:person_create"), person_post(phone="77 123 45 67"))
    assert response.status_code == 302
    client.force_login(world.user("counsellor", "niamey"))
    response = client.post(reverse("web:person_create"), person_post(phone="77 123 45 67"))
    assert response.status_code == 400
    assert 'id="id_phone_error"' in response.content.decode()
