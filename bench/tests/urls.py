"""The project's URLs plus the benchmark floor, for tests (HOMEWARD_BENCH is unset there)."""

from django.urls import path

from bench.floor import bare_floor, floor
from config.urls import urlpatterns as project_urls

urlpatterns = [
    *project_urls,
    path("bench/floor/", floor),
    path("bench/floor/bare/", bare_floor),
]
