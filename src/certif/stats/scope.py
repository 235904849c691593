"""Which candidates a statistic is about: a session, a year, an access path, or all of them.

Every statistic reads its population from ``Scope.candidates`` and its sheets from
``Scope.sheets``: a new filter (a partner, say) is one field and one condition here, and
every figure, page and export follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from certif.candidates.models import Candidate
from certif.core.errors import Invalid, NotFound
from certif.core.text import quoted
from certif.domain.identity import ACCESS_PATHS
from certif.grading.models import ScoreSheet
from certif.sessions.models import Enrolment, ExamSession

FIRST_YEAR, LAST_YEAR = 2000, 2100


@dataclass(frozen=True)
class Scope:
    """The filters of a statistic; an empty scope is every candidate."""

    session: str = ""
    year: int | None = None
    access_path: str = ""

    def __post_init__(self) -> None:
        if self.year is not None and not FIRST_YEAR <= self.year <= LAST_YEAR:
            message = f"Année hors de {FIRST_YEAR} à {LAST_YEAR} : {self.year}."
            raise Invalid({"year": [message]}, message)
        if self.access_path and self.access_path not in ACCESS_PATHS:
            message = f"Voie d'accès inconnue : {quoted(self.access_path)}."
            raise Invalid({"access_path": [message]}, message)
        if self.session and not ExamSession.objects.filter(code=self.session).exists():
            raise NotFound(f"Session inconnue : {quoted(self.session)}.")

    def summary(self) -> dict[str, Any]:
        """The scope as the JSON states it (``null`` for a filter not set)."""
        return {
            "session": self.session or None,
            "year": self.year,
            "access_path": self.access_path or None,
        }

    @property
    def filters_candidates(self) -> bool:
        """Whether candidates are chosen by more than the sessions they sat."""
        return bool(self.access_path)

    def sessions(self) -> QuerySet[ExamSession]:
        """The sessions whose sheets count: the one asked, those begun in the year, or all."""
        found = ExamSession.objects.all()
        if self.session:
            found = found.filter(code=self.session)
        if self.year is not None:
            found = found.filter(start_date__year=self.year)
        return found

    def _sat(self) -> Q:
        """Candidates enrolled in, or holding a sheet of, one of the scope's sessions."""
        sessions = self.sessions()
        enrolled = Enrolment.objects.filter(candidate=OuterRef("pk"), session__in=sessions)
        graded = ScoreSheet.objects.filter(candidate=OuterRef("pk"), session__in=sessions)
        return Q(Exists(enrolled)) | Q(Exists(graded))

    def candidates(self) -> QuerySet[Candidate]:
        """The population: every filter set, combined."""
        found = Candidate.objects.all()
        if self.access_path:
            found = found.filter(access_path=self.access_path)
        if self.session or self.year is not None:
            found = found.filter(self._sat())
        return found

    @property
    def is_everyone(self) -> bool:
        return not (self.session or self.year is not None or self.filters_candidates)

    def limit(self, rows: QuerySet[Any], field: str = "candidate") -> QuerySet[Any]:
        """``rows`` of the population's candidates (``field`` names the candidate)."""
        return rows if self.is_everyone else rows.filter(**{f"{field}__in": self.candidates()})

    def sheets(self) -> QuerySet[ScoreSheet]:
        """The sheets of the population in the scope's sessions (anyone holding a sheet of a
        session of the scope is in its population, so the sessions alone choose them unless
        candidates are filtered otherwise)."""
        found = ScoreSheet.objects.all()
        if self.filters_candidates:
            found = found.filter(candidate__in=self.candidates())
        if self.session or self.year is not None:
            found = found.filter(session__in=self.sessions())
        return found
