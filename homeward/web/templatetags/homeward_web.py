"""Template helpers shared by every page: navigation facts, phase badges, labels."""

import functools
from decimal import Decimal
from html import escape

from django import forms, template
from django.urls import get_script_prefix, reverse
from django.utils.dateformat import format as date_format_value
from django.utils.formats import get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_localtime
from homeward.accounts.roles import Role
from homeward.cases import workflow
from homeward.cases.models import Phase
from homeward.programmes.models import ReturnScheme

register = template.Library()

# Phases grouped into a few colours: where the case stands at a glance.
PHASE_TONE = {
    Phase.IDENTIFIED: "new",
    Phase.COUNSELLING: "active",
    Phase.REGISTERED: "active",
    Phase.PRE_DEPARTURE: "travel",
    Phase.TRAVEL_BOOKED: "travel",
    Phase.DEPARTED: "travel",
    Phase.ARRIVED: "return",
    Phase.REINTEGRATION: "return",
    Phase.MONITORING: "return",
    Phase.CLOSED: "done",
    Phase.WITHDRAWN: "stopped",
    Phase.NOT_ELIGIBLE: "stopped",
    Phase.DECLINED_UNSAFE: "stopped",
    Phase.REFERRED_ASYLUM: "stopped",
}


@register.simple_tag
def user_nav(user) -> dict:
    """What the header shows: whether the audit log is offered, and the user's posts."""
    if not getattr(user, "is_authenticated", False):
        return {"posts": []}
    access = access_for(user)
    posts = sorted(
        (name, ", ".join(sorted(str(Role(r).label) for r in access.roles_by_office[office_id])))
        for office_id, name in access.office_names.items()
    )
    return {"posts": posts}


# The main navigation: (URL name, label, the pages it is current for, the context flag of
# `context_processors.nav_permissions` that offers it, or None for every signed-in user).
NAV_LINKS = (
    ("web:my_work", _("My work"), {"my_work"}, None),
    ("web:case_list", _("Cases"), {"case_list", "case_detail", "case_edit"}, None),
    ("web:person_list", _("People"), {"person_list", "person_edit", "case_open"}, None),
    ("web:person_create", _("New person"), {"person_create"}, "can_register_people"),
    (
        "web:import_list",
        _("Notification lists"),
        {"import_list", "import_check", "import_detail"},
        "can_import_lists",
    ),
    ("web:arrival_list", _("Arrivals"), {"arrival_list", "arrival_ledger"}, "can_receive_arrivals"),
    (
        "web:movement_list",
        _("Movements"),
        {"movement_list", "movement_board", "movement_booking", "abn_inbox", "abn_detail"},
        "can_see_movements",
    ),
    ("web:audit_log", _("Audit log"), {"audit_log"}, "can_view_audit"),
)
_NAV_KEPT = 512
_navs: dict = {}


@register.simple_tag(takes_context=True)
def main_nav(context):
    """The main navigation of a signed-in page. Rendered once per language, current page
    and set of links offered, then reused: it is the same for every request alike, and
    rendering it as a template took about a millisecond of every page."""
    match = getattr(context.get("request"), "resolver_match", None)
    current = getattr(match, "url_name", None)
    offered = tuple(flag is None or bool(context.get(flag)) for *_link, flag in NAV_LINKS)
    key = (get_language(), get_script_prefix(), current, offered)
    html = _navs.get(key)
    if html is None:
        if len(_navs) >= _NAV_KEPT:
            _navs.clear()
        html = _navs[key] = _render_nav(current, offered)
    return html


def _render_nav(current, offered) -> str:
    items = [
        format_html(
            '<li><a href="{}"{}>{}</a></li>',
            reverse(name),
            mark_safe(' aria-current="page"') if current in pages else "",
            label,
        )
        for (name, label, pages, _flag), shown in zip(NAV_LINKS, offered, strict=True)
        if shown
    ]
    return format_html(
        '<nav class="main-nav" aria-label="{}">\n<ul>\n{}\n</ul>\n</nav>',
        _("Main navigation"),
        mark_safe("\n".join(items)),
    )


@register.filter
def choice_label(obj, field_name: str):
    """`obj.get_<field>_display()`, without rebuilding the field's choices on every call
    (a case page shows a dozen of them)."""
    value = getattr(obj, field_name)
    return _choice_labels(type(obj), field_name).get(value, value)


@functools.cache
def _choice_labels(model, field_name: str) -> dict:
    return dict(model._meta.get_field(field_name).flatchoices)


@register.simple_tag
def phase_badge(phase: str, label: str | None = None):
    # Rendered in Python: it appears on every row of every list.
    if label is None:
        label = Phase(phase).label if phase in Phase.values else phase
    return format_html(
        '<span class="badge badge--{}" data-phase="{}">{}</span>',
        PHASE_TONE.get(phase, "new"),
        phase,
        label,
    )


@register.simple_tag
def filter_field(field):
    """A filter select or checkbox with its label, rendered in Python.

    Django renders every <option> through a template; with a dozen filters on every list
    request that was most of the page's time.
    """
    if isinstance(field.field.widget, forms.CheckboxInput):
        checked = mark_safe(" checked") if field.value() else ""
        control = format_html(
            '<input type="checkbox" name="{}" id="{}"{}>', field.html_name, field.auto_id, checked
        )
        return format_html(
            '<div class="field field--checkbox">{}<label for="{}">{}</label></div>',
            control,
            field.auto_id,
            field.label,
        )
    selected = str(field.value() or "")
    options = mark_safe(
        "".join(
            f'<option value="{escape(str(value))}"'
            f"{' selected' if str(value) == selected else ''}>{escape(str(label))}</option>"
            for value, label in field.field.choices
        )
    )
    return format_html(
        '<div class="field"><label for="{}">{}</label><select name="{}" id="{}">{}</select></div>',
        field.auto_id,
        field.label,
        field.html_name,
        field.auto_id,
        options,
    )


