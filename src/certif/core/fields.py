"""Model fields Certif needs beyond Django's."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class RowIdField(models.BigAutoField):
    """A primary key without SQLite's AUTOINCREMENT.

    AUTOINCREMENT keeps a counter table up to date on every insert, which costs about a
    third of the time of a bulk insert of millions of scores. Without it an id may be
    reused after the highest row is deleted, which tables of scores and sheets allow.
    Other databases are unaffected.
    """

    def db_type_suffix(self, connection: BaseDatabaseWrapper) -> Any:
        if connection.vendor == "sqlite":
            return None
        return connection.data_types_suffix.get(self.get_internal_type())
