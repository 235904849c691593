"""The validator of addressable codes (``certif.domain.codes``), for the model fields: forms,
the admin and the API inherit it from the field; the importers apply the same pattern."""

from __future__ import annotations

from django.core.validators import RegexValidator

from certif.domain.codes import CODE_PATTERN, CODE_RULE

addressable_code = RegexValidator(
    CODE_PATTERN, f"Code non admis : {CODE_RULE}.", code="addressable_code"
)
