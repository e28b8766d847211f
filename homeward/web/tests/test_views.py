"""Page views: access, forms and service errors, htmx search, query counts."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from homeward.accounts.models import LoginFailure
from homeward.audit.models import AuditAction, AuditEvent
from homeward.cases.models import Case, CaseEvent, Phase, VulnerabilityFlag
from homeward.people.models import Person
from homeward.programmes.models import ReturnScheme
from homeward.registration.tests.helpers import ready_case
from homeward.testing.factories import TEST_PASSWORD, make_case, make_person

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def detail_url(case):
    return reverse("web:case_detail", args=[case.reference])


# --- sign-in ----------------------------------------------------------------------------


def test_pages_require_sign_in(client, world):
    case = world.case()
    for url in (reverse("web:my_work"), reverse("web:case_list"), detail_url(case)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("web:login"))


def test_login_signs_in_and_goes_to_my_work(client, world):
    response = client.post(
        reverse("web:login"), {"username": "counsellor_niamey", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("web:my_work")
    assert client.get(reverse("web:my_work")).status_code == 200


def test_login_follows_a_safe_next_only(client, world):
    data = {"username": "counsellor_niamey", "password": TEST_PASSWORD}
    response = client.post(reverse("web:login") + "?next=/cases/", data)
    assert response.url == "/cases/"
    client.logout()
    response = client.post(reverse("web:login") + "?next=https://evil.example/", data)
    assert response.url == reverse("web:my_work")


def test_wrong_password_shows_the_message(client, world):
    response = client.post(
        reverse("web:login"), {"username": "counsellor_niamey", "password": "wrong"}
    )
    assert response.status_code == 400
    assert "The username or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_is_throttled_after_repeated_failures(client, world, settings):
    settings.LOGIN_FAILURE_LIMIT = 5
    url = reverse("web:login")
    for _ in range(5):
        client.post(url, {"username": "counsellor_niamey", "password": "wrong"})
    assert LoginFailure.objects.count() == 5
    # Even the right password is refused while locked.
    response = client.post(url, {"username": "counsellor_niamey", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pages_with_personal_data_are_not_stored_by_the_browser(client, world):
    case = world.case()
    login(client, world.user("counsellor"))
    for url in (reverse("web:case_list"), detail_url(case), reverse("web:my_work")):
        assert "no-store" in client.get(url)["Cache-Control"]


def test_expired_form_shows_a_friendly_page(world):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("web:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "The form has expired" in response.content.decode()


def test_logout_needs_post(client, world):
    login(client, world.user("counsellor"))
    assert client.get(reverse("web:logout")).status_code == 405
    response = client.post(reverse("web:logout"))
    assert response.url == reverse("web:login")
    assert client.get(reverse("web:my_work")).status_code == 302


# --- my work ----------------------------------------------------------------------------


def test_my_work_counts_my_cases_by_phase(client, world):
    me = world.user("counsellor")
    world.case(assigned_to=me)
    world.case(assigned_to=me, phase=Phase.COUNSELLING)
    world.case(assigned_to=world.user("case_manager"))
    body = login(client, me).get(reverse("web:my_work")).content.decode()
    assert "2 cases assigned to me" in body
    assert 'data-phase="counselling"' in body


def test_my_work_has_an_empty_state(client, world):
    body = login(client, world.user("counsellor")).get(reverse("web:my_work")).content.decode()
    assert "No case is assigned to you yet." in body


# --- case list --------------------------------------------------------------------------


def test_case_list_shows_only_my_offices_cases(client, world):
    mine = world.case(host=world.niamey, origin=world.dakar)
    other = world.case(host=world.rabat, origin=world.conakry)
    body = login(client, world.user("counsellor")).get(reverse("web:case_list")).content.decode()
    assert mine.reference in body
    assert other.reference not in body


def test_origin_office_sees_the_case_too(client, world):
    case = world.case(host=world.niamey, origin=world.dakar)
    body = (
        login(client, world.user("case_manager", "dakar"))
        .get(reverse("web:case_list"))
        .content.decode()
    )
    assert case.reference in body


def test_search_ignores_accents_case_and_finds_transliterations(client, world):
    person = make_person(world.niamey, "Aïssatou", "Diallo", spellings=[("Aysatu", "Jallow")])
    case = make_case(
        person=person, programme=world.programme, host=world.niamey, origin=world.dakar
    )
    other = make_case(
        person=make_person(world.niamey, "Moussa", "Traoré"),
        programme=world.programme,
        host=world.niamey,
        origin=world.dakar,
    )
    login(client, world.user("counsellor"))
    for query in ("AISSATOU diallo", "aïssatou", "aysatu jallow", case.reference.lower()):
        body = client.get(reverse("web:case_list"), {"q": query}).content.decode()
        assert case.reference in body, query
        assert other.reference not in body, query


def test_search_with_no_match_shows_the_empty_state(client, world):
    world.case()
    body = (
        login(client, world.user("counsellor"))
        .get(reverse("web:case_list"), {"q": "nobody"})
        .content.decode()
    )
    assert "No case matches this search." in body


def test_htmx_search_returns_only_the_results(client, world):
    case = world.case()
    login(client, world.user("counsellor"))
    response = client.get(reverse("web:case_list"), {"q": "diallo"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert case.reference in body
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("web:case_list"), {"q": "diallo"}).content.decode()
    assert "<html" in full and 'hx-trigger="keyup changed delay:300ms' in full


def test_filters_by_phase_and_scheme(client, world):
    counselling = world.case(phase=Phase.COUNSELLING)
    identified = world.case()
    login(client, world.user("counsellor"))
    body = client.get(reverse("web:case_list"), {"phase": "counselling"}).content.decode()
    assert counselling.reference in body and identified.reference not in body
    body = client.get(reverse("web:case_list"), {"scheme": "forced"}).content.decode()
    assert counselling.reference not in body and identified.reference not in body


def test_sensitive_flag_filter_is_offered_only_to_roles_that_may_see_it(client, world):
    case = world.case()
    VulnerabilityFlag.objects.create(case=case, category="trafficking")
    counsellor_page = (
        login(client, world.user("counsellor")).get(reverse("web:case_list")).content.decode()
    )
    assert 'value="trafficking"' not in counsellor_page
    # A forged filter value is dropped, not applied and not an error.
    forged = client.get(reverse("web:case_list"), {"flag": "trafficking"})
    assert forged.status_code == 200
    avm = login(client, world.user("avm_focal_point")).get(reverse("web:case_list"))
    assert 'value="trafficking"' in avm.content.decode()
    filtered = client.get(reverse("web:case_list"), {"flag": "trafficking"}).content.decode()
    assert case.reference in filtered


def test_case_list_paginates_25_per_page(client, world):
    for _ in range(27):
        world.case()
    login(client, world.user("counsellor"))
    first = client.get(reverse("web:case_list")).content.decode()
    assert "27 cases" in first and "Page 1 of 2" in first
    assert first.count('class="case-ref"') == 25
    second = client.get(reverse("web:case_list"), {"page": 2}).content.decode()
    assert second.count('class="case-ref"') == 2


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_list_query_count_does_not_grow_with_cases(
    client, world, django_assert_max_num_queries
):
    login(client, world.user("counsellor"))
    for _ in range(5):
        world.case(assigned_to=world.user("counsellor"))
    client.get(reverse("web:case_list"))  # warm the session
    few = _count_queries(client, reverse("web:case_list"))
    for _ in range(25):
        world.case(assigned_to=world.user("counsellor"))
    many = _count_queries(client, reverse("web:case_list"))
    assert few == many
    with django_assert_max_num_queries(15):
        client.get(reverse("web:case_list"), {"q": "diallo", "phase": "identified"})


def test_case_detail_query_count_does_not_grow_with_events(
    client, world, django_assert_max_num_queries
):
    me = world.user("counsellor")
    login(client, me)
    small = world.case()
    large = world.case()
    CaseEvent.objects.create(case=small, action="start_counselling", actor=me)
    for _ in range(39):
        CaseEvent.objects.create(case=large, action="start_counselling", actor=me)
    client.get(detail_url(small))
    few = _count_queries(client, detail_url(small))
    many = _count_queries(client, detail_url(large))
    assert few == many
    with django_assert_max_num_queries(25):
        client.get(detail_url(large))


# --- case detail ------------------------------------------------------------------------


def test_case_detail_shows_the_file_and_audits_the_view(client, world):
    case = world.case()
    body = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    assert case.reference in body
    assert "Aïssatou Diallo" in body
    assert "Case opened" in body
    assert "Start counselling" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, case_reference=case.reference
    ).exists()


def test_other_office_gets_not_found(client, world):
    case = world.case(host=world.niamey, origin=world.dakar)
    login(client, world.user("counsellor", "rabat"))
    assert client.get(detail_url(case)).status_code == 404
    assert client.get(reverse("web:case_detail", args=["SN-2026-999999"])).status_code == 404
    assert client.get(reverse("web:case_detail", args=["nonsense"])).status_code == 404


def test_contacts_are_hidden_from_roles_without_the_contact_group(client, world):
    case = world.case()
    case.person.contacts.create(kind="phone", value="+22790000000")
    counsellor = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    assert "+22790000000" in counsellor
    committee = login(client, world.user("committee_member")).get(detail_url(case))
    assert "+22790000000" not in committee.content.decode()


def test_sensitive_flag_is_hidden_from_roles_that_may_not_see_it(client, world):
    case = world.case()
    VulnerabilityFlag.objects.create(case=case, category="trafficking")
    VulnerabilityFlag.objects.create(case=case, category="elderly")
    counsellor = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    assert "Elderly" in counsellor and "Victim of trafficking" not in counsellor
    avm = login(client, world.user("avm_focal_point")).get(detail_url(case)).content.decode()
    assert "Victim of trafficking" in avm


def test_blocked_transition_is_disabled_with_its_reason(client, world):
    case = world.case(scheme=ReturnScheme.OTHER_ACTOR, phase=Phase.WITHDRAWN)
    body = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    assert 'disabled aria-describedby="why-reopen"' in body
    assert "not organised by the programme" in body


def test_next_steps_come_before_the_person_data(client, world):
    """On a phone the page is one column in reading order: the steps must not wait below
    the whole person file."""
    case = world.case()
    body = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    assert body.index('id="actions"') < body.index('id="identity"')
    assert body.index('id="identity"') < body.index('id="timeline"')


def test_languages_show_their_names_not_codes(client, world):
    case = world.case()
    case.person.languages.create(language="wo", preferred_for_counselling=True)
    case.person.languages.create(language="es")
    case.person.languages.create(language="qqq")
    body = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    assert "Wolof (preferred for counselling), Spanish, qqq" in body
    french = client.get(detail_url(case), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Wolof (" in french and "Espagnol" in french


# --- transitions ------------------------------------------------------------------------


def _submit_buttons(body: str) -> dict:
    """Each transition form's submit button, by the action it posts to."""
    forms = re.findall(
        r'action="[^"]*/transition/([a-z_]+)/".*?(<button type="submit"[^>]*>)', body, re.S
    )
    return dict(forms)


