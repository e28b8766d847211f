"""The French catalogue (pages and documents) and the Arabic one (documents only) are
complete and compiled; the pages use French."""

import gettext
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "homeward" / "locale"
# Each catalogue and the fewest messages it must hold (Arabic: the printed documents only).
CATALOGUES = {"fr": 300, "ar": 150}
per_language = pytest.mark.parametrize("language", list(CATALOGUES))

_STRING = r'"(?:[^"\\]|\\.)*"'
_ENTRY = re.compile(
    rf"(?P<flags>(?:^#.*\n)*)"
    rf"^msgid (?P<msgid>{_STRING}(?:\n{_STRING})*)\n"
    rf"(?:^msgid_plural (?P<plural>{_STRING}(?:\n{_STRING})*)\n)?"
    rf"(?P<msgstrs>(?:^msgstr(?:\[\d\])? {_STRING}(?:\n{_STRING})*\n?)+)",
    re.MULTILINE,
)
_MSGSTR = re.compile(rf"^msgstr(?:\[\d\])? (?P<value>{_STRING}(?:\n{_STRING})*)", re.MULTILINE)


def _text(quoted: str) -> str:
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', quoted))


def _po(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def _entries(language: str = "fr"):
    content = _po(language).read_text(encoding="utf-8")
    entries = [m for m in _ENTRY.finditer(content) if _text(m["msgid"])]
    assert len(entries) > CATALOGUES[language], "the catalogue should hold every message"
    return entries


@per_language
def test_every_message_has_a_translation(language):
    empty = [
        _text(m["msgid"])
        for m in _entries(language)
        if any(not _text(s["value"]) for s in _MSGSTR.finditer(m["msgstrs"]))
    ]
    assert empty == []


@per_language
def test_no_translation_is_fuzzy(language):
    fuzzy = [_text(m["msgid"]) for m in _entries(language) if "fuzzy" in m["flags"]]
    assert fuzzy == []


@per_language
def test_placeholders_are_kept(language):
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    broken = []
    for m in _entries(language):
        wanted = sorted(placeholder.findall(_text(m["msgid"])))
        for s in _MSGSTR.finditer(m["msgstrs"]):
            if sorted(placeholder.findall(_text(s["value"]))) != wanted:
                broken.append(_text(m["msgid"]))
    assert broken == []


@per_language
def test_compiled_catalogue_matches_the_source(tmp_path, language):
    fresh = tmp_path / "django.mo"
    po = _po(language)
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(po)], check=True)
    with po.with_suffix(".mo").open("rb") as committed, fresh.open("rb") as compiled:
        assert gettext.GNUTranslations(committed)._catalog == (
            gettext.GNUTranslations(compiled)._catalog
        ), "run `make messages` (compilemessages) and commit the .mo"


def test_gettext_answers_in_french():
    with translation.override("fr"):
        assert translation.gettext("Cases") == "Dossiers"
        assert translation.gettext("Case not found.") == "Dossier introuvable."
        assert translation.gettext("Please correct the errors below.").startswith("Veuillez")


@pytest.mark.django_db
def test_french_request_shows_the_case_list_in_french(client, world):
    case = world.case()
    client.force_login(world.user("counsellor"))
    response = client.get(reverse("web:case_list"), HTTP_ACCEPT_LANGUAGE="fr")
    body = response.content.decode()
    assert '<html lang="fr" dir="ltr">' in body
    assert "Nom ou référence" in body
    assert "Mon travail" in body
    assert "Identifié" in body  # the phase badge
    assert "1 dossier" in body
    assert case.reference in body


@pytest.mark.django_db
def test_language_switcher_sets_french(client, world):
    client.force_login(world.user("counsellor"))
    response = client.post(
        reverse("web:set_language"), {"language": "fr", "next": reverse("web:my_work")}
    )
    assert response.status_code == 302
    assert "Mon travail" in client.get(reverse("web:my_work")).content.decode()


@pytest.mark.django_db
def test_chosen_language_follows_the_user_to_another_computer(client, world):
    from django.test import Client

    from homeward.testing.factories import TEST_PASSWORD

    user = world.user("counsellor")
    client.force_login(user)
    client.post(reverse("web:set_language"), {"language": "fr", "next": "/"})
    user.refresh_from_db()
    assert user.language == "fr"
    other_computer = Client()
    other_computer.post(
        reverse("web:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert "Mon travail" in other_computer.get(reverse("web:my_work")).content.decode()


@pytest.mark.django_db
def test_unknown_language_is_refused_by_the_service(world):
    from homeward.accounts.services import user_set_language
    from homeward.core.errors import ApplicationError

    user = world.user("counsellor")
    with pytest.raises(ApplicationError):
        user_set_language(actor=user, language="xx")
    user.refresh_from_db()
    assert user.language == "en"


@pytest.mark.django_db
def test_login_uses_the_users_language_when_none_was_chosen(client, world):
    from homeward.testing.factories import TEST_PASSWORD

    user = world.user("counsellor")
    user.language = "fr"
    user.save(update_fields=["language"])
    client.post(reverse("web:login"), {"username": user.username, "password": TEST_PASSWORD})
    assert "Se déconnecter" in client.get(reverse("web:my_work")).content.decode()


def test_language_label_names_languages_django_does_not_know():
    from homeward.web.templatetags.homeward_pages import language_label

    assert language_label("dyo") == "Jola-Fonyi"  # ISO 639-3, not a code on the case page
    assert language_label("zzz-unknown") == "zzz-unknown"


def test_exchange_rates_shown_without_trailing_zeros_in_the_pages_number_format():
    from decimal import Decimal

    from django.utils import translation

    from homeward.web.templatetags.homeward_web import rate

    with translation.override("en"):
        assert rate(Decimal("655.960000")) == "655.96"
        assert rate(Decimal("655.957000")) == "655.957"
        assert rate(Decimal("600.000000")) == "600"
    with translation.override("fr"):
        assert rate(Decimal("655.960000")) == "655,96"
    assert rate(None) == ""
