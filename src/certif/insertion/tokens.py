"""The personal link of a survey: its number signed with the server's secret key.

Nothing secret is stored: the signature (``django.core.signing``, HMAC with ``SECRET_KEY`` and
a salt of its own) proves the link was written by Certif for that survey, so no account is
needed. A forged or altered link is refused; whether it may still be used (not answered, not
closed) is read from the survey itself.
"""

from __future__ import annotations

from django.core import signing

SALT = "certif.insertion.survey"


def token_for(survey_id: int) -> str:
    return signing.Signer(salt=SALT).sign_object({"survey": survey_id}, compress=False)


def survey_of(token: str) -> int | None:
    """The survey a token was signed for, or None for a forged or damaged one."""
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    survey = payload.get("survey") if isinstance(payload, dict) else None
    return survey if isinstance(survey, int) and not isinstance(survey, bool) else None
