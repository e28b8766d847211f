"""Checking and storing scans of signed forms.

The type of a file is decided from its bytes (magic numbers, and for images a full decode
with Pillow), never from its name or the content type the browser sent. Files are written
under `settings.PRIVATE_FILES_DIR` (outside the web root) with random names.
"""

import contextlib
import hashlib
import io
import os
import secrets
import threading
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SUBDIRECTORY = "signed"

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}


class UploadRefused(Exception):
    """The file cannot be accepted; `message` says why, for the file field."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    content: bytes
    content_type: str
    sha256: str
    original_name: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def max_upload_bytes() -> int:
    return int(getattr(settings, "HOMEWARD_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


def check_upload(upload) -> CheckedFile:
    """Check an uploaded file (Django's UploadedFile or any file object with a name); at
    most one byte past the limit is read."""
    limit = max_upload_bytes()
    name = getattr(upload, "name", "") or ""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return check_file(upload.read(limit + 1), name)


def _too_large(limit: int) -> UploadRefused:
    return UploadRefused(too_large_message(limit))


def too_large_message(limit: int | None = None) -> str:
    limit = max_upload_bytes() if limit is None else limit
    return _("The file is too large: the limit is %(limit)s.") % {"limit": filesizeformat(limit)}


class UploadLimitHandler(FileUploadHandler):
    """Drops a file as soon as it passes the size limit instead of receiving all of it
    (memory or a temporary file); `oversized` names the fields whose file was dropped, so
    that the page or the API can say the file is too large."""

    def __init__(self, request=None):
        super().__init__(request)
        self.limit = max_upload_bytes()
        self.oversized: set[str] = set()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            self.oversized.add(self.field_name)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_uploads(request) -> UploadLimitHandler:
    """Put the limit in front of the request's upload handlers; call it before anything
    reads request.POST or request.FILES (a view doing so must be exempt from the CSRF
    middleware and check the token itself, after this call)."""
    handler = UploadLimitHandler(request)
    request.upload_handlers.insert(0, handler)
    return handler


def check_file(content: bytes, original_name: str = "") -> CheckedFile:
    """A PDF, JPEG or PNG within the size limit, recognised from its bytes."""
    limit = max_upload_bytes()
    if not content:
        raise UploadRefused(_("The file is empty."))
    if len(content) > limit:
        raise _too_large(limit)
    content_type = sniff(content)
    if content_type is None:
        raise UploadRefused(
            _("This file is not a PDF, JPEG or PNG file. Scan the signed form to one of these.")
        )
    if content_type == PDF:
        _check_pdf(content)
    else:
        _check_image(content, content_type)
    return CheckedFile(
        content=content,
        content_type=content_type,
        sha256=hashlib.sha256(content).hexdigest(),
        original_name=clean_name(original_name),
    )


def sniff(content: bytes) -> str | None:
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def _check_pdf(content: bytes) -> None:
    # A complete PDF ends with an end-of-file marker (scanners may add a few bytes after it).
    if b"%%EOF" not in content[-2048:]:
        raise UploadRefused(_("This PDF file is incomplete or damaged."))


# Pillow reads this switch from a module global, and WeasyPrint turns it on when imported
# (it pads truncated images). Checks of uploads turn it off while they decode, under a lock.
_PILLOW_SWITCH = threading.Lock()


def _check_image(content: bytes, content_type: str) -> None:
    from PIL import Image, ImageFile

    expected = {JPEG: "JPEG", PNG: "PNG"}[content_type]
    with _PILLOW_SWITCH:
        tolerant = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            _decode(Image, content, expected)
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = tolerant


def _decode(Image, content: bytes, expected: str) -> None:  # noqa: N803 (the PIL module)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                if image.format != expected:
                    raise UploadRefused(_("This image file is damaged."))
                image.verify()  # structure and checksums
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise UploadRefused(_("This image is too large to process.")) from exc
    except Exception as exc:  # Pillow raises many kinds of error for damaged files
        raise UploadRefused(_("This image file is damaged.")) from exc


def clean_name(name: str) -> str:
    """The upload's own name, kept for display only: no path, no control characters."""
    name = os.path.basename(str(name).replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    return name[:255]


def storage_root() -> Path:
    return Path(settings.PRIVATE_FILES_DIR)


def new_storage_name(checked: CheckedFile) -> str:
    """A random relative path such as signed/2026/05/3f1c….pdf."""
    today = timezone.localdate()
    token = secrets.token_hex(16)
    return f"{SUBDIRECTORY}/{today:%Y}/{today:%m}/{token}.{checked.extension}"


def path_of(storage_name: str) -> Path:
    """The absolute path of a stored file; refuses names that leave the storage root."""
    root = storage_root().resolve()
    path = (root / storage_name).resolve()
    if root not in path.parents:
        raise ValueError("stored file outside the private files directory")
    return path


def write_file(storage_name: str, content: bytes) -> Path:
    """Write the whole file under a temporary name, flush it to disk, then move it into
    place: a reader never finds a half-written file."""
    path = path_of(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return path


def remove_file(storage_name: str) -> None:
    with contextlib.suppress(ValueError):
        path_of(storage_name).unlink(missing_ok=True)


def read_stored(storage_name: str) -> bytes:
    return path_of(storage_name).read_bytes()