def test_irreversible_steps_ask_for_a_confirmation(client, world):
    case = ready_case(world)
    body = login(client, world.user("counsellor")).get(detail_url(case)).content.decode()
    buttons = _submit_buttons(body)
    assert "data-confirm" not in buttons["register"]
    for action in ("withdraw", "mark_not_eligible", "decline_unsafe", "refer_asylum"):
        assert "cannot be undone. Continue?" in buttons[action], action
        assert case.reference in buttons[action]
    for phase, role, office, action in (
        (Phase.TRAVEL_BOOKED, "movement_officer", "niamey", "confirm_departure"),
        (Phase.DEPARTED, "reception_officer", "dakar", "confirm_arrival"),
        (Phase.ARRIVED, "case_manager", "dakar", "close"),
    ):
        later = world.case(phase=phase)
        login(client, world.user(role, office))
        buttons = _submit_buttons(client.get(detail_url(later)).content.decode())
        assert "data-confirm=" in buttons[action], action
        assert "data-confirm" not in buttons.get("start_reintegration", ""), action


def transition_url(case, action):
    return reverse("web:case_transition", args=[case.reference, action])


def test_transition_post_changes_the_phase(client, world):
    case = world.case()
    response = login(client, world.user("counsellor")).post(
        transition_url(case, "start_counselling")
    )
    assert response.status_code == 302 and response.url == detail_url(case)
    case.refresh_from_db()
    assert case.phase == Phase.COUNSELLING
    body = client.get(detail_url(case)).content.decode()
    assert "Done. The case is now “Counselling”." in body
    assert "Counselling started" in body  # the new timeline entry


