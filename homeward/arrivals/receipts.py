"""Signed pocket-money receipts: checked from their bytes and kept outside the web root,
with the helpers of the consent app's signed scans."""

import secrets

from django.utils import timezone

from homeward.consent import uploads
from homeward.consent.uploads import UploadRefused, check_upload, read_stored, remove_file

SUBDIRECTORY = "receipts"

__all__ = ["UploadRefused", "check_upload", "new_receipt_name", "read_stored", "remove_file"]


def new_receipt_name(checked: uploads.CheckedFile) -> str:
    """A random relative path such as receipts/2026/05/3f1c….pdf."""
    today = timezone.localdate()
    return f"{SUBDIRECTORY}/{today:%Y}/{today:%m}/{secrets.token_hex(16)}.{checked.extension}"


def write_receipt(storage_name: str, content: bytes) -> None:
    uploads.write_file(storage_name, content)
