"""Who may do what to a case: action permissions × row scope × field groups."""

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm, Role

from .workflow import Transition


def can_view_case(actor, case) -> bool:
    """R-DAT-2: a case is seen by its host and origin offices, each within its roles."""
    return Perm.CASE_VIEW in access_for(actor).perms_at(case.office_ids)


def can_edit_case(actor, case) -> bool:
    return Perm.CASE_EDIT in access_for(actor).perms_at(case.office_ids)


def can_run_transition(actor, case, transition: Transition) -> bool:
    return transition.permission in access_for(actor).perms_at(case.office_ids)


def readable_groups_for_case(actor, case) -> frozenset[FieldGroup]:
    """R-VOT-3: trafficking detail also reaches the assigned case manager with consent."""
    access = access_for(actor)
    groups = access.readable_at(case.office_ids)
    if (
        case.protection_shared_with_assignee
        and case.assigned_to_id == access.user_id
        and Role.CASE_MANAGER in access.roles_at(case.office_ids)
    ):
        groups |= {FieldGroup.TRAFFICKING}
    return groups


def writable_groups_for_case(actor, case) -> frozenset[FieldGroup]:
    return access_for(actor).writable_at(case.office_ids)
