"""API of cases: list and search, open, read (audited), edit, and run workflow transitions.

Person data inside a case carries only the field groups the actor may read for that case;
vulnerability flags only those of readable groups (`visible_flags`).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from homeward.accounts.models import Office
from homeward.core.errors import NotFound, ValidationFailed
from homeward.geo.models import AdminArea
from homeward.people.apis import (
    ContactSerializer,
    GroupFilteredSerializer,
    LanguageSerializer,
    OfficeRefSerializer,
    PersonSummarySerializer,
)
from homeward.people.selectors import person_get_for
from homeward.programmes.models import ReturnScheme
from homeward.programmes.selectors import programme_list

from . import workflow
from .models import Phase, VulnerabilityCategory
from .policies import readable_groups_for_case
from .selectors import (
    CaseFilters,
    case_get_for,
    case_list_for,
    case_timeline,
    transition_options,
    visible_flags,
)
from .services import case_create, case_transition, case_update, case_viewed

User = get_user_model()

REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="The case reference number, e.g. SN-2026-000123.",
)
NOT_FOUND = OpenApiResponse(description="No such case, or not one of the user's offices.")
INVALID = OpenApiResponse(description="Invalid data (field messages in `errors`).")


# ---- output --------------------------------------------------------------------------------


class UserRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")

    class Meta:
        ref_name = "UserRef"


class ProgrammeRefSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    code = serializers.CharField()
    name = serializers.CharField()

    class Meta:
        ref_name = "ProgrammeRef"


class AreaRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    country = serializers.CharField(source="country_id")

    class Meta:
        ref_name = "AdminAreaRef"


class CasePersonRefSerializer(GroupFilteredSerializer):
    """The person of a listed case; `name` only if the user may read the identity group."""

    id = serializers.UUIDField()
    name = serializers.CharField(
        source="display_name", allow_null=True, required=False, help_text="Primary name"
    )

    class Meta:
        ref_name = "CasePersonRef"


class CasePersonSerializer(PersonSummarySerializer):
    """The person of a case file: identity fields and `languages` only if the user may read
    the identity group for this case, `contacts` only if they may read the contact group."""

    languages = LanguageSerializer(many=True, required=False)
    contacts = ContactSerializer(many=True, required=False)

    class Meta:
        ref_name = "CasePerson"


class FlagSerializer(serializers.Serializer):
    category = serializers.CharField()
    label = serializers.CharField(source="get_category_display")

    class Meta:
        ref_name = "CaseFlag"


class EventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    actor = UserRefSerializer(allow_null=True)
    action = serializers.CharField()
    from_phase = serializers.CharField()
    to_phase = serializers.CharField()
    reason = serializers.CharField()

    class Meta:
        ref_name = "CaseEvent"


class TransitionOptionSerializer(serializers.Serializer):
    action = serializers.CharField(source="transition.name")
    label = serializers.CharField(source="transition.label")
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why it is blocked")
    reason_required = serializers.BooleanField(source="transition.reason_required")

    class Meta:
        ref_name = "CaseTransitionOption"


class CaseSummarySerializer(serializers.Serializer):
    """A case as listed."""

    # The context holds the `actor`.

    id = serializers.UUIDField()
    reference = serializers.CharField()
    phase = serializers.CharField()
    phase_label = serializers.CharField(source="get_phase_display")
    scheme = serializers.CharField()
    programme = ProgrammeRefSerializer()
    host_office = OfficeRefSerializer(allow_null=True)
    origin_office = OfficeRefSerializer()
    assigned_to = UserRefSerializer(allow_null=True)
    person = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "CaseSummary"

    def _person_context(self, case) -> dict:
        groups = readable_groups_for_case(self.context["actor"], case)
        return {"groups_of": lambda _person: groups}

    @extend_schema_field(CasePersonRefSerializer)
    def get_person(self, case) -> dict:
        return CasePersonRefSerializer(case.person, context=self._person_context(case)).data


class CaseDetailSerializer(CaseSummarySerializer):
    """A case file: the person (readable field groups only), the vulnerability flags the
    user may see, the timeline (newest first) and the workflow actions the user's roles
    allow, each with the reasons it is blocked now."""

    # The context holds the `actor`; the case comes from `case_get_for` (prefetched).

    created_at = serializers.DateTimeField()
    phase_changed_at = serializers.DateTimeField()
    intended_return_area = AreaRefSerializer(allow_null=True)
    notes = serializers.CharField()
    flags = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()
    transitions = serializers.SerializerMethodField()

    class Meta:
        ref_name = "CaseDetail"

    @extend_schema_field(CasePersonSerializer)
    def get_person(self, case) -> dict:
        return CasePersonSerializer(case.person, context=self._person_context(case)).data

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, case) -> list:
        """Only flags of groups the actor may read here (trafficking, GBV, medical...)."""
        return FlagSerializer(visible_flags(self.context["actor"], case), many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_timeline(self, case) -> list:
        return EventSerializer(case_timeline(case), many=True).data

    @extend_schema_field(TransitionOptionSerializer(many=True))
    def get_transitions(self, case) -> list:
        options = transition_options(self.context["actor"], case)
        return TransitionOptionSerializer(options, many=True).data


def _detail_response(request, case, status=200) -> Response:
    """The case file re-read through the selector (scope and prefetches) and serialized."""
    case = case_get_for(request.user, case_id=case.pk)
    return Response(CaseDetailSerializer(case, context={"actor": request.user}).data, status)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


# ---- input fields --------------------------------------------------------------------------


def _uuid_ref(queryset, **kwargs):
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, pk_field=serializers.UUIDField(), **kwargs
    )


def _assignee_field():
    return serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="User id; the assignee must work in one of the case's offices.",
    )


def _area_field():
    return serializers.PrimaryKeyRelatedField(
        queryset=AdminArea.objects.all(), required=False, allow_null=True
    )


# ---- views ---------------------------------------------------------------------------------


class CaseListCreateApi(APIView):
    """GET lists the cases of the user's offices; POST opens a case."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(
            required=False, allow_blank=True, help_text="A reference number or any name spelling"
        )
        phase = serializers.ChoiceField(Phase.choices, required=False, allow_blank=True)
        office = serializers.UUIDField(
            required=False, allow_null=True, help_text="Host or origin office id"
        )
        programme = serializers.UUIDField(required=False, allow_null=True)
        scheme = serializers.ChoiceField(ReturnScheme.choices, required=False, allow_blank=True)
        flag = serializers.ChoiceField(
            VulnerabilityCategory.choices,
            required=False,
            allow_blank=True,
            help_text="Matches only where the user may see this category",
        )
        assigned_to_me = serializers.BooleanField(required=False)

    class InputSerializer(serializers.Serializer):
        person = serializers.UUIDField()
        programme = _uuid_ref(programme_list())
        scheme = serializers.ChoiceField(ReturnScheme.choices)
        origin_office = _uuid_ref(Office.objects.all())
        host_office = _uuid_ref(
            Office.objects.all(),
            required=False,
            allow_null=True,
            help_text="Required unless the return is forced or by another actor.",
        )
        assigned_to = _assignee_field()
        intended_return_area = _area_field()
        notes = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "CaseCreateInput"

    @extend_schema(
        operation_id="cases_list",
        summary="Cases of the user's offices, searched and filtered",
        parameters=[FilterSerializer],
        responses={200: CaseSummarySerializer(many=True), 400: INVALID},
    )
    def get(self, request):
        """Newest change first. `q` matches a reference number exactly or every word of any
        spelling of the person's names, accents and case ignored."""
        filters = self.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        cases = case_list_for(
            request.user,
            CaseFilters(
                q=f.get("q", ""),
                phase=f.get("phase", ""),
                office=str(f["office"]) if f.get("office") else "",
                programme=str(f["programme"]) if f.get("programme") else "",
                scheme=f.get("scheme", ""),
                flag=f.get("flag", ""),
                assigned_to_me=f.get("assigned_to_me", False),
            ),
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(cases, request, view=self)
        data = CaseSummarySerializer(page, many=True, context={"actor": request.user}).data
        return paginator.get_paginated_response(data)

    @extend_schema(
        operation_id="cases_create",
        summary="Open a case",
        request=InputSerializer,
        responses={
            201: CaseDetailSerializer,
            400: INVALID,
            403: OpenApiResponse(description="No permission to open cases for that office."),
        },
    )
    def post(self, request):
        """Forced and other-actor returns open at arrival, without a host office; other
        returns need the host office, where the user must be allowed to open cases."""
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            data["person"] = person_get_for(request.user, person_id=data["person"])
        except NotFound as exc:
            raise ValidationFailed(
                _("Please correct the errors below."), field_errors={"person": [exc.message]}
            ) from exc
        case = case_create(actor=request.user, **data)
        return _detail_response(request, case, status=201)


class CaseDetailApi(APIView):
    """GET reads a case file (audited); PATCH changes assignment, return area and notes."""

    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField(
            help_text="Required: the version you read; a stale one answers 409."
        )
        assigned_to = _assignee_field()
        intended_return_area = _area_field()
        notes = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "CaseUpdateInput"

    @extend_schema(
        operation_id="cases_retrieve",
        summary="A case file",
        parameters=[REFERENCE],
        responses={200: CaseDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Each read is recorded in the audit log."""
        case = case_get_for(request.user, reference=reference)
        case_viewed(actor=request.user, case=case, ip_address=_client_ip(request))
        return Response(CaseDetailSerializer(case, context={"actor": request.user}).data)

    @extend_schema(
        operation_id="cases_partial_update",
        summary="Change a case's assignment, intended return area or notes",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: INVALID,
            403: OpenApiResponse(description="The user may not change this case."),
            404: NOT_FOUND,
            409: OpenApiResponse(description="The case changed since it was read."),
        },
    )
    def patch(self, request, reference):
        """Send the `version` you read; if the case changed since, the answer is 409."""
        case = case_get_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        case = case_update(actor=request.user, case_id=case.pk, version=version, data=data)
        return _detail_response(request, case)


class CaseTransitionApi(APIView):
    """POST runs a workflow action (see `transitions` in the case file)."""

    class InputSerializer(serializers.Serializer):
        action = serializers.ChoiceField([(t.name, t.label) for t in workflow.TRANSITIONS])
        reason = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CaseTransitionInput"

    @extend_schema(
        operation_id="cases_transition",
        summary="Run a workflow action on a case",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiResponse(description="Unknown action, or a required reason is missing."),
            403: OpenApiResponse(description="The user's role does not allow this action."),
            404: NOT_FOUND,
            409: OpenApiResponse(description="Blocked now; the reasons are in `reasons`."),
        },
    )
    def post(self, request, reference):
        """The case file lists the actions open to the user in `transitions`, with the
        reasons each is blocked; a blocked action answers 409 with those `reasons`."""
        case = case_get_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_transition(
            actor=request.user,
            case_id=case.pk,
            action=serializer.validated_data["action"],
            reason=serializer.validated_data["reason"],
        )
        return _detail_response(request, case)