def test_transition_needing_a_reason_shows_the_error_inline(client, world):
    case = world.case()
    response = login(client, world.user("counsellor")).post(
        transition_url(case, "withdraw"), {"reason": "  "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert body.count("A reason is required.") == 1  # beside the field only
    assert "Please give a reason." not in body
    assert 'id="reason-withdraw_error"' in body
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFIED
    client.post(transition_url(case, "withdraw"), {"reason": "Changed her mind"})
    case.refresh_from_db()
    assert case.phase == Phase.WITHDRAWN


def test_blocked_transition_post_lists_its_reasons(client, world):
    case = world.case(scheme=ReturnScheme.OTHER_ACTOR, phase=Phase.WITHDRAWN)
    response = login(client, world.user("counsellor")).post(
        transition_url(case, "reopen"), {"reason": "try"}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "This action is blocked." in body
    assert "not organised by the programme" in body
    case.refresh_from_db()
    assert case.phase == Phase.WITHDRAWN


def test_transition_from_the_wrong_phase_is_refused(client, world):
    case = world.case(phase=Phase.COUNSELLING)
    response = login(client, world.user("counsellor")).post(
        transition_url(case, "start_counselling")
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Not available in phase" in body and "reload it" in body


def test_transition_without_the_permission_is_forbidden(client, world):
    case = world.case()
    response = login(client, world.user("committee_member")).post(
        transition_url(case, "start_counselling")
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.phase == Phase.IDENTIFIED


def test_transition_on_an_invisible_case_is_not_found(client, world):
    case = world.case()
    response = login(client, world.user("counsellor", "rabat")).post(
        transition_url(case, "start_counselling")
    )
    assert response.status_code == 404


# --- editing a case ---------------------------------------------------------------------


def test_edit_case_saves_and_bumps_the_version(client, world):
    case = world.case()
    manager = world.user("case_manager")
    url = reverse("web:case_edit", args=[case.reference])
    login(client, world.user("counsellor"))
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"assigned_to": manager.pk, "notes": "Call on Monday", "version": case.version}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == manager and case.notes == "Call on Monday" and case.version == 2


def test_stale_case_edit_shows_a_conflict_and_keeps_the_input(client, world):
    case = world.case()
    Case.objects.filter(pk=case.pk).update(version=3)
    url = reverse("web:case_edit", args=[case.reference])
    response = login(client, world.user("counsellor")).post(
        url, {"notes": "My careful notes", "version": 1}
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    assert "My careful notes" in body
    case.refresh_from_db()
    assert case.notes == ""


def test_edit_case_assignee_from_another_office_is_an_inline_error(client, world):
    case = world.case()
    url = reverse("web:case_edit", args=[case.reference])
    outsider = world.user("counsellor", "rabat")
    response = login(client, world.user("counsellor")).post(
        url, {"assigned_to": outsider.pk, "version": case.version}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.assigned_to is None


def test_edit_case_is_forbidden_without_the_edit_permission(client, world):
    case = world.case()
    url = reverse("web:case_edit", args=[case.reference])
    assert login(client, world.user("committee_member")).get(url).status_code == 403


# --- people -----------------------------------------------------------------------------


def person_post(**overrides):
    data = {
        "names-TOTAL_FORMS": "2",
        "names-INITIAL_FORMS": "1",
        "names-0-given_names": "Aïssatou",
        "names-0-family_name": "Diallo",
        "names-0-script": "Latn",
        "names-1-given_names": "Aissatou",
        "names-1-family_name": "Jallow",
        "names-1-script": "Latn",
        "names-1-is_transliteration": "on",
        "household-TOTAL_FORMS": "1",
        "household-INITIAL_FORMS": "0",
        "sex": "F",
        "date_of_birth": "1995-03-14",
        "nationalities": ["SN"],
        "language": "wo",
        "phone": "+221 77 123 45 67",
        "document_kind": "passport",
        "document_number": "A1234567",
        "document_country": "SN",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_person_create_registers_and_goes_to_open_a_case(client, world):
    login(client, world.user("counsellor"))
    response = client.post(
        reverse("web:person_create"),
        person_post(**{"household-0-full_name": "Mamadou", "household-0-relationship": "child"}),
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert response.url == reverse("web:case_open", args=[person.pk])
    assert person.registered_by == world.niamey
    assert sorted(n.full_name for n in person.names.all()) == ["Aissatou Jallow", "Aïssatou Diallo"]
    assert person.primary_name.full_name == "Aïssatou Diallo"
    assert person.contacts.get().value == "+221771234567"
    assert person.documents.get().number == "A1234567"
    assert person.household.get().full_name == "Mamadou"
    assert list(person.languages.values_list("language", flat=True)) == ["wo"]


def test_bad_person_input_shows_inline_errors_and_saves_nothing(client, world):
    login(client, world.user("counsellor"))
    response = client.post(
        reverse("web:person_create"),
        person_post(date_of_birth=None, phone="12", **{"names-0-given_names": ""}),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Give the given names of this spelling." in body
    assert Person.objects.count() == 0


def test_person_service_errors_show_beside_their_fields(client, world):
    login(client, world.user("counsellor"))
    response = client.post(reverse("web:person_create"), person_post(phone="12"))
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_phone_error"' in body
    assert "“12” is not" in body
    assert 'value="12"' in body  # the input is kept
    assert Person.objects.count() == 0


def test_empty_person_form_lists_every_missing_part_at_once(client, world):
    login(client, world.user("counsellor"))
    response = client.post(
        reverse("web:person_create"),
        person_post(sex="", **{"names-0-given_names": "", "names-0-family_name": ""})
        | {"names-1-given_names": "", "names-1-family_name": ""},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "At least one name is required." in body
    assert 'id="id_sex_error"' in body
    assert Person.objects.count() == 0


def test_person_without_birth_date_or_age_is_refused_inline(client, world):
    login(client, world.user("counsellor"))
    response = client.post(reverse("web:person_create"), person_post(date_of_birth=None))
    assert response.status_code == 400
    assert "Give a date of birth or an estimated age." in response.content.decode()
    assert Person.objects.count() == 0


def test_person_create_is_forbidden_without_person_edit(client, world):
    login(client, world.user("committee_member"))
    assert client.get(reverse("web:person_create")).status_code == 403


def test_open_a_case_for_a_person(client, world):
    person = make_person(world.niamey)
    login(client, world.user("counsellor"))
    url = reverse("web:case_open", args=[person.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "programme": world.programme.pk,
            "scheme": "avrr",
            "host_office": world.niamey.pk,
            "origin_office": world.dakar.pk,
            "assigned_to": world.user("counsellor").pk,
        },
    )
    case = Case.objects.get(person=person)
    assert response.url == detail_url(case)
    assert case.reference.startswith("SN-")


def test_open_a_case_for_an_office_i_do_not_work_in_is_an_inline_error(client, world):
    person = make_person(world.niamey)
    login(client, world.user("counsellor"))
    response = client.post(
        reverse("web:case_open", args=[person.pk]),
        {
            "programme": world.programme.pk,
            "scheme": "avrr",
            "host_office": world.rabat.pk,
            "origin_office": world.dakar.pk,
        },
    )
    assert response.status_code == 403
    assert "You may not open cases for this office." in response.content.decode()
    assert not Case.objects.exists()


def test_open_a_case_is_forbidden_to_roles_that_cannot_open_cases(client, world):
    person = make_person(world.niamey)
    login(client, world.user("committee_member"))
    assert client.get(reverse("web:case_open", args=[person.pk])).status_code == 403


def test_edit_person_changes_only_what_was_changed(client, world):
    case = world.case()
    person = case.person
    person.contacts.create(kind="email", value="a@example.org")
    url = reverse("web:person_edit", args=[person.pk])
    login(client, world.user("counsellor"))
    form = client.get(url).context["form"]
    data = person_post(
        **{
            "names-TOTAL_FORMS": "2",
            "names-1-given_names": "",
            "names-1-family_name": "",
            "version": str(person.version),
            "phone": "",
            "document_kind": "",
            "document_number": "",
            "document_country": "",
            "language": "",
            "place_of_birth": "Labé",
            "date_of_birth": "1995-03-14",
            "nationalities": [],
            "names-0-given_names": "Aïssatou",
            "names-0-family_name": "Diallo",
            "household-TOTAL_FORMS": "1",
        }
    )
    assert form.initial["version"] == person.version
    response = client.post(url + "?next=" + detail_url(case), data)
    assert response.status_code == 302 and response.url == detail_url(case)
    person.refresh_from_db()
    assert person.place_of_birth == "Labé"
    assert person.version == 2
    assert list(person.contacts.values_list("value", flat=True)) == ["a@example.org"]


def test_stale_person_edit_shows_a_conflict(client, world):
    case = world.case()
    person = case.person
    Person.objects.filter(pk=person.pk).update(version=5)
    url = reverse("web:person_edit", args=[person.pk])
    login(client, world.user("counsellor"))
    response = client.post(
        url,
        person_post(
            version="1",
            place_of_birth="Somewhere new",
            phone="",
            document_kind="",
            document_number="",
            document_country="",
            language="",
            nationalities=[],
            **{"names-1-given_names": "", "names-1-family_name": ""},
        ),
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    assert "Somewhere new" in body
    person.refresh_from_db()
    assert person.place_of_birth == ""


def test_edit_person_of_another_office_is_not_found(client, world):
    case = world.case()
    login(client, world.user("counsellor", "rabat"))
    url = reverse("web:person_edit", args=[case.person_id])
    assert client.get(url).status_code == 404


# --- audit ------------------------------------------------------------------------------


def test_audit_page_is_forbidden_to_non_auditors(client, world):
    login(client, world.user("counsellor"))
    assert client.get(reverse("web:audit_log")).status_code == 403
    assert reverse("web:audit_log") not in client.get(reverse("web:my_work")).content.decode()


def test_auditor_lists_and_filters_the_audit_log(client, world):
    case = world.case()
    other = world.case()
    counsellor = world.user("counsellor")
    login(client, counsellor).get(detail_url(case))
    client.get(detail_url(other))
    auditor = world.user("auditor")
    login(client, auditor)
    assert reverse("web:audit_log") in client.get(reverse("web:my_work")).content.decode()
    body = client.get(
        reverse("web:audit_log"), {"case_reference": case.reference, "action": "view"}
    ).content.decode()
    assert "1 event" in body
    assert case.reference in body and other.reference not in body
    bad = client.get(reverse("web:audit_log"), {"date_from": "not-a-date"})
    assert bad.status_code == 200
