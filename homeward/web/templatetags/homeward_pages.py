"""Template helpers of single pages: the case file's confirmations, language names."""

from django import template
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from homeward.web.forms.people import LANGUAGE_NAMES

register = template.Library()

# Steps that cannot simply be taken back: the page asks before sending them.
IRREVERSIBLE = frozenset(
    {
        "confirm_departure",
        "confirm_arrival",
        "close",
        "withdraw",
        "decline_unsafe",
        "mark_not_eligible",
        "refer_asylum",
    }
)


@register.simple_tag
def confirm_question(transition, case) -> str:
    """The question asked before an irreversible transition, or "" for the others."""
    if transition.name not in IRREVERSIBLE:
        return ""
    return _("“%(action)s” for case %(reference)s cannot be undone. Continue?") % {
        "action": transition.label,
        "reference": case.reference,
    }


@register.filter
def language_label(code: str) -> str:
    """A language's name in the page's language: the counselling list first, then
    Django's list of languages, else the code itself."""
    name = LANGUAGE_NAMES.get(code)
    if name:
        return str(name)
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code
