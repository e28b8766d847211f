"""Reads of offices and users."""

from django.db.models import Q

from .access import access_for
from .models import Office, User
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
