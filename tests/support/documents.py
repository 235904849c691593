"""The world the documents need, built once per test module through the services: a référentiel
whose registration mentions are filled, a certifier with its settings, a session whose
deliberation is closed, and a second session whose deliberation is ready to close.

Building it takes about a second (two référentiels, imports, a deliberation); each test then
runs inside it and rolls back its own changes, as any database test does.
"""

from __future__ import annotations

import io

import pypdf

from certif.candidates.models import Candidate


def candidate(numero: str) -> Candidate:
    return Candidate.objects.get(numero=numero)


def pdf_text(data: bytes) -> str:
    """Every page's text, with line breaks turned into spaces (a mention may wrap)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(data)).pages)


OVERRIDE = "Erreur matérielle sur la grille constatée par le jury : le bloc est validé."
