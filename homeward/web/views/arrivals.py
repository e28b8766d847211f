"""Pages of phase 4 at the origin office: returnees expected and arrived, pocket money with
its receipt (R-ARR-4) and the pocket-money ledger."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from homeward.accounts.selectors import case_workers_of, office_today, office_zone
from homeward.arrivals.handover import is_child, umc_handover_record
from homeward.arrivals.ledger_export import pocket_money_ledger_xlsx
from homeward.arrivals.models import ReceptionReason
from homeward.arrivals.policies import (
    can_pay_pocket_money,
    can_read_amounts,
    can_record_arrival,
)
from homeward.arrivals.reception import (
    arrival_record,
    may_request_reception,
    reception_plan_save,
    reception_request,
    reception_required_reasons,
)
from homeward.arrivals.secondary import secondary_movement_record
from homeward.arrivals.selectors import (
    arrival_cases_for,
    arrival_of,
    arrival_offices_for,
    handover_of,
    last_exchange_rate,
    ledger_offices_for,
    notices_for,
    pocket_money_for_case,
    pocket_money_ledger,
    reception_plan_of,
    secondary_of,
)
from homeward.arrivals.services import (
    pocket_money_payable,
    pocket_money_receipt_download,
    pocket_money_record,
    rate_for,
)
from homeward.cases.policies import can_edit_case
from homeward.cases.selectors import case_get_for
from homeward.cases.services import case_viewed
from homeward.core.errors import ApplicationError, ValidationFailed
from homeward.documents.arrival_forms import pocket_money_receipt_pdf, umc_handover_pdf
from homeward.documents.rendering import document_languages
from homeward.registration.models import Guardian

from ..forms.arrivals import (
    ArrivalFilterForm,
    ArrivalForm,
    LedgerFilterForm,
    PocketMoneyForm,
    ReceptionPlanForm,
    SecondaryMovementForm,
    UmcHandoverForm,
)
from ._common import client_ip, maps_errors, paginate, private_page, show_service_errors
from .consent import attachment

PER_PAGE = 25


@private_page
@require_GET
def arrival_list(request):
    """Returnees expected at, or arrived in, the user's origin offices, with their
    pocket-money status (amounts are not shown here)."""
    offices = arrival_offices_for(request.user)
    office_ids = list(offices.values_list("pk", flat=True))
    if not office_ids:
        raise DjangoPermissionDenied(_("You do not receive returnees at an origin office."))
    form = ArrivalFilterForm(request.GET or None, offices=offices)
    show, chosen = "expected", office_ids
    if form.is_valid():
        show = form.cleaned_data.get("show") or "expected"
        if form.cleaned_data.get("office"):
            chosen = [form.cleaned_data["office"].pk]
    page = paginate(
        request, arrival_cases_for(request.user, office_ids=chosen, show=show), PER_PAGE
    )
    return render(request, "web/arrival_list.html", {"form": form, "page": page, "show": show})


@private_page
@maps_errors
def pocket_money_view(request, reference: str):
    """R-ARR-4: the case's pocket money: the rate, the ledger line, and the form to pay."""
    case = case_get_for(request.user, reference=reference, prefetch=False)
    may_pay = can_pay_pocket_money(request.user, case)
    if not (may_pay or can_read_amounts(request.user, case)):
        raise Http404(_("Case not found."))
    payment = pocket_money_for_case(case)
    today = office_today(case.origin_office)  # the paying office's day (R-ARR-4)
    rate = rate_for(case, payment.paid_on if payment else today)
    initial = {"paid_on": today}
    may_pay_now = may_pay and payment is None and pocket_money_payable(case)
    last = None
    if rate is not None:
        initial |= {"amount_local": rate.amount_local, "currency": rate.currency}
        if may_pay_now:
            last = last_exchange_rate(case.origin_office_id, rate.currency, on_or_before=today)
    if last is not None:
        initial["exchange_rate"] = last.exchange_rate.normalize()
    form = PocketMoneyForm(request.POST or None, request.FILES or None, initial=initial)
    if last is not None:
        # Help texts are rendered as HTML: escaped here.
        form.fields["exchange_rate"].help_text = escape(
            _(
                "The rate of this office's last payment in %(currency)s, on %(day)s: check that "
                "it is still today's."
            )
            % {"currency": rate.currency, "day": date_format(last.paid_on, "DATE_FORMAT")}
        )
    status = 200
    if request.method == "POST":
        if not may_pay or payment is not None:
            raise DjangoPermissionDenied(_("You may not record pocket money for this case."))
        if form.is_valid():
            try:
                pocket_money_record(
                    actor=request.user,
                    case_id=case.pk,
                    data=form.service_data(),
                    upload=form.cleaned_data.get("receipt"),
                )
            except ApplicationError as exc:
                show_service_errors(exc, form)
            else:
                messages.success(request, _("Pocket money recorded."))
                return redirect("web:case_pocket_money", reference=case.reference)
        status = 400
    else:
        case_viewed(actor=request.user, case=case, ip_address=client_ip(request))
    context = {
        "case": case,
        "payment": payment,
        "rate": rate,
        "form": form,
        "may_pay": may_pay_now,
        "not_departed": may_pay and payment is None and not may_pay_now,
        "print_languages": document_languages(),
    }
    return render(request, "web/arrival_pocket_money.html", context, status=status)


