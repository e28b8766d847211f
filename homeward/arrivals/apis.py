"""API of phase 4 (arrival): a case's pocket money (R-ARR-4) and an office's ledger."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.cases.apis import INVALID, NOT_FOUND, REFERENCE
from homeward.cases.selectors import case_get_for
from homeward.consent.apis import FORBIDDEN
from homeward.consent.uploads import limit_uploads, too_large_message
from homeward.core.errors import NotFound, ValidationFailed

from .models import PlaceKind, Provision, ReceptionReason
from .policies import can_read_amounts
from .reception import arrival_record, reception_plan_save
from .selectors import arrival_of, pocket_money_for_case, pocket_money_ledger
from .services import pocket_money_record


class PocketMoneySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    case = serializers.CharField(source="case.reference")
    received_before_departure = serializers.BooleanField()
    paid_on = serializers.DateField()
    amount_local = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    exchange_rate = serializers.DecimalField(max_digits=16, decimal_places=6, allow_null=True)
    amount_eur = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    deviation_reason = serializers.CharField()
    receipt_scan = serializers.BooleanField(source="has_receipt_scan")
    receipt_signed_in_presence = serializers.BooleanField()
    paid_by = serializers.CharField(source="paid_by.username")

    class Meta:
        ref_name = "PocketMoneyPayment"


class PocketMoneyApi(APIView):
    """GET the case's pocket-money line; POST records it (JSON, or multipart with a scan)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    class InputSerializer(serializers.Serializer):
        received_before_departure = serializers.BooleanField(default=False)
        paid_on = serializers.DateField(required=False)
        amount_local = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, allow_null=True
        )
        currency = serializers.CharField(max_length=3, required=False, allow_blank=True)
        exchange_rate = serializers.DecimalField(
            max_digits=16,
            decimal_places=6,
            required=False,
            allow_null=True,
            help_text="1 EUR in the local currency.",
        )
        amount_eur = serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            required=False,
            allow_null=True,
            help_text="Computed from the exchange rate when left out.",
        )
        deviation_reason = serializers.CharField(required=False, allow_blank=True)
        note = serializers.CharField(required=False, allow_blank=True)
        receipt = serializers.FileField(
            required=False,
            allow_empty_file=True,
            use_url=False,
            help_text="The signed receipt's scan: PDF, JPEG or PNG.",
        )
        receipt_signed_in_presence = serializers.BooleanField(default=False)

        class Meta:
            ref_name = "PocketMoneyInput"

    def initial(self, request, *args, **kwargs):
        self.upload_limit = limit_uploads(request) if request.method == "POST" else None
        super().initial(request, *args, **kwargs)

    @extend_schema(
        operation_id="pocket_money_get",
        summary="A case's pocket money",
        parameters=[REFERENCE],
        responses={200: PocketMoneySerializer, 404: NOT_FOUND},
    )
    def get(self, request, reference):
        """404 when nothing is recorded yet, or the user reads no financial data."""
        case = case_get_for(request.user, reference=reference, prefetch=False)
        payment = pocket_money_for_case(case) if can_read_amounts(request.user, case) else None
        if payment is None:
            raise NotFound(_("No pocket money is recorded for this case."))
        return Response(PocketMoneySerializer(payment).data)

    @extend_schema(
        operation_id="pocket_money_record",
        summary="Record the pocket money paid on arrival, or received before departure",
        parameters=[REFERENCE],
        request={"application/json": InputSerializer, "multipart/form-data": InputSerializer},
        responses={201: PocketMoneySerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """R-ARR-4: one line per returnee; the amount of the programme's rate for the origin
        country unless `deviation_reason` is given; a receipt scan or a signature made in
        the user's presence."""
        case = case_get_for(request.user, reference=reference, prefetch=False)
        serializer = self.InputSerializer(data=request.data)
        if "receipt" in self.upload_limit.oversized:
            raise ValidationFailed(
                _("Please correct the errors below."),
                field_errors={"receipt": [too_large_message()]},
            )
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if v is not None}
        upload = data.pop("receipt", None)
        payment = pocket_money_record(actor=request.user, case_id=case.pk, data=data, upload=upload)
        return Response(PocketMoneySerializer(payment).data, status=201)


class LedgerTotalSerializer(serializers.Serializer):
    month = serializers.DateField()
    currency = serializers.CharField()
    count = serializers.IntegerField()
    local = serializers.DecimalField(max_digits=16, decimal_places=2)
    eur = serializers.DecimalField(max_digits=16, decimal_places=2)


class LedgerSerializer(serializers.Serializer):
    office = serializers.CharField(source="office.code")
    totals = LedgerTotalSerializer(many=True)
    before_departure = serializers.IntegerField()
    payments = PocketMoneySerializer(many=True)


class PocketMoneyLedgerApi(APIView):
    """GET an origin office's pocket-money ledger with totals by month and currency."""

    @extend_schema(
        operation_id="pocket_money_ledger",
        summary="Pocket money ledger of an origin office",
        parameters=[
            OpenApiParameter("office", OpenApiTypes.UUID, OpenApiParameter.QUERY, required=True),
            OpenApiParameter(
                "month", OpenApiTypes.STR, OpenApiParameter.QUERY, description="YYYY-MM"
            ),
        ],
        responses={200: LedgerSerializer, 404: OpenApiResponse(description="No such office.")},
    )
    def get(self, request):
        """Only for users who read financial data at that office."""
        ledger = pocket_money_ledger(
            request.user,
            office_id=request.query_params.get("office", ""),
            month=request.query_params.get("month"),
        )
        ledger.payments = ledger.payments[:500]
        return Response(LedgerSerializer(ledger).data)


class ReceptionPlanSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    reasons = serializers.ListField(child=serializers.CharField())
    place_kind = serializers.CharField()
    place = serializers.CharField()
    expected_at = serializers.DateTimeField()
    staff = serializers.CharField(source="staff.username", allow_null=True, default=None)
    notes = serializers.CharField()
    version = serializers.IntegerField()

    class Meta:
        ref_name = "ReceptionPlan"


class ArrivalSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    arrived_at = serializers.DateTimeField()
    place_kind = serializers.CharField()
    place = serializers.CharField()
    received_by = serializers.CharField(source="received_by.username")
    immediate_needs = serializers.CharField()
    onward_transport = serializers.CharField()
    onward_transport_reason = serializers.CharField()
    onward_destination = serializers.CharField()
    accommodation = serializers.CharField()
    accommodation_reason = serializers.CharField()

    class Meta:
        ref_name = "ArrivalRecord"


class ReceptionPlanApi(APIView):
    """PUT plans (or re-plans) the reception of a returnee (R-ARR-1)."""

    class InputSerializer(serializers.Serializer):
        reasons = serializers.ListField(
            child=serializers.ChoiceField(ReceptionReason.choices), required=False
        )
        place_kind = serializers.ChoiceField(PlaceKind.choices)
        place = serializers.CharField(max_length=200)
        expected_at = serializers.DateTimeField()
        notes = serializers.CharField(required=False, allow_blank=True)
        version = serializers.IntegerField(required=False, allow_null=True)

        class Meta:
            ref_name = "ReceptionPlanInput"

    @extend_schema(
        operation_id="reception_plan_save",
        summary="Plan the reception at the airport or bus station",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={200: ReceptionPlanSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def put(self, request, reference):
        """Needs a reason (large-scale return, vulnerable migrant, host-office request);
        the last two are kept whenever the record shows them."""
        case = case_get_for(request.user, reference=reference, prefetch=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        plan = reception_plan_save(actor=request.user, case_id=case.pk, data=data, version=version)
        return Response(ReceptionPlanSerializer(plan).data)


class ArrivalApi(APIView):
    """GET the arrival record; POST records the arrival (R-ARR-1, R-ARR-5)."""

    class InputSerializer(serializers.Serializer):
        arrived_at = serializers.DateTimeField(required=False)
        place_kind = serializers.ChoiceField(PlaceKind.choices)
        place = serializers.CharField(max_length=200)
        immediate_needs = serializers.CharField(required=False, allow_blank=True)
        onward_transport = serializers.ChoiceField(Provision.choices)
        onward_transport_reason = serializers.CharField(required=False, allow_blank=True)
        onward_destination = serializers.CharField(required=False, allow_blank=True)
        accommodation = serializers.ChoiceField(Provision.choices)
        accommodation_reason = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "ArrivalInput"

    @extend_schema(
        operation_id="arrival_get",
        summary="A returnee's arrival",
        parameters=[REFERENCE],
        responses={200: ArrivalSerializer, 404: NOT_FOUND},
    )
    def get(self, request, reference):
        case = case_get_for(request.user, reference=reference, prefetch=False)
        arrival = arrival_of(case)
        if arrival is None:
            raise NotFound(_("The arrival is not recorded yet."))
        return Response(ArrivalSerializer(arrival).data)

    @extend_schema(
        operation_id="arrival_record",
        summary="Record the arrival (moves a departed case to arrived)",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={
            201: ArrivalSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Reception must be planned first (R-ARR-1)."),
        },
    )
    def post(self, request, reference):
        """Received by the user. A vulnerable returnee is always offered onward transport and
        accommodation; for others, `not_provided` needs a reason."""
        case = case_get_for(request.user, reference=reference, prefetch=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = arrival_record(
            actor=request.user, case_id=case.pk, data=dict(serializer.validated_data)
        )
        return Response(ArrivalSerializer(record).data, status=201)


class SecondaryMovementSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    actual_country = serializers.CharField(source="actual_country_id")
    actual_origin_office = serializers.CharField(source="actual_origin_office.code")
    new_case = serializers.CharField(source="new_case.reference")
    old_case_closed = serializers.BooleanField()
    closure_note = serializers.CharField()

    class Meta:
        ref_name = "SecondaryMovement"


class SecondaryMovementApi(APIView):
    """POST records a secondary movement (R-ARR-2)."""

    class InputSerializer(serializers.Serializer):
        actual_country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2")
        findings = serializers.CharField()
        needs = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "SecondaryMovementInput"

    @extend_schema(
        operation_id="secondary_movement_record",
        summary="Record a secondary movement and re-register at the actual origin office",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={
            201: SecondaryMovementSerializer,
            400: INVALID,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    def post(self, request, reference):
        """Notifies the host office and the actual origin office; opens a linked case there;
        closes this one when the workflow and the user's role allow it."""
        from .secondary import secondary_movement_record

        case = case_get_for(request.user, reference=reference, prefetch=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        movement = secondary_movement_record(
            actor=request.user, case_id=case.pk, **serializer.validated_data
        )
        return Response(SecondaryMovementSerializer(movement).data, status=201)


class UmcHandoverSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    guardian = serializers.UUIDField(source="guardian_id")
    identity_checked_with = serializers.CharField()
    handed_over_at = serializers.DateTimeField()
    place = serializers.CharField()
    staff = serializers.CharField(source="staff.username")

    class Meta:
        ref_name = "UmcHandover"


class UmcHandoverApi(APIView):
    """POST records the handover of a child to the legal guardian (R-ARR-6)."""

    class InputSerializer(serializers.Serializer):
        guardian = serializers.UUIDField(required=False)
        identity_checked_with = serializers.CharField(max_length=200)
        handed_over_at = serializers.DateTimeField(required=False)
        place = serializers.CharField(required=False, allow_blank=True)
        signed_in_presence = serializers.BooleanField(default=False)
        notes = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "UmcHandoverInput"

    @extend_schema(
        operation_id="umc_handover_record",
        summary="Record the handover of a child to the legal guardian",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: UmcHandoverSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """Refused unless the case is a child's with a recorded arrival and a legal guardian
        whose identity is confirmed; the guardian signs in the user's presence."""
        from .handover import umc_handover_record

        case = case_get_for(request.user, reference=reference, prefetch=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        handover = umc_handover_record(
            actor=request.user, case_id=case.pk, data=dict(serializer.validated_data)
        )
        return Response(UmcHandoverSerializer(handover).data, status=201)


class ReceptionRequestApi(APIView):
    """POST: the host office asks the origin office to receive the returnee (R-ARR-1)."""

    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "ReceptionRequestInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        note = serializers.CharField()
        requested_by = serializers.CharField(source="requested_by.username")

        class Meta:
            ref_name = "ReceptionRequest"

    @extend_schema(
        operation_id="reception_request",
        summary="Request reception at arrival (host office)",
        parameters=[REFERENCE],
        request=InputSerializer,
        responses={201: OutputSerializer, 400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND},
    )
    def post(self, request, reference):
        """The origin office must then plan the reception before recording the arrival."""
        from .reception import reception_request

        case = case_get_for(request.user, reference=reference, prefetch=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        made = reception_request(
            actor=request.user, case_id=case.pk, note=serializer.validated_data.get("note", "")
        )
        return Response(self.OutputSerializer(made).data, status=201)
