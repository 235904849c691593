"""When surveys are due, how long they stay open, and when holders are reminded.

Each value is set in the environment (``CERTIF_INSERTION_*``, read by ``certif.settings``); the
defaults below are used where a setting is absent (docs/statistics.md).
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.conf import settings

from certif.insertion.models import POINT_MONTHS, Point

# A survey is answerable for this many days from its due date (then its link has expired).
OPEN_DAYS = 90
# Days between one e-mail and the next reminder, and how many reminders at most.
REMINDER_DAYS = 14
REMINDERS = 2


def open_days() -> int:
    return int(getattr(settings, "INSERTION_OPEN_DAYS", OPEN_DAYS))


def reminder_days() -> int:
    return int(getattr(settings, "INSERTION_REMINDER_DAYS", REMINDER_DAYS))


def reminders() -> int:
    return int(getattr(settings, "INSERTION_REMINDERS", REMINDERS))


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` later, on the month's last day when it is shorter (31 August
    + 6 months = 28 or 29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_on(certified_on: date, point: Point) -> date:
    return add_months(certified_on, POINT_MONTHS[point])


def closes_on(due: date) -> date:
    return due + timedelta(days=open_days())