@private_page
@require_GET
@maps_errors
def pocket_money_receipt_pdf_view(request, reference: str):
    case = case_get_for(request.user, reference=reference, prefetch=False)
    try:
        pdf, language = pocket_money_receipt_pdf(
            actor=request.user, case_id=case.pk, language=request.GET.get("language", "")
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(exc.field_errors.get("language", [exc.message])))
        return redirect("web:case_pocket_money", reference=case.reference)
    return attachment(pdf, "application/pdf", f"{case.reference}_pocket_money_{language}.pdf")


@private_page
@require_GET
@maps_errors
def pocket_money_receipt_scan_view(request, reference: str):
    case = case_get_for(request.user, reference=reference, prefetch=False)
    payment = pocket_money_for_case(case)
    if payment is None:
        raise Http404(_("Receipt not found."))
    payment.case = case
    content = pocket_money_receipt_download(
        actor=request.user, payment=payment, ip_address=client_ip(request)
    )
    extension = payment.receipt_storage_name.rsplit(".", 1)[-1]
    return attachment(
        content, payment.receipt_content_type, f"{case.reference}_receipt.{extension}"
    )


def _ledger_form(request):
    """The office (one the user reads financial data at) and month asked for, and the
    filter form showing them; the offices are read once."""
    offices = ledger_offices_for(request.user)
    listed = list(offices)
    if not listed:
        raise DjangoPermissionDenied(_("You may not read a pocket money ledger."))
    wanted = request.GET.get("office") or str(listed[0].pk)
    office = next((o for o in listed if str(o.pk) == wanted), None)
    if office is None:
        raise Http404(_("Office not found."))
    month = (request.GET.get("month") or "")[:7]
    form = LedgerFilterForm(initial={"office": office.pk, "month": month}, offices=offices)
    return office, month, form


@private_page
@require_GET
@maps_errors
def ledger_view(request):
    """R-ARR-4: the pocket-money ledger of an origin office, apart from reintegration
    assistance, with totals by month and currency."""
    office, month, form = _ledger_form(request)
    ledger = pocket_money_ledger(request.user, office_id=office.pk, month=month)
    page = paginate(request, ledger.payments, 50)
    return render(
        request,
        "web/arrival_ledger.html",
        {"form": form, "ledger": ledger, "page": page, "month": month},
    )


@private_page
@require_GET
@maps_errors
def ledger_xlsx_view(request):
    office, month, _form = _ledger_form(request)
    content, name = pocket_money_ledger_xlsx(
        actor=request.user, office_id=office.pk, month=month, ip_address=client_ip(request)
    )
    return attachment(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        name,
    )


@private_page
@maps_errors
def arrival_case_view(request, reference: str):
    """R-ARR-1, R-ARR-5: the returnee's reception plan and arrival record, with the forms
    to plan the reception and to record the arrival (which confirms it on the case).

    Times are entered and shown in the origin office's zone: the reception staff type the
    wall-clock time of their airport, and "not in the future" compares the same moment."""
    case = case_get_for(request.user, reference=reference, prefetch=False)
    with timezone.override(office_zone(case.origin_office)):
        return _arrival_case(request, case)


