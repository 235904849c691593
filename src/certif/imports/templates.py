"""Template files a user fills in: the import columns with a few example rows.

Generated from the référentiel in force, so that the example criteria and parts are
always those the importer accepts.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl

from certif.domain.numbers import format_quantity
from certif.domain.referential.schema import Criterion, CriterionKind, Referential
from certif.imports import candidates, partners
from certif.imports.exports import write_frame
from certif.imports.scores import OPTIONAL, REQUIRED

EXAMPLE_CANDIDATES = [
    {
        "numero": "C000001", "nom_naissance": "Lefèvre", "nom_usage": "Martin", "prenoms": "Éloïse Anne",
        "sexe": "F", "date_naissance": "01/07/1988", "code_commune_naissance": "69123", "commune_naissance": "Lyon",
        "pays_naissance": "France", "email": "eloise.martin@example.org", "telephone": "06 12 34 56 78",
        "voie_acces": "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION", "date_inscription": "15/09/2025",
        "temps_majore": "33", "amenagements": "Tiers-temps",
    },
    {
        "numero": "C000002", "nom_naissance": "Nguyen", "nom_usage": "", "prenoms": "Paul",
        "sexe": "M", "date_naissance": "1999-02-23", "code_commune_naissance": "75056", "commune_naissance": "Paris",
        "pays_naissance": "France", "email": "", "telephone": "", "voie_acces": "VAE", "date_inscription": "",
        "temps_majore": "", "amenagements": "",
    },
]  # fmt: skip


def _example_value(criterion: Criterion) -> str:
    """A value the criterion admits: half its maximum in points, « oui », or a page count."""
    if criterion.kind == CriterionKind.POINTS:
        return format_quantity((criterion.max_points or Decimal(0)) / 2)
    return "oui" if criterion.kind == CriterionKind.YES_NO else "42"


def scores_template(referential: Referential, session: str = "2026-06") -> pl.DataFrame:
    """One example row per kind of block: without parts, with a part, pass/fail."""
    rows = []
    shown: set[tuple[bool, str]] = set()
    for block in referential.blocks:
        key = (bool(block.parts), block.scoring.method)
        if key in shown:
            continue
        shown.add(key)
        part = block.parts[0].code if block.parts else ""
        for criterion in block.criteria[:2]:
            rows.append(
                (
                    "C000001",
                    session,
                    block.code,
                    part,
                    criterion.code,
                    _example_value(criterion),
                    "",
                )
            )
    return pl.DataFrame(rows, schema=[*REQUIRED, *OPTIONAL], orient="row")


def candidates_template() -> pl.DataFrame:
    return pl.DataFrame(EXAMPLE_CANDIDATES, schema={c: pl.String for c in candidates.COLUMNS})


EXAMPLE_PARTNERS = [
    {
        "siret": "73282932000074", "raison_sociale": "Institut Formation Banque", "nda": "11 75 39666 75",
        "adresse": "12 rue de la Paix, 75002 Paris", "qualiopi_numero": "25FOR02027.1",
        "qualiopi_echeance": "31/12/2027", "courriel": "contact@example.org",
    },
]  # fmt: skip


def partners_template() -> pl.DataFrame:
    columns = (*partners.PARTNER_REQUIRED, *partners.PARTNER_OPTIONAL)
    return pl.DataFrame(EXAMPLE_PARTNERS, schema={c: pl.String for c in columns})


def habilitations_template(referential: Referential) -> pl.DataFrame:
    """A whole-certification habilitation to prepare, and one to evaluate two blocks."""
    blocks = " ".join(block.code for block in referential.blocks[:2])
    rows = [
        ("73282932000074", "preparer", referential.code, "", "01/09/2026", "31/08/2029"),
        ("73282932000074", "evaluer", referential.code, blocks, "01/09/2026", "31/08/2028"),
    ]
    columns = ("siret", "nature", "certification", "blocs", "debut", "fin")
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row")


def write_templates(referential: Referential, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in (
        ("candidats", candidates_template()),
        ("notes", scores_template(referential)),
        ("organismes", partners_template()),
        ("habilitations", habilitations_template(referential)),
    ):
        for suffix in ("csv", "xlsx"):
            path = folder / f"{name}.{suffix}"
            write_frame(frame, path)
            written.append(path)
    return written
