"""API of the special procedures (health, unaccompanied children, protection) and guardians.

A procedure record belongs to a field group: the health assessment to `medical`, the
protection assessment to `trafficking`, the child protection record to `vulnerability`.
Users who may not read that group for the case get the same 404 as for a missing case
(R-DAT-2, R-VOT-3); readers who may not write it get 403 on PUT. Areas are AdminArea ids.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.accounts.roles import FieldGroup
from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE, UserRefSerializer
from homeward.cases.models import Case
from homeward.cases.policies import readable_groups_for_case, writable_groups_for_case
from homeward.core.errors import PermissionDenied

from .apis import (
    CONFLICT,
    FORBIDDEN,
    OnePerCaseOutput,
    not_found_as_case,
    split_version,
    uuid_parameter,
    version_field,
    viewed,
)
from .models import ChildProtection, Guardian, HealthAssessment, ProtectionAssessment
from .procedures import (
    CHILD_FIELDS,
    GUARDIAN_FIELDS,
    HEALTH_FIELDS,
    PROTECTION_FIELDS,
    child_protection_save,
    guardian_confirm_identity,
    guardian_record,
    health_assessment_save,
    protection_assessment_save,
)
from .selectors import (
    case_for,
    child_protection_for,
    group_readable,
    guardian_get_for,
    guardians_for,
    health_for,
    protection_for,
)

GROUP_NOT_FOUND = OpenApiResponse(
    description="No such case, not one of the user's offices, or the user may not read this "
    "record's field group (the same answer)."
)


def _case_with_group(request, reference: str, group: FieldGroup, *, write: bool = False) -> Case:
    case = case_for(request.user, reference=reference)
    if not group_readable(request.user, case, group):
        raise not_found_as_case()
    if write and group not in writable_groups_for_case(request.user, case):
        raise PermissionDenied(_("Your role does not allow this action on this case."))
    return case


class ProcedureApi(APIView):
    """GET and PUT of a case's one record of a field group; subclasses set the parts."""

    group: FieldGroup
    model: type
    read = staticmethod(lambda actor, case: None)
    save = staticmethod(lambda **kwargs: None)
    summary = ""
    OutputSerializer: type[serializers.Serializer]
    InputSerializer: type[serializers.Serializer]

    def get(self, request, reference):
        case = _case_with_group(request, reference, self.group)
        record = self.read(request.user, case) or self.model(case=case)
        viewed(request, case, self.summary, self.group)
        return Response(self.OutputSerializer(record).data)

    def put(self, request, reference):
        case = _case_with_group(request, reference, self.group, write=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version, data = split_version(serializer.validated_data)
        record = self.save(actor=request.user, case_id=case.pk, version=version, data=data)
        return Response(self.OutputSerializer(record).data)


def _put_responses(output) -> dict:
    return {
        200: output,
        400: INVALID,
        403: FORBIDDEN,
        404: GROUP_NOT_FOUND,
        409: CONFLICT,
    }


# ---- health (R-HLT-1) ----------------------------------------------------------------------


class HealthApi(ProcedureApi):
    group = FieldGroup.MEDICAL
    model = HealthAssessment
    read = staticmethod(health_for)
    save = staticmethod(health_assessment_save)
    summary = gettext_lazy("Health assessment viewed")

    class OutputSerializer(OnePerCaseOutput):
        treatment_at_origin_label = serializers.CharField(
            source="get_treatment_at_origin_display", read_only=True
        )
        decision_label = serializers.CharField(source="get_decision_display", read_only=True)
        assessed_by = UserRefSerializer(read_only=True, allow_null=True)

        class Meta:
            model = HealthAssessment
            ref_name = "HealthAssessment"
            fields = (
                "id",
                *HEALTH_FIELDS,
                "treatment_at_origin_label",
                "decision_label",
                "assessed_by",
                "updated_at",
                "version",
            )
            read_only_fields = fields

    class InputSerializer(serializers.ModelSerializer):
        version = version_field(allow_null=True)

        class Meta:
            model = HealthAssessment
            ref_name = "HealthAssessmentInput"
            fields = ("version", *HEALTH_FIELDS)

    @extend_schema(
        operation_id="health_assessment_retrieve",
        summary="The health assessment (medical officers)",
        parameters=[REFERENCE],
        responses={200: OutputSerializer, 404: GROUP_NOT_FOUND},
    )
    def get(self, request, reference):
        """Only for readers of the medical group; before it is recorded, the defaults with
        a null `version`."""
        return super().get(request, reference)

    @extend_schema(
        operation_id="health_assessment_update",
        summary="Record the health assessment (medical officers)",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses=_put_responses(OutputSerializer),
    )
    def put(self, request, reference):
        """R-HLT-1: treatment at origin before a decision; `relocate` needs the
        `relocation_area`. Send `version: null` the first time."""
        return super().put(request, reference)


# ---- unaccompanied or separated children (R-UMC-1) -----------------------------------------


class ChildProtectionApi(ProcedureApi):
    group = FieldGroup.VULNERABILITY
    model = ChildProtection
    read = staticmethod(child_protection_for)
    save = staticmethod(child_protection_save)
    summary = gettext_lazy("Child protection viewed")

    class OutputSerializer(OnePerCaseOutput):
        best_interests_label = serializers.CharField(
            source="get_best_interests_display", read_only=True
        )
        recorded_by = UserRefSerializer(read_only=True, allow_null=True)

        class Meta:
            model = ChildProtection
            ref_name = "ChildProtection"
            fields = (
                "id",
                *CHILD_FIELDS,
                "best_interests_label",
                "recorded_by",
                "updated_at",
                "version",
            )
            read_only_fields = fields

    class InputSerializer(serializers.ModelSerializer):
        version = version_field(allow_null=True)

        class Meta:
            model = ChildProtection
            ref_name = "ChildProtectionInput"
            fields = ("version", *CHILD_FIELDS)

    @extend_schema(
        operation_id="child_protection_retrieve",
        summary="The unaccompanied child procedure",
        parameters=[REFERENCE],
        responses={200: OutputSerializer, 404: GROUP_NOT_FOUND},
    )
    def get(self, request, reference):
        """For readers of the vulnerability group; before it is recorded, the defaults with
        a null `version`."""
        return super().get(request, reference)

    @extend_schema(
        operation_id="child_protection_update",
        summary="Record the unaccompanied child procedure",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses=_put_responses(OutputSerializer),
    )
    def put(self, request, reference):
        """R-UMC-1: a concluded best-interests determination needs its date. Send
        `version: null` the first time."""
        return super().put(request, reference)


# ---- victims of trafficking, exploitation, abuse or violence (R-VOT-1…3) -------------------


class ProtectionApi(ProcedureApi):
    group = FieldGroup.TRAFFICKING
    model = ProtectionAssessment
    read = staticmethod(protection_for)
    save = staticmethod(protection_assessment_save)
    summary = gettext_lazy("Protection assessment viewed")

    class OutputSerializer(OnePerCaseOutput):
        risk_level_label = serializers.CharField(source="get_risk_level_display", read_only=True)
        outcome_label = serializers.CharField(source="get_outcome_display", read_only=True)
        assessed_by = UserRefSerializer(read_only=True, allow_null=True)

        class Meta:
            model = ProtectionAssessment
            ref_name = "ProtectionAssessment"
            fields = (
                "id",
                *PROTECTION_FIELDS,
                "risk_level_label",
                "outcome_label",
                "assessed_by",
                "updated_at",
                "version",
            )
            read_only_fields = fields

    class InputSerializer(serializers.ModelSerializer):
        version = version_field(allow_null=True)

        class Meta:
            model = ProtectionAssessment
            ref_name = "ProtectionAssessmentInput"
            fields = ("version", *PROTECTION_FIELDS)

    @extend_schema(
        operation_id="protection_assessment_retrieve",
        summary="The protection assessment (AVM focal points)",
        parameters=[REFERENCE],
        responses={200: OutputSerializer, 404: GROUP_NOT_FOUND},
    )
    def get(self, request, reference):
        """R-VOT-3: only for readers of the trafficking group (AVM focal points, and the
        assigned case manager while the migrant's consent is in force)."""
        return super().get(request, reference)

    @extend_schema(
        operation_id="protection_assessment_update",
        summary="Record the protection assessment (AVM focal points)",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses=_put_responses(OutputSerializer),
    )
    def put(self, request, reference):
        """R-VOT-1: an outcome needs the interview and the risk level; `unsafe` declines the
        return. R-VOT-2: `community_of_choice` becomes the case's return area."""
        return super().put(request, reference)


# ---- legal guardians (R-VOL-3) -------------------------------------------------------------


class GuardianSerializer(serializers.ModelSerializer):
    """A legal guardian; `contact` only for readers of the contact group."""

    reason_label = serializers.CharField(source="get_reason_display", read_only=True)
    recorded_by = UserRefSerializer(read_only=True)
    contact = serializers.CharField(required=False, help_text="Only with the contact group")

    class Meta:
        model = Guardian
        ref_name = "Guardian"
        fields = (
            "id",
            *GUARDIAN_FIELDS,
            "reason_label",
            "recorded_by",
            "created_at",
            "version",
        )
        read_only_fields = fields

    def to_representation(self, guardian):
        data = super().to_representation(guardian)
        if FieldGroup.CONTACT not in self.context["readable"]:
            data.pop("contact", None)
        return data


def _guardian_context(request, case: Case) -> dict:
    return {"readable": readable_groups_for_case(request.user, case)}


class GuardianListCreateApi(APIView):
    class InputSerializer(serializers.ModelSerializer):
        class Meta:
            model = Guardian
            ref_name = "GuardianInput"
            fields = GUARDIAN_FIELDS

    @extend_schema(
        operation_id="guardians_list",
        summary="A case's legal guardians",
        parameters=[REFERENCE],
        responses={200: GuardianSerializer(many=True), 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """Newest first."""
        case = case_for(request.user, reference=reference)
        guardians = guardians_for(request.user, case)
        viewed(request, case, gettext_lazy("Legal guardians viewed"))
        context = _guardian_context(request, case)
        return Response(GuardianSerializer(guardians, many=True, context=context).data)

    @extend_schema(
        operation_id="guardians_create",
        summary="Record a legal guardian",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: GuardianSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-VOL-3: for a child, or a migrant assessed as unable to decide."""
        case = case_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        guardian = guardian_record(
            actor=request.user, case_id=case.pk, data=serializer.validated_data
        )
        context = _guardian_context(request, case)
        return Response(GuardianSerializer(guardian, context=context).data, status=201)


class GuardianConfirmIdentityApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = version_field()

        class Meta:
            ref_name = "GuardianConfirmIdentityInput"

    @extend_schema(
        operation_id="guardians_confirm_identity",
        summary="Confirm a legal guardian's identity",
        parameters=[uuid_parameter("guardian_id", "The guardian's id.")],
        request=InputSerializer,
        responses={
            200: GuardianSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: OpenApiResponse(description="No such guardian, or not of the user's offices."),
            409: CONFLICT,
        },
    )
    def post(self, request, guardian_id):
        """R-VOL-3 / R-UMC-1: the identity was checked against a document."""
        guardian = guardian_get_for(request.user, guardian_id=guardian_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        guardian = guardian_confirm_identity(
            actor=request.user,
            guardian_id=guardian.pk,
            version=serializer.validated_data["version"],
        )
        context = _guardian_context(request, guardian.case)
        return Response(GuardianSerializer(guardian, context=context).data)
