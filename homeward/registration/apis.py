"""API of phase 1 (registration): the checklist, counselling, profile and asylum referrals.

Screenings and referrals are in `apis_screening.py`, the special procedures and guardians in
`apis_procedures.py`, duplicates in `apis_duplicates.py`; this module holds what they share.
Every read of a case's records writes an audit line (R-DAT-3). Cases are found with
`case_for` (404 for missing and forbidden alike); services refuse with 400/403/409.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.accounts.roles import SENSITIVE_GROUPS
from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE, UserRefSerializer
from homeward.cases.models import Case
from homeward.core.errors import NotFound

from .models import AsylumOutcome, AsylumReferral, CaseProfile, CounsellingSession
from .selectors import (
    asylum_referral_get_for,
    asylum_referrals_for,
    case_for,
    profile_for,
    registration_status_for,
    sessions_for,
)
from .services import (
    asylum_referral_decide,
    asylum_referral_record,
    case_profile_save,
    counselling_session_record,
    registration_viewed,
)

FORBIDDEN = OpenApiResponse(description="The user's role does not allow this on this case.")
CONFLICT = OpenApiResponse(
    description="The record changed since it was read: reload it and send its `version`."
)
VERSION_HELP = "The version you read; a stale one answers 409."


def uuid_parameter(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.UUID, OpenApiParameter.PATH, description=description)


def viewed(request, case: Case, summary, group: str = "") -> None:
    """R-DAT-3: the audit line of one read (sensitive groups mark the line restricted)."""
    registration_viewed(
        actor=request.user,
        case=case,
        summary=summary,
        restricted_group=group if group in SENSITIVE_GROUPS else "",
        ip_address=request.META.get("REMOTE_ADDR") or None,
    )


def not_found_as_case() -> NotFound:
    """The 404 of a missing case, for records the user may not know exist (R-VOT-3)."""
    return NotFound(_("Case not found."))


def split_version(validated: dict) -> tuple[int | None, dict]:
    data = dict(validated)
    return data.pop("version", None), data


def version_field(*, allow_null: bool = False) -> serializers.IntegerField:
    help_text = VERSION_HELP
    if allow_null:
        help_text += " Null to create the record when there is none yet."
    return serializers.IntegerField(allow_null=allow_null, help_text=help_text)


class OnePerCaseOutput(serializers.ModelSerializer):
    """A record a case has at most one of. Before it is first saved, GET answers its defaults
    with null `id`, `version` and `updated_at`; PUT it with `version: null` to create it."""

    id = serializers.UUIDField(read_only=True, allow_null=True)
    version = serializers.IntegerField(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance._state.adding:
            data.update(id=None, version=None, updated_at=None)
        return data


# ---- registration checklist ----------------------------------------------------------------


class RegistrationApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class ItemSerializer(serializers.Serializer):
            key = serializers.CharField()
            label = serializers.CharField()
            rule = serializers.CharField(help_text="The rule it enforces, e.g. R-VUL-1")
            done = serializers.BooleanField()
            reasons = serializers.ListField(
                child=serializers.CharField(), help_text="What is missing (empty when done)"
            )

            class Meta:
                ref_name = "RegistrationChecklistItem"

        items = ItemSerializer(many=True)
        can_register = serializers.BooleanField(
            help_text="The user may run `register` now (see the case's transitions)."
        )

        class Meta:
            ref_name = "RegistrationChecklist"

    @extend_schema(
        operation_id="registration_checklist",
        summary="What registration still needs",
        parameters=[REFERENCE],
        responses={200: OutputSerializer, 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Every requirement of `counselling → registered` with the reasons it is not met.
        Confidential procedures (health, protection) appear only to their readers; others
        see one neutral item while such a procedure is pending."""
        case = case_for(request.user, reference=reference)
        status = registration_status_for(request.user, case)
        viewed(request, case, gettext_lazy("Registration checklist viewed"))
        return Response(self.OutputSerializer(status).data)


# ---- counselling sessions (R-CNS-1, R-CNS-4) ----------------------------------------------


class SessionSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    mode_label = serializers.CharField(source="get_mode_display", read_only=True)
    counsellor = UserRefSerializer(read_only=True)

    class Meta:
        model = CounsellingSession
        ref_name = "CounsellingSession"
        fields = (
            "id",
            "kind",
            "kind_label",
            "held_on",
            "place",
            "mode",
            "mode_label",
            "language",
            "interpreter",
            "interpreted_into",
            "participants",
            "notes",
            "direct_access",
            "spoke_freely",
            "counsellor",
            "created_at",
            "version",
        )
        read_only_fields = fields