# Timeline titles in the past tense; an action missing here shows its transition's label.
EVENT_TITLES = {
    "open": _("Case opened"),
    "start_counselling": _("Counselling started"),
    "register": _("Registered for return"),
    "start_pre_departure": _("Pre-departure started"),
    "book_travel": _("Travel booked"),
    "confirm_departure": _("Departure confirmed"),
    "confirm_arrival": _("Arrival confirmed"),
    "start_reintegration": _("Reintegration started"),
    "start_monitoring": _("Monitoring started"),
    "close": _("Case closed"),
    "withdraw": _("Withdrawn (migrant's decision)"),
    "reopen": _("Re-opened"),
    "mark_not_eligible": _("Found not eligible"),
    "decline_unsafe": _("Declined: return not safe"),
    "refer_asylum": _("Referred for asylum (UNHCR)"),
}


@register.filter
def event_label(action: str) -> str:
    """A timeline entry's title."""
    if action in EVENT_TITLES:
        return str(EVENT_TITLES[action])
    transition = workflow.BY_NAME.get(action)
    return str(transition.label) if transition else action


_CASE_ROW = (
    '<tr><td data-label="{ref}"><a class="case-ref" href="{url}">{reference}</a></td>'
    '<td data-label="{name}">{display_name}</td><td data-label="{phase}">{badge}</td>'
    '<td data-label="{scheme}">{scheme_label}</td>'
    '<td data-label="{offices}">{host} → {origin}</td><td data-label="{assigned}">{assignee}</td>'
    '<td data-label="{updated}"><time datetime="{iso}">{day}</time></td></tr>'
)
_CASE_ROW_LABELS = {
    "ref": _("Reference"),
    "name": _("Name"),
    "phase": _("Phase"),
    "scheme": _("Scheme"),
    "offices": _("Offices"),
    "assigned": _("Assigned to"),
    "updated": _("Updated"),
}
_CASE_ROW_FIELDS = (
    "url",
    "reference",
    "display_name",
    "badge",
    "scheme_label",
    "host",
    "origin",
    "assignee",
    "iso",
    "day",
)


@register.simple_tag
def case_rows(rows):
    """The rows of a case table (dicts from `case_rows_for`), rendered in Python: on a
    25-row page the template engine spent more time on these cells than the database on
    the whole query. Each value is escaped once here (`html.escape`, as Django's `escape`
    does); labels, badges, scheme names and days once per table, not once per row."""
    # The column labels go into the row pattern once; the row's fields stay placeholders.
    labels = {
        key: escape(str(label)).replace("{", "{{").replace("}", "}}")
        for key, label in _CASE_ROW_LABELS.items()
    }
    pattern = _CASE_ROW.format(**labels, **{name: f"{{{name}}}" for name in _CASE_ROW_FIELDS})
    prefix = escape(reverse("web:case_list"))
    date_format = get_format("DATE_FORMAT")
    zone = get_current_timezone()
    badges, schemes, days = {}, {}, {}
    html = []
    for row in rows:
        reference = escape(row["reference"])
        phase, scheme = row["phase"], row["scheme"]
        if phase not in badges:
            badges[phase] = phase_badge(phase) if phase in Phase.values else escape(phase)
        if scheme not in schemes:
            label = ReturnScheme(scheme).label if scheme in ReturnScheme.values else scheme
            schemes[scheme] = escape(str(label))
        updated = row["updated_at"].astimezone(zone)
        day = days.get(updated.date())
        if day is None:
            day = days[updated.date()] = escape(date_format_value(updated, date_format))
        html.append(
            pattern.format(
                url=f"{prefix}{reference}/",
                reference=reference,
                display_name=escape(row["person__display_name"]),
                badge=badges[phase],
                scheme_label=schemes[scheme],
                host=escape(row["host_office__name"] or "—"),
                origin=escape(row["origin_office__name"]),
                assignee=escape(_assignee(row)),
                iso=updated.isoformat(),
                day=day,
            )
        )
    return mark_safe("".join(html))


def _assignee(row: dict) -> str:
    full = f"{row['assigned_to__first_name'] or ''} {row['assigned_to__last_name'] or ''}".strip()
    return full or row["assigned_to__username"] or "—"


@register.simple_tag
def office_time(moment, office, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """A moment as the wall-clock time of an office, with its zone's abbreviation: a
    movement leaves at the host office's local time, whoever reads the page."""
    if moment is None:
        return ""
    local = office_localtime(office, moment)
    return f"{date_format_value(local, get_format(format_name))} {local.tzname()}"


@register.filter
def rate(value) -> str:
    """An exchange rate without its trailing zeros, in the page's number format
    (655.96, or 655,96 in French; stored as 655.960000)."""
    if value in (None, ""):
        return ""
    number = Decimal(value).normalize()
    places = max(0, -number.as_tuple().exponent)
    return number_format(number, decimal_pos=places, use_l10n=True)
