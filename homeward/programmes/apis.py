"""API of programmes: the active programmes a case can be opened under."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import programme_list


class ProgrammeListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        class ActionSerializer(serializers.Serializer):
            country = serializers.CharField(source="country_id")
            kind = serializers.CharField(help_text="host or origin")
            starts_on = serializers.DateField()
            ends_on = serializers.DateField()

            class Meta:
                ref_name = "ProgrammeCountryAction"

        id = serializers.UUIDField()
        code = serializers.CharField()
        name = serializers.CharField()
        donor = serializers.CharField()
        eligible_schemes = serializers.ListField(child=serializers.CharField())
        currencies = serializers.ListField(child=serializers.CharField())
        actions = ActionSerializer(many=True)

        class Meta:
            ref_name = "Programme"

    @extend_schema(
        operation_id="programmes_list",
        summary="Active programmes",
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        """With the countries where each acts as host or origin, and its dates."""
        programmes = programme_list().order_by("name")
        return Response(self.OutputSerializer(programmes, many=True).data)
