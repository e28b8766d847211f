"""API of offices: the offices a user can pick when registering people and opening cases."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .access import access_for
from .selectors import office_choices_for


class OfficeListApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField()
        code = serializers.CharField()
        name = serializers.CharField()
        country = serializers.CharField(source="country_id", help_text="ISO 3166-1 alpha-2")
        is_host = serializers.BooleanField()
        is_transit = serializers.BooleanField()
        is_origin = serializers.BooleanField()
        my_roles = serializers.SerializerMethodField(
            help_text="The roles the signed-in user holds in this office (empty if none)."
        )

        class Meta:
            ref_name = "Office"

        def get_my_roles(self, office) -> list[str]:
            return sorted(self.context["access"].roles_at([office.pk]))

    @extend_schema(
        operation_id="offices_list",
        summary="Offices the user works in, and every origin office",
        responses={200: OutputSerializer(many=True)},
    )
    def get(self, request):
        """Origin offices are listed for everyone: opening a case names its origin office."""
        offices = office_choices_for(request.user)
        context = {"access": access_for(request.user)}
        return Response(self.OutputSerializer(offices, many=True, context=context).data)
