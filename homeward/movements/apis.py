"""API of phases 2–3: travel documents, movements and their board, bookings, the ABN and its
answer, departure and suspensions. Errors map to 400/403/404/409 through the API handler."""

from dataclasses import replace

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.cases.selectors import case_get_for

from . import selectors, services
from .models import (
    AbnStatus,
    BookingStatus,
    Means,
    MovementStatus,
    TravelDocumentKind,
    TravelDocumentStatus,
)

NOT_FOUND = OpenApiResponse(description="No such record, or not one of the user's offices.")
INVALID = OpenApiResponse(description="Invalid data (field messages in `errors`).")
FORBIDDEN = OpenApiResponse(description="The user's role does not allow this action.")
BLOCKED = OpenApiResponse(description="Blocked by a rule or a stale version; see `reasons`.")
WRITE = {400: INVALID, 403: FORBIDDEN, 404: NOT_FOUND, 409: BLOCKED}


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# ---- travel documents (R-TRV-1) -------------------------------------------------------------


class TravelDocumentSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    kind = serializers.ChoiceField(TravelDocumentKind.choices)
    requested_on = serializers.DateField()
    authority = serializers.CharField()
    status = serializers.ChoiceField(TravelDocumentStatus.choices)
    issued_on = serializers.DateField(allow_null=True)
    number = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "TravelDocumentRequest"


class TravelDocumentRequestApi(APIView):
    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(TravelDocumentKind.choices)
        requested_on = serializers.DateField()
        authority = serializers.CharField(max_length=200)

        class Meta:
            ref_name = "TravelDocumentRequestInput"

    @extend_schema(
        operation_id="travel_documents_request",
        summary="Request a travel document for a case (R-TRV-1)",
        request=InputSerializer,
        responses={201: TravelDocumentSerializer, **WRITE},
    )
    def post(self, request, reference):
        case = case_get_for(request.user, reference=reference, prefetch=False)
        data = _valid(self.InputSerializer, request.data)
        record = services.travel_document_request(actor=request.user, case_id=case.pk, **data)
        return Response(TravelDocumentSerializer(record).data, status=201)


class TravelDocumentOutcomeApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        status = serializers.ChoiceField(TravelDocumentStatus.choices)  # issued or refused
        issued_on = serializers.DateField(required=False, allow_null=True, default=None)
        number = serializers.CharField(required=False, allow_blank=True, default="")
        expires_on = serializers.DateField(required=False, allow_null=True, default=None)
        refusal_reason = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "TravelDocumentOutcomeInput"

    @extend_schema(
        operation_id="travel_documents_outcome",
        summary="Record that a travel document was issued or refused",
        request=InputSerializer,
        responses={200: TravelDocumentSerializer, **WRITE},
    )
    def post(self, request, request_id):
        data = _valid(self.InputSerializer, request.data)
        record = services.travel_document_record_outcome(
            actor=request.user, request_id=request_id, **data
        )
        return Response(TravelDocumentSerializer(record).data)


# ---- movements ------------------------------------------------------------------------------


class LegSerializer(serializers.Serializer):
    from_place = serializers.CharField(max_length=150)
    to_place = serializers.CharField(max_length=150)
    departs_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    carrier_reference = serializers.CharField(required=False, allow_blank=True, default="")
    transit_office_id = serializers.UUIDField(required=False, allow_null=True, default=None)

    class Meta:
        ref_name = "MovementLeg"


class MovementSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    host_office = serializers.CharField(source="host_office.code")
    origin_office = serializers.CharField(source="origin_office.code")
    means = serializers.ChoiceField(Means.choices)
    departs_at = serializers.DateTimeField()
    departure_place = serializers.CharField()
    arrival_place = serializers.CharField()
    carrier_reference = serializers.CharField()
    luggage_allowance = serializers.CharField()
    status = serializers.ChoiceField(MovementStatus.choices)
    migrants = serializers.IntegerField(required=False)

    class Meta:
        ref_name = "Movement"


class MovementListCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        host_office_id = serializers.UUIDField()
        origin_office_id = serializers.UUIDField()
        means = serializers.ChoiceField(Means.choices)
        departs_at = serializers.DateTimeField()
        departure_place = serializers.CharField(max_length=150)
        arrival_place = serializers.CharField(max_length=150)
        luggage_allowance = serializers.CharField(max_length=150)
        carrier_reference = serializers.CharField(required=False, allow_blank=True, default="")
        airspace_countries = serializers.CharField(required=False, allow_blank=True, default="")
        legs = LegSerializer(many=True, required=False, default=list)

        class Meta:
            ref_name = "MovementInput"

    @extend_schema(
        operation_id="movements_list",
        summary="Movements of the user's host and origin offices: upcoming, or ?show=past",
        parameters=[
            OpenApiParameter(
                "show", str, enum=["upcoming", "past"], description="past: departed and cancelled"
            )
        ],
        responses={200: MovementSerializer(many=True)},
    )
    def get(self, request):
        past = request.query_params.get("show") == "past"
        movements = selectors.movement_list_for(request.user, past=past)[:200]
        return Response(MovementSerializer(movements, many=True).data)

    @extend_schema(
        operation_id="movements_create",
        summary="Plan a movement",
        request=InputSerializer,
        responses={201: MovementSerializer, 400: INVALID},
    )
    def post(self, request):
        data = _valid(self.InputSerializer, request.data)
        movement = services.movement_create(actor=request.user, **data)
        return Response(MovementSerializer(movement).data, status=201)


class BoardRowSerializer(serializers.Serializer):
    booking_id = serializers.UUIDField(source="booking.id")
    version = serializers.IntegerField(source="booking.version")
    reference = serializers.CharField(source="booking.case.reference")
    status = serializers.ChoiceField(BookingStatus.choices, source="booking.status")
    ticket_number = serializers.CharField(source="booking.ticket_number")
    informed_on = serializers.DateField(source="booking.informed_on", allow_null=True)
    review_required = serializers.BooleanField(source="booking.review_required")
    travel_document = serializers.BooleanField()
    escort_missing = serializers.ListField(child=serializers.CharField(), source="escort_reasons")
    suspended = serializers.CharField()
    abn = serializers.CharField()
    final_discussion = serializers.BooleanField()
    rebooked_from_movement_id = serializers.UUIDField(
        source="booking.rebooked_from.movement_id", allow_null=True, default=None
    )
    ready = serializers.BooleanField()

    class Meta:
        ref_name = "MovementBoardRow"


class BoardSerializer(serializers.Serializer):
    movement = MovementSerializer()
    migrants = serializers.IntegerField()
    large_scale = serializers.ListField(child=serializers.CharField())
    departure_blockers = serializers.ListField(
        child=serializers.CharField(),
        help_text="Cases holding the departure back, by reference (R-TRV-8, R-TRV-2).",
    )
    rows = BoardRowSerializer(many=True)

    class Meta:
        ref_name = "MovementBoard"


class MovementDetailApi(APIView):
    @extend_schema(
        operation_id="movements_board",
        summary="A movement with its bookings and their readiness",
        responses={200: BoardSerializer, 404: NOT_FOUND},
    )
    def get(self, request, movement_id):
        board = selectors.movement_board(request.user, movement_id=movement_id)
        return Response(BoardSerializer(board).data)


class BookingSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    movement_id = serializers.UUIDField()
    reference = serializers.CharField(source="case.reference")
    status = serializers.ChoiceField(BookingStatus.choices)
    medical_escort = serializers.BooleanField()
    operational_escort = serializers.BooleanField()
    ticket_number = serializers.CharField()
    ticket_issued_on = serializers.DateField(allow_null=True)
    informed_on = serializers.DateField(allow_null=True)
    cancellation_reason = serializers.CharField()
    rebooked_from_id = serializers.UUIDField(allow_null=True)

    class Meta:
        ref_name = "Booking"


class BookingCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        reference = serializers.CharField()
        medical_escort = serializers.BooleanField(default=False)
        operational_escort = serializers.BooleanField(default=False)
        escort_notes = serializers.CharField(required=False, allow_blank=True, default="")
        needs_airport_assistance = serializers.BooleanField(default=False)
        needs_onward_transport = serializers.BooleanField(default=False)
        needs_temporary_shelter = serializers.BooleanField(default=False)
        final_destination = serializers.CharField(required=False, allow_blank=True, default="")
        assistance_notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "BookingInput"

    @extend_schema(
        operation_id="movements_book",
        summary="Book a case in pre-departure on a movement (R-TRV-1, R-TRV-6, R-SUS-1)",
        request=InputSerializer,
        responses={201: BookingSerializer, **WRITE},
    )
    def post(self, request, movement_id):
        data = dict(_valid(self.InputSerializer, request.data))
        case = case_get_for(request.user, reference=data.pop("reference"), prefetch=False)
        booking = services.booking_create(
            actor=request.user, movement_id=movement_id, case_id=case.pk, **data
        )
        return Response(BookingSerializer(booking).data, status=201)


class BookingEscortsApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        medical_escort = serializers.BooleanField()
        operational_escort = serializers.BooleanField()
        escort_notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "BookingEscortsInput"

    @extend_schema(
        operation_id="bookings_escorts",
        summary="Record a booking's escorts (R-TRV-6)",
        request=InputSerializer,
        responses={200: BookingSerializer, **WRITE},
    )
    def post(self, request, booking_id):
        data = _valid(self.InputSerializer, request.data)
        booking = services.booking_set_escorts(actor=request.user, booking_id=booking_id, **data)
        return Response(BookingSerializer(booking).data)


class BookingTicketApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        ticket_number = serializers.CharField(max_length=64)
        issued_on = serializers.DateField()

        class Meta:
            ref_name = "BookingTicketInput"

    @extend_schema(
        operation_id="bookings_ticket",
        summary="Issue the ticket; the case moves to travel booked (R-TRV-2)",
        request=InputSerializer,
        responses={200: BookingSerializer, **WRITE},
    )
    def post(self, request, booking_id):
        data = _valid(self.InputSerializer, request.data)
        booking = services.booking_issue_ticket(actor=request.user, booking_id=booking_id, **data)
        return Response(BookingSerializer(booking).data)


class BookingInformedApi(APIView):
    class InputSerializer(serializers.Serializer):
        informed_on = serializers.DateField()

        class Meta:
            ref_name = "BookingInformedInput"

    @extend_schema(
        operation_id="bookings_informed",
        summary="Record when the migrant was told travel details and luggage (R-TRV-7)",
        request=InputSerializer,
        responses={200: BookingSerializer, **WRITE},
    )
    def post(self, request, booking_id):
        data = _valid(self.InputSerializer, request.data)
        booking = services.booking_record_informed(
            actor=request.user, booking_id=booking_id, **data
        )
        return Response(BookingSerializer(booking).data)


class BookingRebookApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        movement_id = serializers.UUIDField()
        reason = serializers.CharField(max_length=255)

        class Meta:
            ref_name = "BookingRebookInput"

    @extend_schema(
        operation_id="bookings_rebook",
        summary="Rebook a booked or ticketed case onto another movement before departure",
        description=(
            "One step: the booking is cancelled with the reason and a new booking is made on "
            "the target movement, whose rules apply again (R-SUS-1, R-TRV-1, R-TRV-5, "
            "R-TRV-6). The new booking has no ticket until the origin office confirms an ABN "
            "of the new movement listing the case (R-TRV-2); the migrant is told the new "
            "details again (R-TRV-7) and the final discussion is held again (R-TRV-8). "
            "Returns the new booking; 409 on a stale version or a rule."
        ),
        request=InputSerializer,
        responses={201: BookingSerializer, **WRITE},
    )
    def post(self, request, booking_id):
        data = _valid(self.InputSerializer, request.data)
        booking = services.booking_rebook(actor=request.user, booking_id=booking_id, **data)
        return Response(BookingSerializer(booking).data, status=201)


# ---- ABN (R-TRV-3, R-TRV-4) ----------------------------------------------------------------


class AbnSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="abn.id")
    version = serializers.IntegerField(source="abn.version")
    movement_id = serializers.UUIDField(source="abn.movement_id")
    status = serializers.ChoiceField(AbnStatus.choices, source="abn.status")
    sent_at = serializers.DateTimeField(source="abn.sent_at")
    send_due = serializers.DateField(source="abn.send_due")
    sent_late = serializers.BooleanField(source="abn.sent_late")
    confirmation_due = serializers.DateField(source="abn.confirmation_due")
    responded_at = serializers.DateTimeField(source="abn.responded_at", allow_null=True)
    responded_late = serializers.BooleanField(source="abn.responded_late")
    message = serializers.CharField(source="abn.message")

    class Meta:
        ref_name = "AbnSummary"


