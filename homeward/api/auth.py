"""Token sign-in for API clients: the same throttled, audited check as the sign-in page."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from homeward.accounts.services import login_authenticate


def api_token_for(*, user) -> Token:
    """The user's API token, created on first sign-in (the sign-in itself is audited)."""
    token, _created = Token.objects.get_or_create(user=user)
    return token


class TokenCreateApi(APIView):
    """Exchange a username and password for a token: send `Authorization: Token <key>`."""

    authentication_classes = []
    permission_classes = [AllowAny]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=1024, trim_whitespace=False)

        class Meta:
            ref_name = "TokenCreateInput"

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

        class Meta:
            ref_name = "Token"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Get an API token",
        request=InputSerializer,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="Wrong username or password."),
            429: OpenApiResponse(description="Too many failed sign-ins; try again later."),
        },
        auth=[],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = login_authenticate(
            request=request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
            ip_address=request.META.get("REMOTE_ADDR") or None,
        )
        token = api_token_for(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)
