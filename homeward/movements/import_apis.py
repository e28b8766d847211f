"""API of notification-list imports (R-ARR-3): dry run, import, status and progress."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from homeward.accounts.models import Office
from homeward.programmes.models import Programme, ReturnScheme

from .import_selectors import import_batch_get_for, import_batch_list_for
from .import_services import import_batch_viewed, import_check, import_start
from .models import IMPORTABLE_SCHEMES

INVALID = OpenApiResponse(
    description="Invalid upload (field messages in `errors`: wrong type, empty file, "
    "missing columns, unknown office or programme)."
)
NOT_FOUND = OpenApiResponse(description="No such import, or not one of the user's offices.")


class ReportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number in the file (the header is row 1)")
    status = serializers.CharField(
        help_text="invalid, duplicate_in_file, already_imported or failed"
    )
    name = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Column → messages; `__all__` for the row as a whole",
    )

    class Meta:
        ref_name = "ImportReportRow"


class CheckSerializer(serializers.Serializer):
    """A dry run's result: what importing would do. Nothing was written."""

    dry_run = serializers.BooleanField(default=True)
    total_rows = serializers.IntegerField()
    valid_rows = serializers.IntegerField()
    invalid_rows = serializers.IntegerField()
    duplicate_rows = serializers.IntegerField()
    already_imported_rows = serializers.IntegerField()
    rows_to_import = serializers.IntegerField()
    report = ReportRowSerializer(many=True)

    class Meta:
        ref_name = "ImportCheck"


class BatchSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    office = serializers.CharField(source="office.name")
    office_id = serializers.UUIDField()
    programme = serializers.CharField(source="programme.name")
    scheme = serializers.CharField()
    file_name = serializers.CharField()
    file_sha256 = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(source="created_by.username")
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    total_rows = serializers.IntegerField()
    invalid_rows = serializers.IntegerField()
    duplicate_rows = serializers.IntegerField()
    already_imported_rows = serializers.IntegerField()
    rows_to_import = serializers.IntegerField()
    rows_done = serializers.IntegerField(help_text="Progress: rows processed so far")
    percent_done = serializers.IntegerField()
    created_cases = serializers.IntegerField()
    skipped_rows = serializers.IntegerField()
    failed_rows = serializers.IntegerField()
    likely_duplicates = serializers.IntegerField(
        help_text="Cases whose duplicate check found a likely match (a decision is due)"
    )
    error = serializers.CharField()

    class Meta:
        ref_name = "ImportBatch"


class BatchDetailSerializer(BatchSerializer):
    report = ReportRowSerializer(many=True)

    class Meta:
        ref_name = "ImportBatchDetail"


class ImportListCreateApi(APIView):
    """GET lists the imports of the user's origin offices; POST uploads a list (multipart)."""

    parser_classes = [MultiPartParser, FormParser]
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    class InputSerializer(serializers.Serializer):
        file = serializers.FileField(
            help_text="CSV or XLSX, header row first", allow_empty_file=True
        )
        office = serializers.PrimaryKeyRelatedField(
            queryset=Office.objects.filter(is_origin=True), pk_field=serializers.UUIDField()
        )
        programme = serializers.PrimaryKeyRelatedField(
            queryset=Programme.objects.filter(is_active=True), pk_field=serializers.UUIDField()
        )
        scheme = serializers.ChoiceField(
            [(s, ReturnScheme(s).label) for s in IMPORTABLE_SCHEMES],
            default=ReturnScheme.FORCED,
            help_text="For rows without a scheme column",
        )
        dry_run = serializers.BooleanField(
            default=False, help_text="Check and report only; nothing is written"
        )

        class Meta:
            ref_name = "ImportInput"

    @extend_schema(
        operation_id="imports_list",
        summary="Notification-list imports of the user's origin offices",
        responses={200: BatchSerializer(many=True)},
    )
    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(import_batch_list_for(request.user), request, view=self)
        return paginator.get_paginated_response(BatchSerializer(page, many=True).data)

    @extend_schema(
        operation_id="imports_create",
        summary="Check (dry run) or import an authority's notification list",
        request={"multipart/form-data": InputSerializer},
        responses={
            200: CheckSerializer,
            201: BatchDetailSerializer,
            202: BatchDetailSerializer,
            400: INVALID,
            403: OpenApiResponse(description="The user may not open cases for that office."),
        },
    )
    def post(self, request):
        """With `dry_run`, 200 and the per-row report. Otherwise the valid rows are imported:
        201 when done at once, 202 when the list runs in the background (poll the import)."""
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        upload = data.pop("file")
        dry_run = data.pop("dry_run")
        arguments = {
            "actor": request.user,
            "content": upload.read(),
            "file_name": upload.name or "",
            **data,
        }
        if dry_run:
            check = import_check(**arguments)
            body = {"dry_run": True, **check.counts(), "report": check.report}
            return Response(CheckSerializer(body).data)
        batch = import_start(**arguments)
        status = 201 if batch.is_finished else 202
        return Response(BatchDetailSerializer(batch).data, status=status)


class ImportDetailApi(APIView):
    """GET an import: status, progress and the rows with problems (audited)."""

    @extend_schema(
        operation_id="imports_retrieve",
        summary="An import's status, progress and report",
        responses={200: BatchDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request, batch_id):
        batch = import_batch_get_for(request.user, batch_id=batch_id)
        import_batch_viewed(
            actor=request.user, batch=batch, ip_address=request.META.get("REMOTE_ADDR")
        )
        return Response(BatchDetailSerializer(batch).data)