class InboxRowSerializer(AbnSerializer):
    deadline = serializers.CharField(source="status.value")

    class Meta:
        ref_name = "AbnInboxRow"


class AbnDetailSerializer(AbnSerializer):
    """An ABN copy (an `AbnCopy`) with codes and, beside them, labels in the request's
    language (R-TRV-3)."""

    content = serializers.JSONField(
        help_text=(
            "The general copy. `means` is a code and `means_label` its label; each "
            "returnee's `escorts`, `mobility` and `vulnerabilities` are lists of "
            "{code, label}. Labels are in the request's language; in ABNs sent before codes "
            "were stored, `code` is null and `label` is as the sender's screen showed it."
        )
    )
    protection = serializers.JSONField(
        help_text=(
            "Protection detail per case reference, only for its readers (R-VOT-3): items of "
            "{group, category, category_label, note}; `category` is null in ABNs sent "
            "before codes were stored."
        )
    )

    class Meta:
        ref_name = "AbnDetail"

    def to_representation(self, instance):
        shown = instance.display()
        return super().to_representation(
            replace(instance, content=shown.content, protection=shown.protection)
        )


class AbnInboxApi(APIView):
    @extend_schema(
        operation_id="abns_inbox",
        summary="ABNs sent to the user's origin offices, open ones first (R-TRV-4)",
        responses={200: InboxRowSerializer(many=True)},
    )
    def get(self, request):
        return Response(InboxRowSerializer(selectors.abn_inbox_for(request.user), many=True).data)


class AbnSendApi(APIView):
    @extend_schema(
        operation_id="movements_send_abn",
        summary="Send the ABN of a movement's bookings to the origin office (R-TRV-3)",
        request=None,
        responses={201: AbnDetailSerializer, **WRITE},
    )
    def post(self, request, movement_id):
        abn = services.abn_send(actor=request.user, movement_id=movement_id)
        copy = selectors.abn_copy_for(request.user, abn_id=abn.pk, record_view=False)
        return Response(AbnDetailSerializer(copy).data, status=201)


