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

from .policies import can_read_amounts
from .selectors import pocket_money_for_case, pocket_money_ledger
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
