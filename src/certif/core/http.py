"""Response headers built from data: always encoded, never raw.

A header carries Latin-1 at most, and no control character: a session code or a file name
holding U+0013 or « é » put straight into ``Location`` or ``Content-Disposition`` made the
answer fail (500) after the write it reports had been done. Every header that quotes stored
data goes through one of these.
"""

from __future__ import annotations

from urllib.parse import quote

from django.utils.http import content_disposition_header


def location(collection: str, key: str) -> str:
    """The address of the member ``key`` of ``collection`` (a request's path), ``key``
    percent-encoded as one path segment."""
    return f"{collection.rstrip('/')}/{quote(key, safe='')}"


def attachment(file_name: str) -> str:
    """``Content-Disposition`` for a download: an ASCII ``filename`` (non-ASCII and quotes
    percent-encoded) and, for any other name, the exact one in ``filename*`` (RFC 6266)."""
    return content_disposition_header(True, file_name) or "attachment"