class AbnDetailApi(APIView):
    @extend_schema(
        operation_id="abns_read",
        summary="An ABN as the user may read it (protection detail only for R-VOT-3 readers)",
        responses={200: AbnDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, abn_id):
        return Response(
            AbnDetailSerializer(selectors.abn_copy_for(request.user, abn_id=abn_id)).data
        )


class AbnAnswerApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        confirm = serializers.BooleanField()
        message = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "AbnAnswerInput"

    @extend_schema(
        operation_id="abns_answer",
        summary="Confirm reception or query the ABN (origin office, R-TRV-4)",
        request=InputSerializer,
        responses={200: AbnDetailSerializer, **WRITE},
    )
    def post(self, request, abn_id):
        data = _valid(self.InputSerializer, request.data)
        services.abn_respond(actor=request.user, abn_id=abn_id, **data)
        copy = selectors.abn_copy_for(request.user, abn_id=abn_id, record_view=False)
        return Response(AbnDetailSerializer(copy).data)


# ---- departure and suspensions ----------------------------------------------------------------


class DepartureApi(APIView):
    class InputSerializer(serializers.Serializer):
        departed_on = serializers.DateField()

        class Meta:
            ref_name = "DepartureInput"

    @extend_schema(
        operation_id="movements_confirm_departure",
        summary="Confirm a movement's departure (R-TRV-10, R-TRV-11)",
        request=InputSerializer,
        responses={200: MovementSerializer, **WRITE},
    )
    def post(self, request, movement_id):
        data = _valid(self.InputSerializer, request.data)
        movement = services.movement_confirm_departure(
            actor=request.user, movement_id=movement_id, **data
        )
        return Response(MovementSerializer(movement).data)


class SuspensionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    version = serializers.IntegerField()
    country = serializers.CharField(source="country_id")
    admin_area_id = serializers.IntegerField(allow_null=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)
    reason = serializers.CharField()
    lifted_on = serializers.DateField(allow_null=True)
    lift_reason = serializers.CharField()

    class Meta:
        ref_name = "Suspension"


class SuspensionCreateApi(APIView):
    class InputSerializer(serializers.Serializer):
        country = serializers.CharField(max_length=2)
        admin_area_id = serializers.IntegerField(required=False, allow_null=True, default=None)
        starts_on = serializers.DateField()
        ends_on = serializers.DateField(required=False, allow_null=True, default=None)
        reason = serializers.CharField()

        class Meta:
            ref_name = "SuspensionInput"

    OutputSerializer = SuspensionSerializer

    @extend_schema(
        operation_id="suspensions_list",
        summary="Suspensions of returns, the latest first (R-SUS-1)",
        responses={200: SuspensionSerializer(many=True)},
    )
    def get(self, request):
        return Response(SuspensionSerializer(selectors.suspension_list(), many=True).data)

    @extend_schema(
        operation_id="suspensions_create",
        summary="Suspend returns to a country or area (programme managers, R-SUS-1)",
        request=InputSerializer,
        responses={201: OutputSerializer, 400: INVALID, 403: FORBIDDEN},
    )
    def post(self, request):
        data = dict(_valid(self.InputSerializer, request.data))
        suspension = services.suspension_create(
            actor=request.user, country_id=data.pop("country").upper(), **data
        )
        return Response(self.OutputSerializer(suspension).data, status=201)


class FinalDiscussionApi(APIView):
    class InputSerializer(serializers.Serializer):
        held_on = serializers.DateField()
        travel_details_confirmed = serializers.BooleanField()
        reintegration_reviewed = serializers.BooleanField()
        contacts_given = serializers.BooleanField()
        notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "FinalDiscussionInput"

    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        booking_id = serializers.UUIDField()
        held_on = serializers.DateField()
        notes = serializers.CharField()

        class Meta:
            ref_name = "FinalDiscussion"

    @extend_schema(
        operation_id="bookings_final_discussion",
        summary="Record the final discussion before departure (R-TRV-8)",
        request=InputSerializer,
        responses={201: OutputSerializer, **WRITE},
    )
    def post(self, request, booking_id):
        data = _valid(self.InputSerializer, request.data)
        discussion = services.final_discussion_record(
            actor=request.user, booking_id=booking_id, **data
        )
        return Response(self.OutputSerializer(discussion).data, status=201)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()

    class Meta:
        ref_name = "CancelInput"


class BookingCancelApi(APIView):
    @extend_schema(
        operation_id="bookings_cancel",
        summary="Take a case off its movement",
        request=ReasonSerializer,
        responses={200: BookingSerializer, **WRITE},
    )
    def post(self, request, booking_id):
        data = _valid(ReasonSerializer, request.data)
        booking = services.booking_cancel(actor=request.user, booking_id=booking_id, **data)
        return Response(BookingSerializer(booking).data)


class MovementCancelApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        reason = serializers.CharField()

        class Meta:
            ref_name = "MovementCancelInput"

    @extend_schema(
        operation_id="movements_cancel",
        summary="Cancel a movement before departure",
        request=InputSerializer,
        responses={200: MovementSerializer, **WRITE},
    )
    def post(self, request, movement_id):
        data = _valid(self.InputSerializer, request.data)
        movement = services.movement_cancel(actor=request.user, movement_id=movement_id, **data)
        return Response(MovementSerializer(movement).data)


class SuspensionLiftApi(APIView):
    class InputSerializer(serializers.Serializer):
        version = serializers.IntegerField()
        lifted_on = serializers.DateField()
        reason = serializers.CharField()

        class Meta:
            ref_name = "SuspensionLiftInput"

    @extend_schema(
        operation_id="suspensions_lift",
        summary="Lift a suspension: returns accepted again from a day (programme managers)",
        description=(
            "R-SUS-1: new bookings departing from `lifted_on` are accepted again; bookings "
            "the suspension flagged keep their review flag until reviewed one by one."
        ),
        request=InputSerializer,
        responses={200: SuspensionSerializer, **WRITE},
    )
    def post(self, request, suspension_id):
        data = _valid(self.InputSerializer, request.data)
        suspension = services.suspension_lift(
            actor=request.user, suspension_id=suspension_id, **data
        )
        return Response(SuspensionSerializer(suspension).data)
