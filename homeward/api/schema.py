"""The OpenAPI schema: drf-spectacular's, plus the one error body every endpoint shares.

Views declare which error codes they answer with (`OpenApiResponse(description=...)`);
this generator gives each such response the `Error` body of `homeward.api.errors` and
documents the 401 of every endpoint that needs a signed-in user (settings make it the
default generator, so `manage.py spectacular` produces the same schema).
"""

from functools import cache

from django.utils import translation
from drf_spectacular import generators

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every error: a machine code, a message, and details when they apply.",
    "properties": {
        "code": {
            "type": "string",
            "description": "e.g. invalid, not_found, permission_denied, not_authenticated, "
            "version_conflict, transition_blocked, invalid_credentials, throttled",
        },
        "detail": {"type": "string", "description": "A message for people."},
        "errors": {
            "type": "object",
            "description": "Field name → messages (nested fields as names.0.given_names; "
            "messages about no single field under __all__).",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
        "reasons": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Why a workflow action is blocked (409 transition_blocked).",
        },
    },
    "required": ["code", "detail"],
}
ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
NOT_SIGNED_IN = "Not signed in, or the token is not valid."


class SchemaGenerator(generators.SchemaGenerator):
    def get_schema(self, request=None, public=False):
        schema = super().get_schema(request=request, public=public)
        return add_error_bodies(schema)


def add_error_bodies(schema: dict) -> dict:
    schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if {} not in operation.get("security", [{}]):
                responses.setdefault("401", {"description": NOT_SIGNED_IN})
            for code, response in responses.items():
                if code.startswith("4") and "content" not in response:
                    response["content"] = ERROR_REF
    return schema


@cache
def _schema_in(language: str) -> dict:
    with translation.override(language):
        return SchemaGenerator().get_schema(request=None, public=True)


def api_schema() -> dict:
    """The schema in the active language, generated once per process and language."""
    return _schema_in(translation.get_language() or "en")
