import os

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("homeward.api.urls")),
    path("", include("homeward.web.urls")),
]

# The benchmark's framework floor (bench/run.py); never routed in normal operation.
if os.environ.get("HOMEWARD_BENCH") == "1":
    from bench.floor import bare_floor, floor

    urlpatterns += [path("bench/floor/", floor), path("bench/floor/bare/", bare_floor)]
