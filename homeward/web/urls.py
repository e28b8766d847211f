from django.urls import path

from .views import audit, auth, cases, people, work

app_name = "web"

urlpatterns = [
    path("", work.my_work, name="my_work"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("i18n/setlang/", auth.language_view, name="set_language"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/<str:reference>/", cases.case_detail, name="case_detail"),
    path("cases/<str:reference>/edit/", cases.case_edit, name="case_edit"),
    path(
        "cases/<str:reference>/transition/<slug:action>/",
        cases.case_transition_view,
        name="case_transition",
    ),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create_view, name="person_create"),
    path("people/<uuid:person_id>/edit/", people.person_edit_view, name="person_edit"),
    path("people/<uuid:person_id>/open-case/", cases.case_open, name="case_open"),
    path("audit/", audit.audit_log, name="audit_log"),
]
