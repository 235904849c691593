"""The demo's deposits and mémoire subjects, in the coming retake session: one candidate with
an approved subject and her files deposited (the mémoire and each written support she owes),
another whose subject awaits the Direction pédagogique."""

from __future__ import annotations

import io
from typing import Any

from django.contrib.auth import get_user_model
from pypdf import PdfWriter

from certif.accounts.services import create_user
from certif.candidates.models import Candidate
from certif.core.roles import Role
from certif.sessions.models import Enrolment, ExamSession
from certif.submissions import services
from certif.submissions.queries import owed

DEPOSITING = "deposante"
SUBJECTS = (
    {
        "title": "Le conseil patrimonial aux dirigeants de PME face à la réforme de l'épargne retraite",
        "problem": "Comment le chargé de clientèle peut-il accompagner un dirigeant de PME dans "
        "le transfert de ses contrats vers un PER sans rompre la relation de proximité ?",
        "outline": "1. Le cadre issu de la loi PACTE. 2. Les attentes des dirigeants de PME. "
        "3. Une démarche de conseil en trois rendez-vous.",
    },
    {
        "title": "Fidéliser les jeunes actifs par les canaux numériques",
        "problem": "Les canaux numériques éloignent-ils les jeunes actifs de leur conseiller ou "
        "permettent-ils une relation plus suivie ?",
        "outline": "1. Les usages. 2. Les attentes exprimées en agence. 3. Préconisations.",
    },
)


def _pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _candidates(session: ExamSession) -> list[Candidate]:
    """The two candidates who owe the most files (the first one the mémoire, if anyone does)."""
    ids = Enrolment.objects.filter(session=session).values_list("candidate_id", flat=True)
    enrolled = Candidate.objects.filter(pk__in=set(ids)).order_by("numero")

    def weight(candidate: Candidate) -> tuple[bool, int]:
        items = owed(candidate, session)
        return any(item.is_thesis for item in items), len(items)

    return sorted(enrolled, key=weight, reverse=True)[:2]


def _deposit_all(candidate: Candidate, session: ExamSession) -> int:
    count = 0
    for item in owed(candidate, session):
        if not item.is_open:
            continue
        pages, annexes = (36, {"annexes_start_page": "33"}) if item.is_thesis else (6, {})
        services.deposit_file(
            candidate, session, item.code, [_pdf(pages)],
            shown_name=f"{item.code.lower()}-{candidate.numero}.pdf", data=annexes, actor=None,
        )  # fmt: skip
        count += 1
    return count


def install_deposits(session: ExamSession, reviewer: Any, password: str) -> list[str]:
    """Subjects and deposits of two candidates of ``session``; her account for the first."""
    chosen = _candidates(session)
    if len(chosen) < 2:
        return []
    first, second = chosen
    proposed = services.propose_subject(first, SUBJECTS[0], actor=None)
    services.review_subject(
        proposed.pk,
        {"verdict": "approved", "comment": "Sujet d'actualité, bien délimité.", "revision": 0},
        actor=reviewer,
    )
    services.propose_subject(second, SUBJECTS[1], actor=None)
    deposited = _deposit_all(first, session)
    if not get_user_model().objects.filter(username=DEPOSITING).exists():
        create_user(
            DEPOSITING, password=password, roles=[Role.CANDIDATE], candidate=first,
            email=f"{DEPOSITING}@example.org",
        )  # fmt: skip
    return [
        f"Dépôts de démonstration (session {session.code}) : {deposited} fichier(s) de "
        f"{first.numero} (compte « {DEPOSITING} »), sujet validé ; sujet de {second.numero} "
        "en attente de la Direction pédagogique."
    ]
