"""/api/: version 1 of the API, its OpenAPI schema and a reference page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from homeward.accounts.apis import OfficeListApi
from homeward.cases.apis import CaseDetailApi, CaseListCreateApi, CaseTransitionApi
from homeward.people.apis import PersonDetailApi, PersonListCreateApi
from homeward.programmes.apis import ProgrammeListApi

from .auth import TokenCreateApi
from .docs import api_docs
from .errors import not_found_view
from .schema import SchemaGenerator

app_name = "api"

v1 = [
    path("auth/token/", TokenCreateApi.as_view(), name="token"),
    path("offices/", OfficeListApi.as_view(), name="office-list"),
    path("programmes/", ProgrammeListApi.as_view(), name="programme-list"),
    path("people/", PersonListCreateApi.as_view(), name="person-list"),
    path("people/<str:person_id>/", PersonDetailApi.as_view(), name="person-detail"),
    path("cases/", CaseListCreateApi.as_view(), name="case-list"),
    path("cases/<str:reference>/", CaseDetailApi.as_view(), name="case-detail"),
    path(
        "cases/<str:reference>/transitions/",
        CaseTransitionApi.as_view(),
        name="case-transition",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(generator_class=SchemaGenerator), name="schema"),
    path("docs/", api_docs, name="docs"),
    re_path(r"^.*$", not_found_view, name="not-found"),
]
