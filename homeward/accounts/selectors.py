"""Reads of offices and users."""

from collections import defaultdict

from django.db.models import Q

from homeward.core.working_days import Calendar, closed_dates, weekend_pattern

from .access import access_for
from .clock import office_day, office_today, office_zone  # noqa: F401  (office-local time)
from .models import Office, OfficeClosure, User
from .roles import CASE_WORKER_ROLES


def office_choices_for(actor):
    """The offices the actor holds a role in, plus every origin office.

    Origin offices are listed for everyone because a host office must name the origin
    office of each case it opens; listing an office discloses no case or person.
    """
    access = access_for(actor)
    return Office.objects.filter(Q(pk__in=access.office_ids) | Q(is_origin=True)).order_by("name")


def case_workers_of(office_ids):
    """Active users who work on case files in these offices: those a case may be assigned to."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__office__in=office_ids,
            memberships__role__in=CASE_WORKER_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def calendar_for(office: Office) -> Calendar:
    """The working-day calendar of an office: its country's public holidays, its weekend (the
    office's own if set, else the country's) and its closures. One query (the closures).

    Build it once per request or job and pass it to every deadline of that office.
    """
    ranges = OfficeClosure.objects.filter(office=office).values_list("starts_on", "ends_on")
    return _calendar(office, ranges)


def calendars_for(offices) -> dict:
    """``{office.id: Calendar}`` for several offices in one query (worklists across offices)."""
    offices = list(offices)
    ranges = defaultdict(list)
    rows = OfficeClosure.objects.filter(office__in=[o.pk for o in offices]).values_list(
        "office_id", "starts_on", "ends_on"
    )
    for office_id, starts_on, ends_on in rows:
        ranges[office_id].append((starts_on, ends_on))
    return {office.pk: _calendar(office, ranges[office.pk]) for office in offices}


def _calendar(office: Office, ranges) -> Calendar:
    return Calendar(
        country=office.country_id,
        weekend=weekend_pattern(office.weekend) if office.weekend else None,
        closed=closed_dates(ranges),
    )
