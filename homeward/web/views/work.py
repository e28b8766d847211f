"""The "My work" page: my assigned cases counted by phase, and the latest of them."""

from django.shortcuts import render

from homeward.cases.selectors import my_work_for

from ._common import private_page


@private_page
def my_work(request):
    work = my_work_for(request.user)
    active = [(phase, count) for phase, count in work["by_phase"] if count]
    return render(request, "web/my_work.html", {"work": work, "active_phases": active})
