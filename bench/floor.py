"""The framework floor: the cheapest page Django can serve through the full middleware stack.

Routed at /bench/floor/ only when HOMEWARD_BENCH=1 (see config/urls.py); bench/run.py
compares every page's timings with this one.
"""

from django.http import HttpResponse


def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")
