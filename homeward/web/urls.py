from django.urls import path

from .views import (
    arrivals,
    audit,
    auth,
    cases,
    consent,
    imports,
    movements,
    people,
    registration,
    work,
)

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
    path(
        "cases/<str:reference>/registration/",
        registration.registration_overview,
        name="registration",
    ),
    path(
        "cases/<str:reference>/registration/session/",
        registration.session_new,
        name="session_new",
    ),
    path(
        "cases/<str:reference>/registration/profile/",
        registration.profile_edit,
        name="profile_edit",
    ),
    path(
        "cases/<str:reference>/registration/screening/",
        registration.screening_new,
        name="screening_new",
    ),
    path("cases/<str:reference>/registration/asylum/", registration.asylum_new, name="asylum"),
    path(
        "cases/<str:reference>/registration/asylum/<uuid:referral_id>/",
        registration.asylum_decide,
        name="asylum_decide",
    ),
    path(
        "cases/<str:reference>/registration/guardian/",
        registration.guardian_new,
        name="guardian_new",
    ),
    path(
        "cases/<str:reference>/registration/guardian/<uuid:guardian_id>/confirm/",
        registration.guardian_confirm,
        name="guardian_confirm",
    ),
    path(
        "cases/<str:reference>/registration/health/",
        registration.health_edit,
        name="health_edit",
    ),
    path(
        "cases/<str:reference>/registration/child/",
        registration.child_edit,
        name="child_edit",
    ),
    path(
        "cases/<str:reference>/registration/protection/",
        registration.protection_edit,
        name="protection_edit",
    ),
    path(
        "cases/<str:reference>/registration/referrals/<uuid:referral_id>/",
        registration.referral_edit,
        name="referral_edit",
    ),
    path(
        "cases/<str:reference>/registration/duplicates/",
        registration.duplicates_page,
        name="duplicates",
    ),
    path(
        "cases/<str:reference>/registration/duplicates/decide/",
        registration.duplicate_decide,
        name="duplicate_decide",
    ),
    path("cases/<str:reference>/consent/", consent.consent_page, name="case_consent"),
    path(
        "cases/<str:reference>/consent/record/",
        consent.consent_record_view,
        name="case_consent_record",
    ),
    path(
        "cases/<str:reference>/consent/<uuid:consent_id>/withdraw/",
        consent.consent_withdraw_view,
        name="case_consent_withdraw",
    ),
    path(
        "cases/<str:reference>/documents/record/",
        consent.document_record_view,
        name="case_document_record",
    ),
    path(
        "cases/<str:reference>/documents/<uuid:document_id>/download/",
        consent.document_download_view,
        name="case_document_download",
    ),
    path(
        "cases/<str:reference>/documents/declaration.pdf",
        consent.declaration_pdf_view,
        name="case_declaration_pdf",
    ),
    path(
        "cases/<str:reference>/screenings/<uuid:screening_id>/form.pdf",
        consent.screening_form_pdf_view,
        name="case_screening_form_pdf",
    ),
    path("people/", people.person_list, name="person_list"),
    path("people/new/", people.person_create_view, name="person_create"),
    path("people/<uuid:person_id>/edit/", people.person_edit_view, name="person_edit"),
    path("people/<uuid:person_id>/open-case/", cases.case_open, name="case_open"),
    path("audit/", audit.audit_log, name="audit_log"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/check/", imports.import_check_view, name="import_check"),
    path("imports/<uuid:batch_id>/", imports.import_detail, name="import_detail"),
]

urlpatterns += [
    path("arrivals/", arrivals.arrival_list, name="arrival_list"),
    path("arrivals/notices/", arrivals.notice_list, name="arrival_notices"),
    path("arrivals/pocket-money/", arrivals.ledger_view, name="arrival_ledger"),
    path("arrivals/pocket-money.xlsx", arrivals.ledger_xlsx_view, name="arrival_ledger_xlsx"),
    path("cases/<str:reference>/arrival/", arrivals.arrival_case_view, name="case_arrival"),
    path(
        "cases/<str:reference>/arrival/umc-handover.pdf",
        arrivals.umc_handover_pdf_view,
        name="case_umc_handover_pdf",
    ),
    path(
        "cases/<str:reference>/pocket-money/",
        arrivals.pocket_money_view,
        name="case_pocket_money",
    ),
    path(
        "cases/<str:reference>/pocket-money/receipt.pdf",
        arrivals.pocket_money_receipt_pdf_view,
        name="case_pocket_money_receipt_pdf",
    ),
    path(
        "cases/<str:reference>/pocket-money/signed-receipt/",
        arrivals.pocket_money_receipt_scan_view,
        name="case_pocket_money_receipt_scan",
    ),
    # Phases 2–3: travel (movements app)
    path("movements/", movements.movement_list, name="movement_list"),
    path("movements/suspensions/", movements.suspensions, name="movement_suspensions"),
    path("movements/<uuid:movement_id>/", movements.movement_board, name="movement_board"),
    path("bookings/<uuid:booking_id>/", movements.movement_booking, name="movement_booking"),
    path(
        "bookings/<uuid:booking_id>/returnee-sheet.pdf",
        movements.returnee_sheet_view,
        name="returnee_sheet",
    ),
    path(
        "cases/<str:reference>/travel-documents/",
        movements.travel_documents,
        name="travel_documents",
    ),
    path("abns/", movements.abn_inbox, name="abn_inbox"),
    path("abns/<uuid:abn_id>/", movements.abn_detail, name="abn_detail"),
    path("abns/<uuid:abn_id>/abn.pdf", movements.abn_pdf_view, name="abn_pdf"),
]
