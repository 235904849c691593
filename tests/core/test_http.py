"""Headers built from data are encoded: a control character or « é » never breaks an answer."""

from __future__ import annotations

from django.http import HttpResponse

from certif.core.http import attachment, location


def test_a_location_percent_encodes_its_key() -> None:
    assert location("/api/v1/sessions/", "2026-06") == "/api/v1/sessions/2026-06"
    assert location("/api/v1/sessions", "a\x13/é") == "/api/v1/sessions/a%13%2F%C3%A9"


def test_a_download_name_with_non_ascii_characters_survives_the_header() -> None:
    header = attachment("relevé « Lefèvre »\x13.pdf")
    response = HttpResponse()
    response["Content-Disposition"] = header  # would raise on a raw control character
    assert header.isascii()
    assert "filename*=utf-8''relev%C3%A9" in header


def test_a_plain_name_is_given_as_it_is() -> None:
    assert attachment("flux-2026.xml") == 'attachment; filename="flux-2026.xml"'
