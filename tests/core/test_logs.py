"""What the server's log says of a refused request."""

from __future__ import annotations

import logging

from certif.core.logs import OneLineRefusals


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError as error:
        record = logging.LogRecord(
            "django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",),
            (type(error), error, error.__traceback__),
        )  # fmt: skip
    record.status_code = status
    return record


def test_a_refused_request_is_logged_on_one_line() -> None:
    record = _record(403)
    assert OneLineRefusals().filter(record)
    assert logging.Formatter().format(record) == "Forbidden: /x/"


def test_a_server_error_keeps_its_traceback() -> None:
    record = _record(500)
    assert OneLineRefusals().filter(record)
    assert "Traceback" in logging.Formatter().format(record)