class SessionListCreateApi(APIView):
    class InputSerializer(serializers.ModelSerializer):
        class Meta:
            model = CounsellingSession
            ref_name = "CounsellingSessionInput"
            fields = (
                "kind",
                "held_on",
                "place",
                "mode",
                "language",
                "interpreter",
                "interpreted_into",
                "participants",
                "notes",
                "direct_access",
                "spoke_freely",
            )

    @extend_schema(
        operation_id="counselling_sessions_list",
        summary="A case's counselling sessions",
        parameters=[REFERENCE],
        responses={200: SessionSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Newest first."""
        case = case_for(request.user, reference=reference)
        sessions = sessions_for(request.user, case)
        viewed(request, case, gettext_lazy("Counselling sessions viewed"))
        return Response(SessionSerializer(sessions, many=True).data)

    @extend_schema(
        operation_id="counselling_sessions_create",
        summary="Record a counselling session",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: SessionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-CNS-1: in a language the migrant understands (`language`), or through an
        interpreter (`interpreter` and `interpreted_into`). R-CNS-4: for a migrant in
        detention, `direct_access` and `spoke_freely` must be answered."""
        case = case_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        session = counselling_session_record(
            actor=request.user, case_id=case.pk, data=serializer.validated_data
        )
        return Response(SessionSerializer(session).data, status=201)


# ---- profile (R-CNS-2, R-CNS-4, R-UMC-2) ---------------------------------------------------

PROFILE_FIELDS = (
    "current_situation",
    "left_home_on",
    "route",
    "months_abroad",
    "migration_cost",
    "debt",
    "cost_currency",
    "education",
    "occupation",
    "skills",
    "in_detention",
    "detention_grounds",
    "returns_with_one_parent",
)


class ProfileApi(APIView):
    class OutputSerializer(OnePerCaseOutput):
        education_label = serializers.CharField(source="get_education_display", read_only=True)
        detention_grounds_label = serializers.CharField(
            source="get_detention_grounds_display", read_only=True
        )

        class Meta:
            model = CaseProfile
            ref_name = "CaseProfile"
            fields = (
                "id",
                *PROFILE_FIELDS,
                "education_label",
                "detention_grounds_label",
                "updated_at",
                "version",
            )
            read_only_fields = fields

    class InputSerializer(serializers.ModelSerializer):
        version = version_field(allow_null=True)

        class Meta:
            model = CaseProfile
            ref_name = "CaseProfileInput"
            fields = ("version", *PROFILE_FIELDS)

    @extend_schema(
        operation_id="case_profile_retrieve",
        summary="The migrant's situation and migration history",
        parameters=[REFERENCE],
        responses={200: OutputSerializer, 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Before anything is recorded: the defaults, with a null `version`."""
        case = case_for(request.user, reference=reference)
        profile = profile_for(request.user, case) or CaseProfile(case=case)
        viewed(request, case, gettext_lazy("Migration history and situation viewed"))
        return Response(self.OutputSerializer(profile).data)

    @extend_schema(
        operation_id="case_profile_update",
        summary="Record the migrant's situation and migration history",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    def put(self, request, reference):
        """Send `version: null` the first time, then the version you read. Fields left out
        keep their value. R-CNS-4: `in_detention` needs `detention_grounds`."""
        case = case_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, data = split_version(serializer.validated_data)
        profile = case_profile_save(actor=request.user, case_id=case.pk, version=version, data=data)
        return Response(self.OutputSerializer(profile).data)


# ---- asylum referrals (R-CNS-3) ------------------------------------------------------------

REFERRAL_ID = uuid_parameter("referral_id", "The asylum referral's id.")


class AsylumReferralSerializer(serializers.ModelSerializer):
    outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = AsylumReferral
        ref_name = "AsylumReferral"
        fields = (
            "id",
            "referred_on",
            "referred_to",
            "notes",
            "outcome",
            "outcome_label",
            "decided_on",
            "recorded_by",
            "created_at",
            "version",
        )
        read_only_fields = fields


class AsylumReferralListCreateApi(APIView):
    class InputSerializer(serializers.ModelSerializer):
        class Meta:
            model = AsylumReferral
            ref_name = "AsylumReferralInput"
            fields = ("referred_on", "referred_to", "notes")

    @extend_schema(
        operation_id="asylum_referrals_list",
        summary="A case's asylum referrals",
        parameters=[REFERENCE],
        responses={200: AsylumReferralSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Newest first."""
        case = case_for(request.user, reference=reference)
        referrals = asylum_referrals_for(request.user, case)
        viewed(request, case, gettext_lazy("Asylum referrals viewed"))
        return Response(AsylumReferralSerializer(referrals, many=True).data)

    @extend_schema(
        operation_id="asylum_referrals_create",
        summary="Refer a potential asylum seeker",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: AsylumReferralSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-CNS-3: registration then waits for the migrant's decision (`referred_to`
        defaults to UNHCR)."""
        case = case_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        referral = asylum_referral_record(
            actor=request.user, case_id=case.pk, data=serializer.validated_data
        )
        return Response(AsylumReferralSerializer(referral).data, status=201)


class AsylumDecisionApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(
            AsylumOutcome.choices, help_text="`not_pursuing` or `pursuing`"
        )
        decided_on = serializers.DateField(
            required=False, allow_null=True, help_text="Defaults to today."
        )
        version = version_field()

        class Meta:
            ref_name = "AsylumDecisionInput"

    @extend_schema(
        operation_id="asylum_referrals_decide",
        summary="Record the migrant's decision after an asylum referral",
        parameters=[REFERRAL_ID],
        request=InputSerializer,
        responses={
            200: AsylumReferralSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such referral, or not of the user's offices."),
            409: CONFLICT,
        },
    )
    def post(self, request, referral_id):
        """R-CNS-3: `pursuing` takes the case out of the return programme (referred for
        asylum); `not_pursuing` lets registration go on."""
        referral = asylum_referral_get_for(request.user, referral_id=referral_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        referral = asylum_referral_decide(
            actor=request.user,
            referral_id=referral.pk,
            version=data["version"],
            outcome=data["outcome"],
            decided_on=data.get("decided_on"),
        )
        return Response(AsylumReferralSerializer(referral).data)
