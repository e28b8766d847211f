"""Writes of phases 2–3 at the host office: travel documents, movements, bookings, the
Advance Booking Notification and its answer, the final discussion, suspensions, departure.

Pure rule checks (`*_problems`) return the reasons an action is blocked; the services raise
them, and `requirements.unmet_for_booking` contributes them to the `book_travel` guard.

One module per part of the journey; each imports only the ones listed before it:

- `_common`: validation errors, locked reads with the actor's permission, the audit line,
  `departure_day`, `active_bookings_count`, the e-mail to an office after commit;
- `travel_documents`: R-TRV-1 requests, outcomes, `travel_document_problems`;
- `movements`: planning (legs), large-scale needs (R-TRV-5), cancelling;
- `suspensions`: R-SUS-1 suspending, lifting, keeping a flagged booking;
- `abn`: the Advance Booking Notification (R-TRV-3, R-TRV-4), transit requests (R-TRV-11);
- `bookings`: escorts (R-TRV-6), booking, migrant informed (R-TRV-7), ticket (R-TRV-2),
  cancelling;
- `departures`: the `book_travel`/`confirm_departure` requirements, final discussion
  (R-TRV-8), confirmed departure (R-TRV-10, R-TRV-11);
- `rebooking`: moving a case onto another movement.

Callers use this package (`services.booking_create(...)`); a test that replaces a helper
patches it in the module that looks it up (e.g. `services.bookings.active_bookings_count`).
"""

from ._common import departure_day
from .abn import abn_respond, abn_send
from .bookings import (
    UMC_ESCORT_AGE,
    booking_cancel,
    booking_create,
    booking_issue_ticket,
    booking_record_informed,
    booking_set_escorts,
    needs_medical_escort,
    ticket_problems,
)
from .departures import (
    departure_problems,
    departure_reasons,
    final_discussion_record,
    movement_confirm_departure,
    unmet_for_booking,
)
from .movements import large_scale_requirements, movement_cancel, movement_create
from .rebooking import booking_rebook
from .suspensions import booking_mark_reviewed, suspension_create, suspension_lift
from .travel_documents import (
    TRAVEL_DOCUMENT_KINDS,
    travel_document_problems,
    travel_document_record_outcome,
    travel_document_request,
)

__all__ = [
    "TRAVEL_DOCUMENT_KINDS",
    "UMC_ESCORT_AGE",
    "abn_respond",
    "abn_send",
    "booking_cancel",
    "booking_create",
    "booking_issue_ticket",
    "booking_mark_reviewed",
    "booking_rebook",
    "booking_record_informed",
    "booking_set_escorts",
    "departure_day",
    "departure_problems",
    "departure_reasons",
    "final_discussion_record",
    "large_scale_requirements",
    "movement_cancel",
    "movement_confirm_departure",
    "movement_create",
    "needs_medical_escort",
    "suspension_create",
    "suspension_lift",
    "ticket_problems",
    "travel_document_problems",
    "travel_document_record_outcome",
    "travel_document_request",
    "unmet_for_booking",
]
