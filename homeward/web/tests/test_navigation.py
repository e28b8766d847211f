"""Navigation offers only what the user may do; sign-in and sign-out on a shared computer."""

import pytest
from django.conf import settings
from django.urls import reverse

from homeward.testing.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

REGISTER = reverse("web:person_create")


def page(client, user, url_name="web:my_work"):
    client.force_login(user)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response


# --- links that would lead to a 403 are not offered -------------------------------------


@pytest.mark.parametrize("url_name", ["web:my_work", "web:person_list"])
def test_roles_that_may_register_people_are_offered_the_links(client, world, url_name):
    body = page(client, world.user("counsellor"), url_name).content.decode()
    assert f'href="{REGISTER}"' in body
    assert "New person" in body


@pytest.mark.parametrize("url_name", ["web:my_work", "web:person_list"])
def test_roles_that_may_not_register_people_see_no_link_to_it(client, world, url_name):
    body = page(client, world.user("committee_member"), url_name).content.decode()
    assert client.get(REGISTER).status_code == 403  # where the link would lead
    assert REGISTER not in body
    assert "New person" not in body and "Register a person" not in body


def test_my_work_empty_state_does_not_suggest_registering_without_the_permission(client, world):
    body = page(client, world.user("committee_member")).content.decode()
    assert "Ask your supervisor to assign cases to you." in body
    assert "Register a person to open a case" not in body
    body = page(client, world.user("counsellor")).content.decode()
    assert "Register a person to open a case" in body


def test_navigation_context_says_what_the_user_may_do(client, world):
    counsellor = page(client, world.user("counsellor")).context
    assert counsellor["can_register_people"] and not counsellor["can_view_audit"]
    auditor = page(client, world.user("auditor")).context
    assert auditor["can_view_audit"] and not auditor["can_register_people"]
    assert reverse("web:audit_log") in page(client, world.user("auditor")).content.decode()


def test_navigation_lists_people_between_cases_and_new_person(client, world):
    body = page(client, world.user("counsellor")).content.decode()
    nav = body[body.index('class="main-nav"') :]
    cases = nav.index(reverse("web:case_list"))
    people = nav.index(f'href="{reverse("web:person_list")}"')
    assert cases < people < nav.index(REGISTER)


def nav_of(body: str) -> str:
    start = body.index('<nav class="main-nav"')
    return body[start : body.index("</nav>", start)]


def test_navigation_reused_between_pages_follows_each_users_links_page_and_language(client, world):
    """The navigation is rendered once per language, page and set of links, then reused:
    the next user, page or language must still get their own."""
    counsellor = nav_of(page(client, world.user("counsellor"), "web:case_list").content.decode())
    committee = nav_of(
        page(client, world.user("committee_member"), "web:case_list").content.decode()
    )
    assert REGISTER in counsellor and REGISTER not in committee
    assert f'<a href="{reverse("web:case_list")}" aria-current="page">' in committee
    people = nav_of(
        page(client, world.user("committee_member"), "web:person_list").content.decode()
    )
    assert f'<a href="{reverse("web:case_list")}">' in people
    assert f'<a href="{reverse("web:person_list")}" aria-current="page">' in people
    client.post(reverse("web:set_language"), {"language": "fr", "next": "/"})
    french = nav_of(client.get(reverse("web:person_list")).content.decode())
    assert "Personnes" in french and "Navigation principale" in french
    assert "People" not in french


def test_anonymous_pages_render_without_permissions(client, world):
    response = client.get(reverse("web:login"))
    assert response.status_code == 200
    assert not response.context["can_register_people"]
    assert REGISTER not in response.content.decode()


# --- the signed-in user's own language --------------------------------------------------


def sign_in(client, user, **extra):
    return client.post(
        reverse("web:login"), {"username": user.username, "password": TEST_PASSWORD}, **extra
    )


@pytest.mark.parametrize(
    ("previous", "saved", "shown"), [("fr", "en", "Sign out"), ("en", "fr", "Se déconnecter")]
)
def test_sign_in_replaces_the_previous_users_language(client, world, previous, saved, shown):
    user = world.user("counsellor")
    user.language = saved
    user.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = previous  # the last user's choice
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == saved
    assert shown in client.get(reverse("web:my_work")).content.decode()


# --- sign-out leaves nothing of the previous user's way -------------------------------


def test_sign_out_goes_to_the_plain_sign_in_page(client, world):
    case = world.case()
    client.force_login(world.user("counsellor"))
    response = client.post(reverse("web:logout"), HTTP_REFERER=f"/cases/{case.reference}/")
    assert response.status_code == 302
    assert response.url == reverse("web:login")


def test_after_sign_out_the_previous_users_page_is_not_carried_to_the_next(client, world):
    case = world.case()
    detail = reverse("web:case_detail", args=[case.reference])
    client.force_login(world.user("counsellor"))
    client.post(reverse("web:logout"))
    # The back button on the shared computer asks for the case page again.
    response = client.get(detail)
    assert response.status_code == 302
    login_page = client.get(response.url)
    assert login_page.status_code == 302 and login_page.url == reverse("web:login")
    body = client.get(login_page.url).content.decode()
    assert case.reference not in body
    assert 'name="next" value=""' in body
    # Even a `next` posted with the form is ignored: the next user starts at their work.
    response = client.post(
        reverse("web:login"),
        {"username": "counsellor_rabat", "password": TEST_PASSWORD, "next": detail},
    )
    assert response.status_code == 302 and response.url == reverse("web:my_work")


def test_next_is_honoured_again_once_someone_signed_in_after_a_sign_out(client, world):
    client.force_login(world.user("counsellor"))
    client.post(reverse("web:logout"))
    sign_in(client, world.user("counsellor"))
    # The session then ends without the sign-out button (it expired): its `next` is the
    # same user's page and is kept.
    session = client.session
    for key in ("_auth_user_id", "_auth_user_backend", "_auth_user_hash"):
        session.pop(key, None)
    session.save()
    body = client.get(reverse("web:login"), {"next": "/cases/"}).content.decode()
    assert 'name="next" value="/cases/"' in body


def test_programme_managers_reach_suspensions_through_the_movements_link(client, world):
    manager = page(client, world.user("programme_manager"))
    assert manager.context["can_see_movements"]
    movements = client.get(reverse("web:movement_list")).content.decode()
    assert reverse("web:movement_suspensions") in movements
    assert not page(client, world.user("auditor")).context["can_see_movements"]
