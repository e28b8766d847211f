"""Template context shared by every page."""

from django.utils.functional import SimpleLazyObject

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.audit.selectors import can_view_audit


def nav_permissions(request) -> dict:
    """What the navigation and the pages may offer: links that would only lead to a 403
    page stay hidden. Evaluated only when a template asks (the access is cached per user)."""
    user = getattr(request, "user", None)

    def signed_in() -> bool:
        return bool(user is not None and user.is_authenticated)

    return {
        "can_register_people": SimpleLazyObject(
            lambda: signed_in() and access_for(user).has_anywhere(Perm.PERSON_EDIT)
        ),
        "can_view_audit": SimpleLazyObject(lambda: signed_in() and can_view_audit(user)),
        # R-ARR-3: notification lists are imported by the origin offices' case openers.
        "can_import_lists": SimpleLazyObject(
            lambda: signed_in() and access_for(user).has_at_origin(Perm.CASE_CREATE)
        ),
        # Phases 2–3: movements of the host offices, ABNs answered by the origin offices,
        # suspensions of returns set by programme managers.
        "can_see_movements": SimpleLazyObject(
            lambda: (
                signed_in()
                and any(
                    access_for(user).has_anywhere(p)
                    for p in (
                        Perm.TRAVEL_PREPARE,
                        Perm.TRAVEL_BOOK,
                        Perm.ABN_CONFIRM,
                        Perm.SUSPENSION_MANAGE,  # suspensions are reached from the movements
                    )
                )
            )
        ),
        # Phase 4: the origin offices' reception and finance staff.
        "can_receive_arrivals": SimpleLazyObject(
            lambda: (
                signed_in()
                and access_for(user).has_at_origin(Perm.ARRIVAL_RECORD, Perm.POCKET_MONEY_PAY)
            )
        ),
    }
