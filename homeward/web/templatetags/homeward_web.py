"""Template helpers shared by every page: navigation facts, phase badges, labels."""

from django import template
from django.utils.translation import gettext_lazy as _

from homeward.accounts.models import Membership
from homeward.audit.selectors import can_view_audit
from homeward.cases import workflow
from homeward.cases.models import Phase
from homeward.web.forms.people import LANGUAGE_NAMES

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
        return {"can_view_audit": False, "posts": []}
    posts: dict[str, list[str]] = {}
    for m in Membership.objects.filter(user=user).select_related("office").order_by("office__name"):
        posts.setdefault(m.office.name, []).append(str(m.get_role_display()))
    return {
        "can_view_audit": can_view_audit(user),
        "posts": [(office, ", ".join(sorted(roles))) for office, roles in posts.items()],
    }


@register.inclusion_tag("web/_phase_badge.html")
def phase_badge(phase: str):
    try:
        label = Phase(phase).label
    except ValueError:
        label = phase
    return {"phase": phase, "label": label, "tone": PHASE_TONE.get(phase, "new")}


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


@register.filter
def language_name(code: str) -> str:
    name = LANGUAGE_NAMES.get(code)
    return str(name) if name else code
