"""The size cap of a request's uploads, enforced while Django streams the multipart body in,
before a file is held in memory or written to a temporary file: a request announcing more than
the cap is refused unread, and one that sends more than it announced stops at the cap."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext as _

# Four documents of 5 MB each (services.applications) and the form around them.
DEFAULT_MAX_UPLOAD_BYTES = 21 * 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "WFX_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES))


class UploadTooLarge(Exception):
    def __init__(self, limit: int):
        super().__init__(
            _("The request is over %(limit)s bytes; send smaller files.") % {"limit": f"{limit:,}"}
        )


class CappedUploadHandler(FileUploadHandler):
    """First of the request's upload handlers: counts every file's bytes as they arrive and
    stops the parsing the moment they pass the cap (the handlers after it never see the rest)."""

    def __init__(self, request: HttpRequest, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> Any:
        return None


def refuse_oversized(request: HttpRequest) -> CappedUploadHandler | None:
    """Raises `UploadTooLarge` when the request announces more than the cap; otherwise puts a
    `CappedUploadHandler` in front of the request's handlers (returned, to ask it afterwards
    whether it stopped the upload), or None when the body was read before it could."""
    limit = max_upload_bytes()
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > limit:
        raise UploadTooLarge(limit)
    handler = CappedUploadHandler(request, limit)
    try:
        request.upload_handlers.insert(0, handler)
    except AttributeError:
        return None  # already parsed by a middleware; the announced length was checked
    return handler
