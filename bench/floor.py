"""The framework floor: the cheapest pages Django can serve through the full middleware stack.

Routed only when HOMEWARD_BENCH=1 (see config/urls.py); bench/run.py compares every page's
timings with `floor`.

- `floor` is a signed-in page: like every Homeward page it loads the session and the user
  (and saves the session, which slides its expiry). That is the floor a case page stands on.
- `bare_floor` touches neither, and is reported beside it for reference.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse


@login_required
def floor(request):
    return HttpResponse(request.user.get_username().encode(), content_type="text/plain")


def bare_floor(request):
    return HttpResponse(b"ok", content_type="text/plain")
