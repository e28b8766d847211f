"""Pages of phases 2–3: the movements of a host office with its worklist, a movement's
board, a booking's steps, travel documents of a case, the ABN inbox of an origin office and
suspensions. Every write goes through `homeward.movements.services`."""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from homeward.accounts.access import access_for
from homeward.accounts.clock import office_today
from homeward.accounts.roles import Perm
from homeward.cases.selectors import case_get_for
from homeward.core.errors import ApplicationError, NotFound
from homeward.documents.travel import abn_pdf, can_print_returnee_sheet, returnee_sheet_pdf
from homeward.movements import selectors, services
from homeward.movements.models import Booking, TravelDocumentRequest

from ..forms import movements as forms
from ._common import maps_errors, private_page, show_service_errors


def _run(form, call) -> bool:
    """Call the service with the form's data; put its errors on the form. True on success."""
    try:
        call(form.cleaned_data)
    except ApplicationError as exc:
        show_service_errors(exc, form)
        for reason in exc.reasons or ():
            form.add_error(NON_FIELD_ERRORS, reason)
        form.status = exc.status_code
        return False
    return True


def _status(*forms_) -> int:
    return max([getattr(f, "status", 200) for f in forms_ if f is not None] + [200])


def _bound(request, name: str, form_class, **kwargs):
    """The form named by the POST's `form` field is bound; others are blank."""
    if request.method == "POST" and request.POST.get("form") == name:
        return form_class(request.POST, **kwargs)
    return form_class(**kwargs)


@private_page
def movement_list(request):
    """Upcoming (or, with ?show=past, departed and cancelled) movements of the user's host
    and origin offices, the deadlines of the user's offices
    (R-TRV-3, R-TRV-4, R-TRV-10) and the form to plan a movement."""
    access = access_for(request.user)
    if not access.has_anywhere(Perm.CASE_VIEW):
        raise DjangoPermissionDenied(_("You may not see movements."))
    can_plan = access.has_anywhere(Perm.TRAVEL_PREPARE)
    past = request.GET.get("show") == "past"
    form = _bound(request, "movement", forms.MovementForm, actor=request.user) if can_plan else None
    if form is not None and form.is_bound and form.is_valid():
        if _run(
            form,
            lambda d: setattr(
                form,
                "created",
                services.movement_create(actor=request.user, **form.service_data()),
            ),
        ):
            messages.success(request, _("Movement planned."))
            return redirect("web:movement_board", movement_id=form.created.pk)
    elif form is not None and form.is_bound:
        form.status = 400
    context = {
        "past": past,
        "movements": list(selectors.movement_list_for(request.user, past=past)[:100]),
        "worklist": selectors.worklist_for(request.user),
        "form": form,
        "can_manage_suspensions": access.has_anywhere(Perm.SUSPENSION_MANAGE),
        "can_answer_abns": access.has_anywhere(Perm.ABN_CONFIRM),
    }
    return render(request, "web/movement_list.html", context, status=_status(form))


@private_page
@maps_errors
def movement_board(request, movement_id):
    """A movement's cases and their readiness; booking, ABN and departure forms."""
    board = selectors.movement_board(request.user, movement_id=movement_id)
    movement = board.movement
    perms = access_for(request.user).perms_at({movement.host_office_id})
    book_form = _bound(request, "book", forms.BookingForm)
    departure_form = _bound(
        request,
        "departure",
        forms.DepartureForm,
        initial={"departed_on": office_today(movement.host_office)},
    )
    cancel_form = _bound(request, "cancel_movement", forms.CancelForm)
    if request.method == "POST":
        name = request.POST.get("form")
        done = False
        if name == "book" and book_form.is_valid():

            def book(data):
                data = dict(data)
                case = case_get_for(request.user, reference=data.pop("reference"), prefetch=False)
                services.booking_create(
                    actor=request.user, movement_id=movement.pk, case_id=case.pk, **data
                )

            done = _run(book_form, book)
        elif name == "abn":
            try:
                services.abn_send(actor=request.user, movement_id=movement.pk)
                done = True
            except ApplicationError as exc:
                details = [m for ms in exc.field_errors.values() for m in ms] + exc.reasons
                messages.error(request, " ".join([str(exc.message), *map(str, details)]))
        elif name == "cancel_movement" and cancel_form.is_valid():
            done = _run(
                cancel_form,
                lambda d: services.movement_cancel(
                    actor=request.user,
                    movement_id=movement.pk,
                    version=movement.version,
                    reason=d["reason"],
                ),
            )
        elif name == "departure" and departure_form.is_valid():
            done = _run(
                departure_form,
                lambda d: services.movement_confirm_departure(
                    actor=request.user, movement_id=movement.pk, **d
                ),
            )
        if done:
            messages.success(request, BOARD_DONE[name]())
            return redirect("web:movement_board", movement_id=movement.pk)
        for form in (book_form, departure_form, cancel_form):
            if form.is_bound and not hasattr(form, "status"):
                form.status = 400
        board = selectors.movement_board(request.user, movement_id=movement_id)
    context = {
        "board": board,
        "movement": movement,
        "book_form": book_form,
        "departure_form": departure_form,
        "cancel_form": cancel_form,
        "can_book": Perm.TRAVEL_BOOK in perms,
        "can_depart": Perm.TRAVEL_DEPART in perms,
    }
    return render(
        request,
        "web/movement_board.html",
        context,
        status=_status(book_form, departure_form, cancel_form),
    )


