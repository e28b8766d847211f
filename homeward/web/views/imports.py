"""Pages of notification-list imports (R-ARR-3): the list of imports, upload with a dry-run
report, confirmation, progress (htmx polling) and the result with the cases opened."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from homeward.core.errors import PermissionDenied, ValidationFailed
from homeward.movements.import_selectors import (
    import_batch_get_for,
    import_batch_list_for,
    import_progress_for,
    import_report_for_display,
    imported_rows_of,
)
from homeward.movements.import_services import (
    import_batch_viewed,
    import_check,
    import_offices_for,
    import_stage,
    import_start,
    staged_upload,
)

from ..forms.imports import ImportUploadForm
from ._common import (
    client_ip,
    is_htmx_fragment,
    maps_errors,
    paginate,
    private_page,
    show_service_errors,
)

PER_PAGE = 25
REPORT_PER_PAGE = 50


def _report_page(report: list[dict], number):
    """A page of a report, its messages labelled in the user's words."""
    page = Paginator(report, REPORT_PER_PAGE).get_page(number)
    page.object_list = import_report_for_display(page.object_list)
    return page


def _may_import(actor) -> None:
    if not import_offices_for(actor).exists():
        raise DjangoPermissionDenied(_("You may not import notification lists."))


@private_page
def import_list(request):
    """The imports of the user's origin offices and the upload form."""
    _may_import(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, actor=request.user)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        arguments = {
            "actor": request.user,
            "content": upload.read(),
            "file_name": upload.name or "",
            **data,
        }
        try:
            import_check(**arguments)
        except (ValidationFailed, PermissionDenied) as exc:
            show_service_errors(exc, form)
            status = exc.status_code
        else:
            token = import_stage(**arguments)
            return redirect(f"{reverse('web:import_check')}?t={token}")
    elif request.method == "POST":
        status = 400
    page = paginate(request, import_batch_list_for(request.user), PER_PAGE)
    return render(request, "web/import_list.html", {"form": form, "page": page}, status=status)


@private_page
@maps_errors
def import_check_view(request):
    """The dry run's report of a checked file, and the button that imports its valid rows."""
    _may_import(request.user)
    token = request.GET.get("t") or request.POST.get("t") or ""
    staged = staged_upload(actor=request.user, token=token)
    arguments = {"actor": request.user, **staged}
    if request.method == "POST":
        batch = import_start(**arguments)
        if batch.is_finished:
            messages.success(
                request,
                _("%(count)d cases opened.") % {"count": batch.created_cases},
            )
        return redirect("web:import_detail", batch_id=batch.pk)
    check = import_check(**arguments)
    report = _report_page(check.report, request.GET.get("page"))
    context = {
        "token": token,
        "staged": staged,
        "counts": check.counts(),
        "report": report,
    }
    return render(request, "web/import_check.html", context)


@private_page
@maps_errors
def import_detail(request, batch_id):
    """A batch: progress while it runs (the progress panel polls), then its result."""
    if is_htmx_fragment(request):
        batch = import_progress_for(request.user, batch_id=batch_id)
        response = render(request, "web/_import_progress.html", {"batch": batch})
        if batch.is_finished:
            response["HX-Refresh"] = "true"  # the whole page, with the cases opened
        return response
    batch = import_batch_get_for(request.user, batch_id=batch_id)
    import_batch_viewed(actor=request.user, batch=batch, ip_address=client_ip(request))
    # Each list pages on its own parameter: "Rows with problems" on `problems`, "Cases
    # opened" on `page`; the links of one keep the other's position.
    report = _report_page(batch.report, request.GET.get("problems"))
    rows = paginate(request, imported_rows_of(batch), PER_PAGE)
    context = {"batch": batch, "report": report, "report_param": "problems", "rows": rows}
    return render(request, "web/import_detail.html", context)
