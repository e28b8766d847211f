"""Who may do what on arrival: the origin office's reception and finance staff."""

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases.policies import readable_groups_for_case, writable_groups_for_case


def _at_origin(actor, case) -> frozenset:
    return access_for(actor).perms_at([case.origin_office_id])


def can_pay_pocket_money(actor, case) -> bool:
    """R-ARR-4: the origin office pays; amounts are financial data."""
    return Perm.POCKET_MONEY_PAY in _at_origin(actor, case) and (
        FieldGroup.FINANCIAL in writable_groups_for_case(actor, case)
    )


def can_read_amounts(actor, case) -> bool:
    return FieldGroup.FINANCIAL in readable_groups_for_case(actor, case)


def can_read_ledger(actor, office_id) -> bool:
    return FieldGroup.FINANCIAL in access_for(actor).readable_at([office_id])


def can_record_arrival(actor, case) -> bool:
    return Perm.ARRIVAL_RECORD in _at_origin(actor, case)
