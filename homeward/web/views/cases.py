"""Case pages: the searchable list, the case file with its timeline and transitions,
opening a case for a person, and editing a case."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from homeward.accounts.access import access_for
from homeward.accounts.roles import FieldGroup, Perm
from homeward.cases.models import Phase
from homeward.cases.policies import can_edit_case, readable_groups_for_case
from homeward.cases.selectors import (
    case_file_of,
    case_get_for,
    case_list_for,
    case_rows_for,
    transition_options,
)
from homeward.cases.services import case_create, case_transition, case_update, case_viewed
from homeward.core.errors import (
    PermissionDenied,
    TransitionBlocked,
    ValidationFailed,
    VersionConflict,
)
from homeward.people.selectors import person_get_for
from homeward.registration.duplicate_services import duplicates_check_at_entry

from ..forms.cases import CaseEditForm, CaseFilterForm, CaseOpenForm
from ._common import (
    client_ip,
    is_htmx_fragment,
    maps_errors,
    paginate,
    private_page,
    show_service_errors,
)

PER_PAGE = 25


@private_page
def case_list(request):
    form = CaseFilterForm(request.GET, actor=request.user)
    filters = form.filters()
    # A name search counts only one page ahead: counting every "Diallo" of an office costs
    # more than the page (the rows counted are read from the newest on until enough match),
    # and a long result asks for a narrower search anyway.
    lookahead = 1 if filters.q else 10
    page = paginate(request, case_rows_for(request.user, filters), PER_PAGE, lookahead=lookahead)
    context = {"form": form, "page": page}
    if is_htmx_fragment(request):
        response = render(request, "web/_case_results.html", context)
    else:
        response = render(request, "web/case_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@private_page
@maps_errors
def case_detail(request, reference: str):
    case = case_get_for(request.user, reference=reference, prefetch=False)
    return _render_detail(request, case)


def _render_detail(request, case, *, failed=None, status: int = 200):
    """The case file. `failed` describes a refused transition to show in its panel."""
    actor = request.user
    case_viewed(actor=actor, case=case, ip_address=client_ip(request))
    readable = readable_groups_for_case(actor, case)
    file = case_file_of(case, readable)
    context = {
        "case": case,
        "person": case.person,
        "file": file,
        "can_read_identity": FieldGroup.IDENTITY in readable,
        "can_read_contacts": FieldGroup.CONTACT in readable,
        "options": transition_options(actor, case),
        "failed": failed or {},
        "household_migrated": [m for m in file.household if m.migrated],
        "household_stayed": [m for m in file.household if not m.migrated],
        "can_edit": can_edit_case(actor, case),
        "can_edit_person": Perm.PERSON_EDIT in access_for(actor).perms_at(case.office_ids),
    }
    return render(request, "web/case_detail.html", context, status=status)


@private_page
@require_POST
@maps_errors
def case_transition_view(request, reference: str, action: str):
    case = case_get_for(request.user, reference=reference)
    reason = request.POST.get("reason", "")
    try:
        updated = case_transition(actor=request.user, case_id=case.pk, action=action, reason=reason)
    except TransitionBlocked as exc:
        failed = {"action": action, "message": exc.message, "reasons": exc.reasons}
        return _render_detail(request, case, failed=failed, status=exc.status_code)
    except ValidationFailed as exc:
        failed = {
            "action": action,
            "message": exc.message,
            "reason_errors": exc.field_errors.get("reason", []),
            "reason": reason,
        }
        return _render_detail(request, case, failed=failed, status=exc.status_code)
    messages.success(
        request,
        _("Done. The case is now “%(phase)s”.") % {"phase": Phase(updated.phase).label},
    )
    return redirect("web:case_detail", reference=updated.reference)


@private_page
@maps_errors
def case_edit(request, reference: str):
    case = case_get_for(request.user, reference=reference)
    if not can_edit_case(request.user, case):
        raise DjangoPermissionDenied(_("You may not change this case."))
    form = CaseEditForm(request.POST or None, case=case, initial=CaseEditForm.initial_for(case))
    conflict, status = "", 200
    if request.method == "POST" and form.is_valid():
        try:
            case_update(
                actor=request.user,
                case_id=case.pk,
                version=form.cleaned_data["version"],
                data=form.service_data(),
            )
        except VersionConflict as exc:
            conflict, status = exc.message, exc.status_code
        except ValidationFailed as exc:
            show_service_errors(exc, form)
            status = exc.status_code
        else:
            messages.success(request, _("The case was saved."))
            return redirect("web:case_detail", reference=case.reference)
    elif request.method == "POST":
        status = 400
    context = {"case": case, "form": form, "conflict": conflict}
    return render(request, "web/case_edit.html", context, status=status)


@private_page
@maps_errors
def case_open(request, person_id):
    person = person_get_for(request.user, person_id=person_id)
    if not access_for(request.user).has_anywhere(Perm.CASE_CREATE):
        raise DjangoPermissionDenied(_("You may not open cases."))
    form = CaseOpenForm(request.POST or None, actor=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            case = case_create(actor=request.user, person=person, **form.cleaned_data)
        except (ValidationFailed, PermissionDenied) as exc:
            # A refusal here is about the offices chosen in the form: show it on the form.
            show_service_errors(exc, form)
            status = exc.status_code
        else:
            opened = _("Case %(reference)s opened.") % {"reference": case.reference}
            messages.success(request, opened)
            _warn_of_duplicates(request, case)
            return redirect("web:case_detail", reference=case.reference)
    elif request.method == "POST":
        status = 400
    existing = list(case_list_for(request.user).filter(person=person))
    context = {"person": person, "form": form, "existing": existing}
    return render(request, "web/case_open.html", context, status=status)


def _warn_of_duplicates(request, case) -> None:
    """R-DUP-1: the search runs at data entry; likely matches are announced at once."""
    check = duplicates_check_at_entry(actor=request.user, case_id=case.pk)
    likely = [c for c in (check.candidates if check else []) if c["likely"]]
    if likely:
        messages.warning(
            request,
            ngettext(
                "%(count)d person already registered may be this migrant: "
                "decide on the match in the duplicate check.",
                "%(count)d people already registered may be this migrant: "
                "decide on each match in the duplicate check.",
                len(likely),
            )
            % {"count": len(likely)},
        )
