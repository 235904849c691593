"""The columns of the import files (docs/formats.md).

Pure data, no Django: the importers, the exports and the demo generator share it.
"""

from __future__ import annotations

# Every candidates column, in the documented order; exports write them in this order.
CANDIDATE_COLUMNS: tuple[str, ...] = (
    "numero",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "sexe",
    "date_naissance",
    "code_commune_naissance",
    "commune_naissance",
    "pays_naissance",
    "email",
    "telephone",
    "voie_acces",
    "date_inscription",
    "temps_majore",
    "amenagements",
)
CANDIDATE_REQUIRED: tuple[str, ...] = ("numero", "nom_naissance", "prenoms", "date_naissance")
# Read by the import, never written by an export: the NIR leaves Certif only in the declaration
# to the Caisse des Dépôts.
# « partenaire » is the SIRET of the partner that prepared the candidate.
CANDIDATE_IMPORT_ONLY: tuple[str, ...] = ("nir", "partenaire")

SCORE_COLUMNS: tuple[str, ...] = ("candidat", "session", "bloc", "partie", "critere", "valeur")
SCORE_OPTIONAL: tuple[str, ...] = ("evaluateur",)
