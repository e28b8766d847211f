from django.utils.translation import gettext as _

from .errors import VersionConflict


def check_version(obj, expected_version: int | None) -> None:
    """Refuse a write based on a stale copy of the record (no lost updates)."""
    if expected_version is None:
        raise VersionConflict(_("The record version is required to save changes."))
    if int(expected_version) != obj.version:
        raise VersionConflict(
            _(
                "Someone else saved this record after you opened it. "
                "Reload it to see their changes, then apply yours again."
            ),
            field_errors={"version": [_("This record has changed since you opened it.")]},
        )
