"""Encryption at rest of personal data of the highest sensitivity (the NIR).

Fernet (AES-128-CBC with HMAC-SHA256, from ``cryptography``): each value is encrypted with a
fresh IV, so the same NIR never gives the same stored text, and a stored value altered or
encrypted with another key is refused rather than misread. The keys come from the environment
or the data folder (``certif.config.read_field_keys``), never from the database: a copy of the
database alone reveals no NIR. Several keys allow a rotation: the first encrypts, all decrypt
(``certif rotate-field-key``-style re-encryption is a save of each row).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MISSING_KEY = (
    "Aucune clé de chiffrement des données sensibles : définissez CERTIF_FIELD_KEYS ou "
    "CERTIF_FIELD_KEY_FILE, ou lancez « certif init » pour en créer une dans le dossier de "
    "données."
)


class UnreadableValue(ValueError):
    """A stored value no configured key decrypts (a lost or wrong key, or an altered row)."""


@cache
def _cipher() -> MultiFernet:
    keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []))
    if not keys:
        raise ImproperlyConfigured(MISSING_KEY)
    try:
        return MultiFernet([Fernet(key.encode("ascii")) for key in keys])
    except (ValueError, UnicodeEncodeError) as error:
        raise ImproperlyConfigured(
            "Clé de chiffrement des données sensibles invalide : 32 octets en base64 URL attendus."
        ) from error


def forget_keys() -> None:
    """Read the keys again on next use (after the settings changed: tests, a rotation)."""
    _cipher.cache_clear()


def encrypt(text: str) -> str:
    return _cipher().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as error:
        raise UnreadableValue(
            "Une donnée chiffrée ne peut pas être lue avec les clés configurées."
        ) from error


class EncryptedTextField(models.TextField):
    """Text stored encrypted; the empty string stays empty (« not recorded ») so that blank
    values need no key. It cannot be searched or sorted on: only read and written whole."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