def _booking_for(actor, booking_id) -> Booking:
    booking = (
        Booking.objects.select_related(
            "movement__host_office",
            "movement__origin_office",
            "case",
            "rebooked_from__movement",
            "rebooked_to__movement",
        )
        .filter(pk=booking_id)
        .first()
    )
    if booking is None:
        raise NotFound(_("Booking not found."))
    selectors.movement_get_for(actor, movement_id=booking.movement_id)
    case_get_for(actor, case_id=booking.case_id, prefetch=False)
    return booking


BOOKING_STEPS = {
    "escorts": (forms.EscortsForm, services.booking_set_escorts),
    "ticket": (forms.TicketForm, services.booking_issue_ticket),
    "informed": (forms.InformedForm, services.booking_record_informed),
    "final": (forms.FinalDiscussionForm, services.final_discussion_record),
    "cancel": (forms.CancelForm, services.booking_cancel),
}
# What the user is told once a step is saved (translated when shown).
BOOKING_DONE = {
    "escorts": lambda: _("Escorts saved."),
    "ticket": lambda: _("Ticket recorded."),
    "informed": lambda: _("Recorded that the migrant was told the travel details."),
    "final": lambda: _("Final pre-departure discussion recorded."),
    "cancel": lambda: _("Booking cancelled."),
    "reviewed": lambda: _("Booking marked as reviewed."),
}
BOARD_DONE = {
    "book": lambda: _("Case booked on this movement."),
    "abn": lambda: _("Advance booking notification sent to the origin office."),
    "cancel_movement": lambda: _("Movement cancelled."),
    "departure": lambda: _("Departure confirmed."),
}


