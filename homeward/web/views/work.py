"""The "My work" page: my assigned cases counted by phase, the latest of them, and the travel
deadlines of my offices (R-TRV-3, R-TRV-4, R-TRV-10, R-TRV-11)."""

from django.shortcuts import render

from homeward.accounts.access import access_for
from homeward.accounts.roles import Perm
from homeward.cases.selectors import my_work_for
from homeward.movements.selectors import worklist_for

from ._common import private_page

# Deadlines shown on My work; the movements page lists them all.
DEADLINES_SHOWN = 8


@private_page
def my_work(request):
    work = my_work_for(request.user)
    active = [(phase, count) for phase, count in work["by_phase"] if count]
    deadlines = []
    if access_for(request.user).has_anywhere(Perm.CASE_VIEW):
        deadlines = worklist_for(request.user)
    context = {
        "work": work,
        "active_phases": active,
        "worklist": deadlines[:DEADLINES_SHOWN],
        "more_deadlines": len(deadlines) - DEADLINES_SHOWN,
    }
    return render(request, "web/my_work.html", context)
