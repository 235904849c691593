"""Dates, durations and names as a French official document writes them."""

from __future__ import annotations

import math
from datetime import date, datetime

from django.utils import timezone

from certif.domain.identity import born_participle

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def long_date(day: date) -> str:
    """« 12 mars 2026 », « 1er juillet 1988 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def weekday_date(day: date) -> str:
    """« lundi 15 juin 2026 »."""
    return f"{WEEKDAYS[day.weekday()]} {long_date(day)}"


def clock(moment: datetime) -> str:
    """« 9 h 00 », « 14 h 30 », in the local time zone."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return f"{local.hour} h {local.minute:02d}"


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


def date_range(start: date | None, end: date | None) -> str:
    """« du 15 au 19 juin 2026 », « le 15 juin 2026 », or empty when nothing is known."""
    if start is None:
        return f"le {long_date(end)}" if end is not None else ""
    if end is None or start == end:
        return f"le {long_date(start)}"
    if (start.year, start.month) == (end.year, end.month):
        first = "1er" if start.day == 1 else str(start.day)
        return f"du {first} au {long_date(end)}"
    if start.year == end.year:
        first = long_date(start).rsplit(" ", 1)[0]
        return f"du {first} au {long_date(end)}"
    return f"du {long_date(start)} au {long_date(end)}"


def minutes_text(minutes: int) -> str:
    """« 20 minutes », « 1 heure », « 1 h 30 », « 2 heures »."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} minute{'s' if rest > 1 else ''}"
    if rest == 0:
        return f"{hours} heure{'s' if hours > 1 else ''}"
    return f"{hours} h {rest:02d}"


def with_extra_time(minutes: int, percent: int) -> int:
    """A duration lengthened by ``percent`` %, rounded up to the minute (never shortened)."""
    return math.ceil(minutes * (100 + percent) / 100)


def born(sex: str) -> str:
    """The participle agreeing with the holder: « né », « née », or « né(e) » when unknown."""
    return born_participle(sex)