@private_page
@maps_errors
def movement_booking(request, booking_id):
    """A booking's steps: escorts (R-TRV-6), ticket (R-TRV-2), migrant told (R-TRV-7),
    final discussion (R-TRV-8), cancellation, and the returnee information sheet (R-TRV-9)."""
    booking = _booking_for(request.user, booking_id)
    today = office_today(booking.movement.host_office)
    initial = {
        "escorts": {
            "version": booking.version,
            "medical_escort": booking.medical_escort,
            "operational_escort": booking.operational_escort,
            "escort_notes": booking.escort_notes,
        },
        "ticket": {"version": booking.version, "issued_on": today},
        "informed": {"informed_on": booking.informed_on or today},
        "final": {"held_on": today},
        "cancel": {},
    }
    step_forms = {
        name: _bound(request, name, form_class, initial=initial[name])
        for name, (form_class, _service) in BOOKING_STEPS.items()
    }
    targets = selectors.rebook_targets_for(request.user, booking=booking)
    rebook_form = _bound(
        request, "rebook", forms.RebookForm, targets=targets, initial={"version": booking.version}
    )
    if request.method == "POST" and request.POST.get("form") == "rebook":
        if rebook_form.is_valid() and _run(
            rebook_form,
            lambda d: setattr(
                rebook_form,
                "created",
                services.booking_rebook(
                    actor=request.user, booking_id=booking.pk, **rebook_form.service_data()
                ),
            ),
        ):
            messages.success(
                request,
                _(
                    "Rebooked. The new movement needs its ABN confirmed by the origin office "
                    "before the ticket; tell the migrant the new travel details."
                ),
            )
            return redirect("web:movement_booking", booking_id=rebook_form.created.pk)
        if not hasattr(rebook_form, "status"):
            rebook_form.status = 400
    elif request.method == "POST":
        name = request.POST.get("form")
        if name == "reviewed":
            try:
                services.booking_mark_reviewed(actor=request.user, booking_id=booking.pk)
            except ApplicationError as exc:
                messages.error(request, " ".join([str(exc.message), *exc.reasons]))
            else:
                messages.success(request, BOOKING_DONE["reviewed"]())
            return redirect("web:movement_booking", booking_id=booking.pk)
        form = step_forms.get(name)
        if form is None:
            raise Http404
        service = BOOKING_STEPS[name][1]
        if form.is_valid() and _run(
            form, lambda d: service(actor=request.user, booking_id=booking.pk, **d)
        ):
            messages.success(request, BOOKING_DONE[name]())
            return redirect("web:movement_booking", booking_id=booking.pk)
        if not hasattr(form, "status"):
            form.status = 400
    ticket_reasons = []
    if booking.is_active:
        booking.case = case_get_for(request.user, case_id=booking.case_id, prefetch=False)
        ticket_reasons = services.ticket_problems(booking)
    context = {
        "booking": booking,
        "may_print_sheet": can_print_returnee_sheet(request.user, booking.case),
        "forms": step_forms,
        "rebook_form": rebook_form,
        "can_rebook": targets.exists() if booking.is_active else False,
        "rebooked_from": booking.rebooked_from,
        "rebooked_to": getattr(booking, "rebooked_to", None)
        if hasattr(booking, "rebooked_to")
        else None,
        "ticket_reasons": ticket_reasons,
        "discussion": getattr(booking, "final_discussion", None)
        if hasattr(booking, "final_discussion")
        else None,
    }
    return render(
        request,
        "web/movement_booking.html",
        context,
        status=_status(rebook_form, *step_forms.values()),
    )


