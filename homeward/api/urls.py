"""/api/: version 1 of the API, its OpenAPI schema and a reference page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView

from homeward.accounts.apis import OfficeListApi
from homeward.arrivals import apis as arrivals
from homeward.cases.apis import CaseDetailApi, CaseListCreateApi, CaseTransitionApi
from homeward.consent import apis as consent
from homeward.documents import apis as documents
from homeward.movements import apis as travel
from homeward.movements import import_apis as imports
from homeward.people.apis import PersonDetailApi, PersonListCreateApi
from homeward.programmes.apis import ProgrammeListApi
from homeward.registration import apis as registration
from homeward.registration import apis_duplicates as duplicates
from homeward.registration import apis_procedures as procedures
from homeward.registration import apis_screening as screening

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
    path(
        "cases/<str:reference>/registration/",
        registration.RegistrationApi.as_view(),
        name="case-registration",
    ),
    path(
        "cases/<str:reference>/counselling-sessions/",
        registration.SessionListCreateApi.as_view(),
        name="case-counselling-sessions",
    ),
    path(
        "cases/<str:reference>/profile/",
        registration.ProfileApi.as_view(),
        name="case-profile",
    ),
    path(
        "cases/<str:reference>/asylum-referrals/",
        registration.AsylumReferralListCreateApi.as_view(),
        name="case-asylum-referrals",
    ),
    path(
        "asylum-referrals/<str:referral_id>/decision/",
        registration.AsylumDecisionApi.as_view(),
        name="asylum-referral-decision",
    ),
    path(
        "cases/<str:reference>/screenings/",
        screening.ScreeningListCreateApi.as_view(),
        name="case-screenings",
    ),
    path(
        "cases/<str:reference>/other-vulnerabilities/",
        screening.OtherVulnerabilityListApi.as_view(),
        name="case-other-vulnerabilities",
    ),
    path(
        "cases/<str:reference>/referrals/",
        screening.ReferralListApi.as_view(),
        name="case-referrals",
    ),
    path("referrals/<str:referral_id>/", screening.ReferralUpdateApi.as_view(), name="referral"),
    path("cases/<str:reference>/health/", procedures.HealthApi.as_view(), name="case-health"),
    path(
        "cases/<str:reference>/child-protection/",
        procedures.ChildProtectionApi.as_view(),
        name="case-child-protection",
    ),
    path(
        "cases/<str:reference>/protection/",
        procedures.ProtectionApi.as_view(),
        name="case-protection",
    ),
    path(
        "cases/<str:reference>/guardians/",
        procedures.GuardianListCreateApi.as_view(),
        name="case-guardians",
    ),
    path(
        "guardians/<str:guardian_id>/confirm-identity/",
        procedures.GuardianConfirmIdentityApi.as_view(),
        name="guardian-confirm-identity",
    ),
    path(
        "cases/<str:reference>/duplicates/",
        duplicates.DuplicatesApi.as_view(),
        name="case-duplicates",
    ),
    path(
        "cases/<str:reference>/duplicates/decisions/",
        duplicates.DuplicateDecisionApi.as_view(),
        name="case-duplicate-decisions",
    ),
]

v1 += [
    path(
        "cases/<str:reference>/consents/",
        consent.ConsentListCreateApi.as_view(),
        name="case-consents",
    ),
    path(
        "consents/<str:consent_id>/withdraw/",
        consent.ConsentWithdrawApi.as_view(),
        name="consent-withdraw",
    ),
    path(
        "cases/<str:reference>/documents/",
        consent.SignedDocumentListCreateApi.as_view(),
        name="case-documents",
    ),
    path(
        "documents/<str:document_id>/download/",
        consent.SignedDocumentDownloadApi.as_view(),
        name="document-download",
    ),
    path(
        "cases/<str:reference>/documents/declaration.pdf",
        documents.DeclarationPdfApi.as_view(),
        name="case-declaration-pdf",
    ),
    path(
        "cases/<str:reference>/screenings/<str:screening_id>/form.pdf",
        documents.ScreeningFormPdfApi.as_view(),
        name="case-screening-form-pdf",
    ),
]

v1 += [
    path("imports/", imports.ImportListCreateApi.as_view(), name="import-list"),
    path("imports/<str:batch_id>/", imports.ImportDetailApi.as_view(), name="import-detail"),
]

v1 += [
    path(
        "cases/<str:reference>/pocket-money/",
        arrivals.PocketMoneyApi.as_view(),
        name="case-pocket-money",
    ),
    path(
        "cases/<str:reference>/reception-plan/",
        arrivals.ReceptionPlanApi.as_view(),
        name="case-reception-plan",
    ),
    path(
        "cases/<str:reference>/reception-requests/",
        arrivals.ReceptionRequestApi.as_view(),
        name="case-reception-requests",
    ),
    path("cases/<str:reference>/arrival/", arrivals.ArrivalApi.as_view(), name="case-arrival"),
    path(
        "cases/<str:reference>/umc-handover/",
        arrivals.UmcHandoverApi.as_view(),
        name="case-umc-handover",
    ),
    path(
        "cases/<str:reference>/secondary-movement/",
        arrivals.SecondaryMovementApi.as_view(),
        name="case-secondary-movement",
    ),
    path(
        "pocket-money/ledger/", arrivals.PocketMoneyLedgerApi.as_view(), name="pocket-money-ledger"
    ),
]

v1 += [  # phases 2–3: travel (movements app)
    path(
        "cases/<str:reference>/travel-documents/",
        travel.TravelDocumentRequestApi.as_view(),
        name="case-travel-documents",
    ),
    path(
        "travel-documents/<str:request_id>/outcome/",
        travel.TravelDocumentOutcomeApi.as_view(),
        name="travel-document-outcome",
    ),
    path("movements/", travel.MovementListCreateApi.as_view(), name="movement-list"),
    path("movements/<str:movement_id>/", travel.MovementDetailApi.as_view(), name="movement"),
    path(
        "movements/<str:movement_id>/bookings/",
        travel.BookingCreateApi.as_view(),
        name="movement-bookings",
    ),
    path("movements/<str:movement_id>/abn/", travel.AbnSendApi.as_view(), name="movement-abn"),
    path(
        "movements/<str:movement_id>/departure/",
        travel.DepartureApi.as_view(),
        name="movement-departure",
    ),
    path(
        "bookings/<str:booking_id>/escorts/",
        travel.BookingEscortsApi.as_view(),
        name="booking-escorts",
    ),
    path(
        "bookings/<str:booking_id>/ticket/",
        travel.BookingTicketApi.as_view(),
        name="booking-ticket",
    ),
    path(
        "bookings/<str:booking_id>/informed/",
        travel.BookingInformedApi.as_view(),
        name="booking-informed",
    ),
    path("abns/", travel.AbnInboxApi.as_view(), name="abn-inbox"),
    path("abns/<str:abn_id>/", travel.AbnDetailApi.as_view(), name="abn"),
    path("abns/<str:abn_id>/answer/", travel.AbnAnswerApi.as_view(), name="abn-answer"),
    path("suspensions/", travel.SuspensionCreateApi.as_view(), name="suspensions"),
    path(
        "suspensions/<str:suspension_id>/lift/",
        travel.SuspensionLiftApi.as_view(),
        name="suspension-lift",
    ),
    path(
        "bookings/<str:booking_id>/rebook/",
        travel.BookingRebookApi.as_view(),
        name="booking-rebook",
    ),
    path(
        "movements/<str:movement_id>/cancel/",
        travel.MovementCancelApi.as_view(),
        name="movement-cancel",
    ),
    path(
        "bookings/<str:booking_id>/cancel/",
        travel.BookingCancelApi.as_view(),
        name="booking-cancel",
    ),
    path(
        "bookings/<str:booking_id>/final-discussion/",
        travel.FinalDiscussionApi.as_view(),
        name="booking-final-discussion",
    ),
]

urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SpectacularAPIView.as_view(generator_class=SchemaGenerator), name="schema"),
    path("docs/", api_docs, name="docs"),
    re_path(r"^.*$", not_found_view, name="not-found"),
]
