"""The identity vocabulary of the national register (Caisse des Dépôts, flux 1.1.2): the access
paths to a certification, the sexes, and the shapes of the codes an identity holds.

Pure data shared by the candidates' model, the importers, the exports, the API and the demo.
"""

from __future__ import annotations

from certif.domain.vocabulary import Label

# The register's list (modaliteAcces), in its order.
ACCESS_PATHS: dict[str, Label] = {
    "FORMATION_INITIALE_HORS_APPRENTISSAGE": Label(
        "Formation initiale hors apprentissage", "Initial training, not apprenticeship"
    ),
    "FORMATION_INITIALE_APPRENTISSAGE": Label(
        "Formation initiale en apprentissage", "Initial training, apprenticeship"
    ),
    "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION": Label(
        "Formation continue hors contrat de professionnalisation",
        "Continuing training, without professionalisation contract",
    ),
    "FORMATION_CONTINUE_CONTRAT_DE_PROFESSIONNALISATION": Label(
        "Formation continue en contrat de professionnalisation",
        "Continuing training, with professionalisation contract",
    ),
    "VAE": Label(
        "Validation des acquis de l'expérience (VAE)", "Accreditation of prior experience (VAE)"
    ),
    "EQUIVALENCE_DIPLOME_ETRANGER": Label(
        "Équivalence de diplôme étranger", "Foreign diploma equivalence"
    ),
    "CANDIDAT_LIBRE": Label("Candidat libre", "Independent candidate"),
}

SEXES: dict[str, Label] = {"M": Label("Masculin", "Male"), "F": Label("Féminin", "Female")}

# Names and first names as the register holds them.
NAME_MAX = 60
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# An INSEE commune code (5 characters) or a postal code (9 at most).
COMMUNE_CODE_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z -]{0,8}$"
# An INSEE country code.
COUNTRY_CODE_PATTERN = r"^\d{3}$"
PHONE_PATTERN = r"^[0-9+ ().-]{6,32}$"


def agreed(sex: str, masculine: str, feminine: str, unknown: str) -> str:
    """A word agreeing with a person's recorded sex (« M », « F »), or its inclusive form
    (« né(e) ») when the sex is not recorded."""
    return {"M": masculine, "F": feminine}.get(sex, unknown)


def born_participle(sex: str) -> str:
    """« né », « née », or « né(e) » when the sex is not recorded."""
    return agreed(sex, "né", "née", "né(e)")
