"""The ApplicationError tree: every refusal a service can raise.

Views turn them into inline form errors, the API into JSON with a status code.
"""


class ApplicationError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str = "", *, field_errors: dict | None = None, reasons=None):
        super().__init__(message)
        self.message = str(message)
        self.field_errors = {k: [str(m) for m in v] for k, v in (field_errors or {}).items()}
        self.reasons = [str(r) for r in (reasons or [])]

    def as_dict(self) -> dict:
        body = {"code": self.code, "detail": self.message}
        if self.field_errors:
            body["errors"] = self.field_errors
        if self.reasons:
            body["reasons"] = self.reasons
        return body


class ValidationFailed(ApplicationError):
    code = "invalid"

    @classmethod
    def from_django(cls, exc) -> "ValidationFailed":
        """Wrap a django.core.exceptions.ValidationError, keeping its field messages."""
        from django.utils.translation import gettext as _

        if hasattr(exc, "message_dict"):
            fields = {k: list(v) for k, v in exc.message_dict.items()}
        else:
            fields = {"__all__": list(exc.messages)}
        return cls(_("Please correct the errors below."), field_errors=fields)


class NotFound(ApplicationError):
    """Raised for missing records and for records the actor may not see alike."""

    status_code = 404
    code = "not_found"


class PermissionDenied(ApplicationError):
    status_code = 403
    code = "permission_denied"


class VersionConflict(ApplicationError):
    status_code = 409
    code = "version_conflict"


class TransitionBlocked(ApplicationError):
    status_code = 409
    code = "transition_blocked"


def parse_uuid(value, message: str = "Not found."):
    """A UUID from user input, or NotFound: malformed ids look like missing records."""
    import uuid

    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError) as exc:
        raise NotFound(message) from exc
