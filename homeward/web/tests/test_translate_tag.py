"""`homeward_i18n`: a constant `{% translate %}` is kept per language; the other forms are
Django's own."""

from django.template import engines
from django.utils import translation

from homeward.web.templatetags.homeward_i18n import ConstantTranslateNode

TEMPLATE = (
    "{% load i18n homeward_i18n %}"
    '{% translate "My work" %}|{% trans "Cases" %}|{% translate word %}|'
    '{% translate "People" as people %}{{ people }}|{% translate "Sign out" noop %}|'
    '{% translate "May" context "alt. month" %}'
)


def render(language: str, word: str = "Arrivals") -> str:
    with translation.override(language):
        return engines["django"].from_string(TEMPLATE).render({"word": word})


def test_a_constant_text_follows_the_active_language_on_every_render():
    template = engines["django"].from_string(
        '{% load i18n homeward_i18n %}{% translate "My work" %}'
    )
    outputs = []
    for language in ("en", "fr", "en", "fr"):
        with translation.override(language):
            outputs.append(template.render({}))
    assert outputs == ["My work", "Mon travail", "My work", "Mon travail"]
    assert isinstance(template.template.nodelist[-1], ConstantTranslateNode)


def test_other_forms_of_the_tag_are_djangos():
    assert render("en") == "My work|Cases|Arrivals|People|Sign out|May"
    french = render("fr", word="Cases").split("|")
    assert french[:4] == ["Mon travail", "Dossiers", "Dossiers", "Personnes"]
    assert french[4] == "Sign out"  # noop: marked for translation, not translated
    assert french[5] == "Mai"
    nodes = engines["django"].from_string(TEMPLATE).template.nodelist
    assert sum(isinstance(n, ConstantTranslateNode) for n in nodes) == 2