def _arrival_case(request, case):
    may_record = can_record_arrival(request.user, case)
    staff = case_workers_of([case.origin_office_id])
    plan, arrival = reception_plan_of(case), arrival_of(case)
    initial = {}
    if plan is not None:
        initial = {
            "reasons": plan.reasons,
            "place_kind": plan.place_kind,
            "place": plan.place,
            "expected_at": plan.expected_at,
            "staff": plan.staff_id,
            "notes": plan.notes,
            "version": plan.version,
        }
    step = request.POST.get("step") if request.method == "POST" else None
    # Several forms share the page: each has its own prefix (the `step` it posts), so that
    # field ids and labels stay unique and each form reads only its own fields.
    plan_form = ReceptionPlanForm(
        request.POST if step == "plan" else None, initial=initial, staff=staff, prefix="plan"
    )
    required = reception_required_reasons(case)
    vulnerable = ReceptionReason.VULNERABLE in required
    arrival_form = ArrivalForm(
        request.POST if step == "arrival" else None,
        initial={"place_kind": plan.place_kind, "place": plan.place} if plan else {},
        staff=staff,
        vulnerable=vulnerable,
        prefix="arrival",
    )
    secondary_form = SecondaryMovementForm(
        request.POST if step == "secondary" else None, prefix="secondary"
    )
    child = is_child(case)
    handover = handover_of(case) if child else None
    handover_form = UmcHandoverForm(
        request.POST if step == "handover" else None,
        guardians=Guardian.objects.filter(case=case, identity_confirmed=True),
        prefix="handover",
    )
    may_request = may_request_reception(request.user, case)
    status = 200
    if step == "request":
        if not may_request:
            raise DjangoPermissionDenied(_("Only the host office may request reception."))
        try:
            reception_request(
                actor=request.user, case_id=case.pk, note=request.POST.get("request-note", "")
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Reception requested from the origin office."))
        return redirect("web:case_arrival", reference=case.reference)
    if step == "handover":
        if not may_record:
            raise DjangoPermissionDenied(_("You may not record arrivals for this case."))
        if handover_form.is_valid():
            try:
                umc_handover_record(
                    actor=request.user, case_id=case.pk, data=handover_form.cleaned_data
                )
            except ApplicationError as exc:
                show_service_errors(exc, handover_form)
            else:
                messages.success(request, _("Handover to the legal guardian recorded."))
                return redirect("web:case_arrival", reference=case.reference)
        status = 400
    elif step == "secondary":
        if not may_record:
            raise DjangoPermissionDenied(_("You may not record arrivals for this case."))
        if secondary_form.is_valid():
            data = secondary_form.cleaned_data
            try:
                movement = secondary_movement_record(
                    actor=request.user,
                    case_id=case.pk,
                    actual_country=data["actual_country"].pk,
                    findings=data["findings"],
                    needs=data["needs"],
                )
            except ApplicationError as exc:
                show_service_errors(exc, secondary_form)
            else:
                messages.success(
                    request,
                    _("Secondary movement recorded: new case %(reference)s.")
                    % {"reference": movement.new_case.reference},
                )
                return redirect("web:case_arrival", reference=case.reference)
        status = 400
    elif step in ("plan", "arrival"):
        if not may_record:
            raise DjangoPermissionDenied(_("You may not record arrivals for this case."))
        form = plan_form if step == "plan" else arrival_form
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            try:
                if step == "plan":
                    reception_plan_save(
                        actor=request.user,
                        case_id=case.pk,
                        data=data,
                        version=form.cleaned_data.get("version"),
                    )
                    messages.success(request, _("Reception planned."))
                else:
                    arrival_record(actor=request.user, case_id=case.pk, data=data)
                    messages.success(request, _("Arrival recorded."))
            except ApplicationError as exc:
                show_service_errors(exc, form)
                for reason in exc.reasons:
                    form.add_error(None, reason)
            else:
                return redirect("web:case_arrival", reference=case.reference)
        status = 400
    else:
        case_viewed(actor=request.user, case=case, ip_address=client_ip(request))
    context = {
        "case": case,
        "plan": plan,
        "arrival": arrival,
        "required": required,
        "vulnerable": vulnerable,
        "plan_form": plan_form,
        "arrival_form": arrival_form,
        "may_record": may_record,
        "may_request": may_request and plan is None and arrival is None,
        "secondary_form": secondary_form,
        "secondary": secondary_of(case),
        "child": child,
        "handover": handover,
        "handover_form": handover_form,
        "guardians_confirmed": child and handover_form.fields["guardian"].queryset.exists(),
        "may_record_guardian": child and can_edit_case(request.user, case),
        "may_see_pocket_money": can_pay_pocket_money(request.user, case)
        or can_read_amounts(request.user, case),
    }
    return render(request, "web/arrival_case.html", context, status=status)


@private_page
@require_GET
@maps_errors
def umc_handover_pdf_view(request, reference: str):
    case = case_get_for(request.user, reference=reference, prefetch=False)
    try:
        pdf, language = umc_handover_pdf(
            actor=request.user, case_id=case.pk, language=request.GET.get("language", "")
        )
    except ValidationFailed as exc:
        messages.error(request, " ".join(exc.field_errors.get("language", [exc.message])))
        return redirect("web:case_arrival", reference=case.reference)
    return attachment(pdf, "application/pdf", f"{case.reference}_umc_handover_{language}.pdf")


@private_page
@require_GET
def notice_list(request):
    """Notices to the user's offices (R-ARR-2: secondary movements), newest first."""
    return render(request, "web/arrival_notices.html", {"notices": notices_for(request.user)})
