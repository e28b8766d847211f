"""The audit log page, for auditors only."""

from django.shortcuts import render

from homeward.audit.selectors import audit_events_for, redact_restricted

from ..forms.audit import AuditFilterForm
from ._common import maps_errors, paginate, private_page

PER_PAGE = 50


@private_page
@maps_errors
def audit_log(request):
    form = AuditFilterForm(request.GET)
    events = audit_events_for(request.user, form.filters())
    page = paginate(request, events, PER_PAGE)
    page.object_list = redact_restricted(request.user, page.object_list)
    return render(request, "web/audit_log.html", {"form": form, "page": page})
