"""Template helpers of single pages: the case file's confirmations and timeline, language
names."""

from html import escape

from django import template
from django.utils.dateformat import format as date_format_value
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from homeward.web.forms.people import LANGUAGE_NAMES

from .homeward_web import event_label, phase_badge

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
    Django's list of languages, then the ISO 639 name, else the code itself."""
    name = LANGUAGE_NAMES.get(code)
    if name:
        return str(name)
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return _iso_639_name(code)


def _iso_639_name(code: str) -> str:
    """The ISO 639 name (in English) of a language Django does not know, such as "dyo"
    (Jola-Fonyi); else the code itself."""
    import pycountry

    found = pycountry.languages.get(alpha_3=code) if len(code) == 3 else None
    if found is None and len(code) == 2:
        found = pycountry.languages.get(alpha_2=code)
    return found.name if found is not None else code


_TIMELINE_ITEM = (
    '\n          <li class="timeline__item">'
    '\n            <p class="timeline__title">{title}</p>'
    '\n            <p class="timeline__meta">'
    '\n              <time datetime="{iso}">{when}</time>'
    "\n              · {actor}"
    "\n            </p>"
    "\n            {phases}"
    "\n            {reason}"
    "\n          </li>\n        "
)


@register.simple_tag
def timeline_items(events):
    """The case file's timeline entries (from `case_file_of`), newest first, rendered in
    Python like the list rows: a case's history runs to dozens of entries of a few dates,
    badges and labels each. Every value is escaped once (`html.escape`, as Django does)."""
    if not events:
        return format_html(
            '\n          <li class="muted">{}</li>\n        ', _("Nothing recorded yet.")
        )
    system = escape(_("System"))
    datetime_format = get_format("DATETIME_FORMAT")
    zone = get_current_timezone()
    badges = {}

    def badge(phase):
        if phase not in badges:
            badges[phase] = phase_badge(phase)
        return badges[phase]

    html = []
    for event in events:
        at = event.at.astimezone(zone)
        phases = ""
        if event.to_phase:
            before = f"{badge(event.from_phase)} → " if event.from_phase else ""
            phases = f'<p class="timeline__phases">{before}{badge(event.to_phase)}</p>'
        reason = f'<p class="timeline__reason">{escape(event.reason)}</p>' if event.reason else ""
        html.append(
            _TIMELINE_ITEM.format(
                title=escape(event_label(event.action)),
                iso=at.isoformat(),  # the date filter's "c"
                when=escape(date_format_value(at, datetime_format)),
                actor=escape(event.actor_name) if event.actor_name else system,
                phases=phases,
                reason=reason,
            )
        )
    return mark_safe("".join(html))
