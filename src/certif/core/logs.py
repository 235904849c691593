"""Log records as an operator wants to read them."""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    """A refused request (403) is one line: who asked for what is worth logging, the traceback
    of a permission check that did its job is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
