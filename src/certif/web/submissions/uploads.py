"""Receiving a deposit's file from a page without holding it in memory.

The limit is checked from ``Content-Length`` before a byte of the body is read; the body is then
parsed by a single upload handler that writes the file to a temporary file on disk (64 KiB at a
time, never in memory) and drops it if it grows past the limit anyway (a body sent without a
length, or lying about it). The view must set the handlers before anything reads ``POST``:
the CSRF check reads it, so the view is exempted and checks CSRF itself afterwards.
"""

from __future__ import annotations

from typing import Any

from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from django.http import HttpRequest

# The form around the file (the token, the annexes page, the multipart boundaries).
FORM_OVERHEAD = 64 * 1024


def announced_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) or None
    except ValueError:
        return None


def announced_too_large(request: HttpRequest, max_bytes: int) -> bool:
    length = announced_length(request)
    return length is not None and length > max_bytes + FORM_OVERHEAD


class BoundedUploadHandler(TemporaryFileUploadHandler):
    """Django's temporary-file handler, which drops a file past ``max_bytes``."""

    chunk_size = 64 * 1024

    def __init__(self, request: HttpRequest, max_bytes: int) -> None:
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> Any:
        if start + len(raw_data) > self.max_bytes:
            self.too_large = True
            if self.file is not None:
                self.file.close()  # a temporary upload file deletes itself when closed
            raise SkipFile
        return super().receive_data_chunk(raw_data, start)


def bound_uploads(request: HttpRequest, max_bytes: int) -> BoundedUploadHandler:
    handler = BoundedUploadHandler(request, max_bytes)
    request.upload_handlers = [handler]
    return handler
