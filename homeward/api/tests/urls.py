"""The API alone at /api/, as config.urls mounts it: API tests do not depend on the pages."""

from django.urls import include, path

urlpatterns = [path("api/", include("homeward.api.urls"))]
