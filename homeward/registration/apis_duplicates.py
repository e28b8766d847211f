"""API of the duplicate check (R-DUP-1): run it, read the latest result, decide on matches.

The services are imported where they are called: `duplicate_services` loads the matching
code, which only the two writes need.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE, UserRefSerializer
from homeward.cases.models import Case
from homeward.core.errors import PermissionDenied

from .apis import FORBIDDEN, viewed
from .models import DuplicateDecision, DuplicateVerdict
from .selectors import (
    can_decide_duplicates,
    case_for,
    duplicate_decisions_for,
    latest_duplicate_check,
)


class DecisionSerializer(serializers.ModelSerializer):
    verdict_label = serializers.CharField(source="get_verdict_display", read_only=True)
    decided_by = UserRefSerializer(read_only=True)

    class Meta:
        model = DuplicateDecision
        ref_name = "DuplicateDecision"
        fields = (
            "id",
            "candidate",
            "verdict",
            "verdict_label",
            "justification",
            "decided_by",
            "created_at",
            "updated_at",
            "version",
        )
        read_only_fields = fields


class PriorCaseSerializer(serializers.Serializer):
    reference = serializers.CharField()
    programme_id = serializers.UUIDField()
    phase = serializers.CharField()
    same_programme = serializers.BooleanField()
    received_avrr = serializers.BooleanField(help_text="Departed or later on an AVRR scheme")

    class Meta:
        ref_name = "DuplicatePriorCase"


class CandidateSerializer(serializers.Serializer):
    person_id = serializers.UUIDField()
    display_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    score = serializers.FloatField(help_text="0 to 1")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why it matches")
    likely = serializers.BooleanField(help_text="A decision must be recorded before registration")
    prior_cases = PriorCaseSerializer(many=True)
    decision = DecisionSerializer(allow_null=True, help_text="The office's decision, if any")

    class Meta:
        ref_name = "DuplicateCandidate"


class CheckSerializer(serializers.Serializer):
    checked_at = serializers.DateTimeField()
    checked_by = UserRefSerializer(allow_null=True)
    up_to_date = serializers.BooleanField(
        help_text="False when the person's record changed since: run the check again"
    )
    candidates = CandidateSerializer(many=True)

    class Meta:
        ref_name = "DuplicateCheck"


class DuplicatesSerializer(serializers.Serializer):
    check = CheckSerializer(allow_null=True, help_text="The latest check; null if never run")
    decisions = DecisionSerializer(many=True)
    can_decide = serializers.BooleanField(help_text="The user's role records decisions")

    class Meta:
        ref_name = "Duplicates"


def _duplicates(request, case: Case) -> dict:
    """The latest check with each candidate's decision, and every decision of the case."""
    check = latest_duplicate_check(case)
    decisions = duplicate_decisions_for(case)
    by_person = {str(d.candidate_id): d for d in decisions}
    latest = None
    if check is not None:
        latest = {
            "checked_at": check.checked_at,
            "checked_by": check.checked_by,
            "up_to_date": check.checked_at >= case.person.updated_at,
            "candidates": [
                {**c, "decision": by_person.get(c["person_id"])} for c in check.candidates
            ],
        }
    return {
        "check": latest,
        "decisions": decisions,
        "can_decide": can_decide_duplicates(request.user, case),
    }


class DuplicatesApi(APIView):
    @extend_schema(
        operation_id="duplicates_retrieve",
        summary="The latest duplicate check of a case and the decisions on its matches",
        parameters=[REFERENCE],
        responses={200: DuplicatesSerializer, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """R-DUP-1: every `likely` candidate needs a decision before registration."""
        case = case_for(request.user, reference=reference)
        if not can_decide_duplicates(request.user, case):
            raise PermissionDenied(_("Your role does not allow this action on this case."))
        body = _duplicates(request, case)
        viewed(request, case, gettext_lazy("Duplicate check viewed"))
        return Response(DuplicatesSerializer(body).data)

    @extend_schema(
        operation_id="duplicates_check",
        summary="Search for earlier registrations of the case's person",
        parameters=[REFERENCE],
        request=None,
        responses={201: DuplicatesSerializer, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-DUP-1: searches every office's people (names in all spellings, date of birth,
        nationality, documents); run it again whenever the person's record changes."""
        from .duplicate_services import duplicates_check

        case = case_for(request.user, reference=reference)
        duplicates_check(actor=request.user, case_id=case.pk)
        return Response(DuplicatesSerializer(_duplicates(request, case)).data, status=201)


class DuplicateDecisionApi(APIView):
    class InputSerializer(serializers.Serializer):
        candidate = serializers.UUIDField(help_text="The candidate's `person_id`")
        verdict = serializers.ChoiceField(DuplicateVerdict.choices)
        justification = serializers.CharField()

        class Meta:
            ref_name = "DuplicateDecisionInput"

    @extend_schema(
        operation_id="duplicates_decide",
        summary="Record the office's decision on a duplicate candidate",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: DecisionSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-DUP-1: not the same person, the same person and continue (justified), or the
        same person and refuse renewed assistance. A new decision on the same candidate
        replaces the earlier one."""
        from .duplicate_services import duplicate_decide

        case = case_for(request.user, reference=reference)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        decision = duplicate_decide(
            actor=request.user,
            case_id=case.pk,
            candidate_id=data["candidate"],
            verdict=data["verdict"],
            justification=data["justification"],
        )
        return Response(DecisionSerializer(decision).data, status=201)