@private_page
@maps_errors
def returnee_sheet_view(request, booking_id):
    """R-TRV-9: the returnee information sheet PDF, in the returnee's language by default."""
    booking = _booking_for(request.user, booking_id)
    pdf, language = returnee_sheet_pdf(
        actor=request.user, case_id=booking.case_id, language=request.GET.get("language", "")
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"returnee-sheet-{booking.case.reference}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@private_page
@maps_errors
def travel_documents(request, reference):
    """R-TRV-1: a case's travel document requests, a new request and their outcomes."""
    case = case_get_for(request.user, reference=reference, prefetch=False)
    requests_ = list(TravelDocumentRequest.objects.filter(case=case).order_by("-requested_on"))
    office = case.host_office or case.origin_office
    form = _bound(
        request, "request", forms.TravelDocumentForm, initial={"requested_on": office_today(office)}
    )
    outcome_forms = {
        r.pk: (
            forms.TravelDocumentOutcomeForm(request.POST, prefix=str(r.pk))
            if request.method == "POST" and request.POST.get("form") == f"outcome-{r.pk}"
            else forms.TravelDocumentOutcomeForm(prefix=str(r.pk), initial={"version": r.version})
        )
        for r in requests_
        if r.status == "requested"
    }
    if request.method == "POST":
        name = request.POST.get("form", "")
        target = form if name == "request" else None
        call = None
        if target is not None:
            call = lambda d: services.travel_document_request(  # noqa: E731
                actor=request.user, case_id=case.pk, **d
            )
        for pk, outcome in outcome_forms.items():
            if name == f"outcome-{pk}":
                target = outcome
                call = lambda d, pk=pk: services.travel_document_record_outcome(  # noqa: E731
                    actor=request.user, request_id=pk, **d
                )
        if target is None:
            raise Http404
        if target.is_valid() and _run(target, call):
            messages.success(
                request,
                _("Travel document requested.")
                if name == "request"
                else _("Travel document request updated."),
            )
            return redirect("web:travel_documents", reference=case.reference)
        if not hasattr(target, "status"):
            target.status = 400
    context = {
        "case": case,
        "bookings": Booking.objects.filter(case=case)
        .select_related("movement__host_office")
        .order_by("-created_at"),
        "requests": [(r, outcome_forms.get(r.pk)) for r in requests_],
        "form": form,
        "can_prepare": Perm.TRAVEL_PREPARE in access_for(request.user).perms_at(case.office_ids),
    }
    return render(
        request,
        "web/movement_travel_documents.html",
        context,
        status=_status(form, *outcome_forms.values()),
    )


@private_page
def abn_inbox(request):
    """R-TRV-4: the ABNs sent to the user's origin offices, open and overdue ones first."""
    rows = selectors.abn_inbox_for(request.user)
    return render(request, "web/abn_inbox.html", {"rows": rows})


@private_page
@maps_errors
def abn_detail(request, abn_id):
    """An ABN as the user may read it (R-VOT-3) and the origin office's answer."""
    copy = selectors.abn_copy_for(request.user, abn_id=abn_id, record_view=request.method == "GET")
    form = _bound(request, "answer", forms.AbnAnswerForm, initial={"version": copy.abn.version})
    if request.method == "POST":
        if form.is_valid() and _run(
            form,
            lambda d: services.abn_respond(
                actor=request.user,
                abn_id=copy.abn.pk,
                version=d["version"],
                confirm=d["decision"] == "confirm",
                message=d["message"],
            ),
        ):
            messages.success(request, _("Answer sent to the host office."))
            return redirect("web:abn_detail", abn_id=copy.abn.pk)
        if not hasattr(form, "status"):
            form.status = 400
    # R-TRV-3: codes stored, labels in the reader's language.
    context = {"copy": copy, "shown": copy.display(), "form": form}
    return render(request, "web/abn_detail.html", context, status=_status(form))


@private_page
@maps_errors
def abn_pdf_view(request, abn_id):
    pdf = abn_pdf(actor=request.user, abn_id=abn_id, language=get_language() or "en")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="abn-{abn_id}.pdf"'
    return response


@private_page
@maps_errors
def suspensions(request):
    """R-SUS-1: programme managers suspend returns to a country or area."""
    if not access_for(request.user).has_anywhere(Perm.SUSPENSION_MANAGE):
        raise DjangoPermissionDenied(_("Only a programme manager can suspend returns."))
    form = _bound(
        request, "suspension", forms.SuspensionForm, initial={"starts_on": timezone.localdate()}
    )
    current = selectors.suspension_list()
    lift_forms = {
        s.pk: (
            forms.SuspensionLiftForm(request.POST, prefix=f"lift-{s.pk}")
            if request.method == "POST" and request.POST.get("form") == f"lift-{s.pk}"
            else forms.SuspensionLiftForm(
                prefix=f"lift-{s.pk}",
                initial={"version": s.version, "lifted_on": timezone.localdate()},
            )
        )
        for s in current
        if not s.is_lifted
    }
    lifting = next((f for f in lift_forms.values() if f.is_bound), None)
    if lifting is not None:
        pk = next(pk for pk, f in lift_forms.items() if f is lifting)
        if lifting.is_valid() and _run(
            lifting,
            lambda d: services.suspension_lift(actor=request.user, suspension_id=pk, **d),
        ):
            messages.success(
                request,
                _(
                    "Suspension lifted: new bookings are accepted again; flagged bookings "
                    "still wait for their review."
                ),
            )
            return redirect("web:movement_suspensions")
        if not hasattr(lifting, "status"):
            lifting.status = 400
    if form.is_bound:
        if form.is_valid() and _run(
            form,
            lambda d: services.suspension_create(
                actor=request.user,
                country_id=d["country"].pk,
                admin_area_id=d["admin_area"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                reason=d["reason"],
            ),
        ):
            messages.success(
                request, _("Returns suspended; bookings there are flagged for review.")
            )
            return redirect("web:movement_suspensions")
        if not hasattr(form, "status"):
            form.status = 400
    return render(
        request,
        "web/movement_suspensions.html",
        {"form": form, "suspensions": [(s, lift_forms.get(s.pk)) for s in current]},
        status=_status(form, *lift_forms.values()),
    )
