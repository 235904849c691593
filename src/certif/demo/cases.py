"""The demo's bank of cases: a few invented cases for each épreuve that takes one (the slots of
the référentiel), and their draws in the demo's sessions, so that the retake session shows
candidates given cases they never had before."""

from __future__ import annotations

from typing import Any

from certif.casebank.models import Case
from certif.casebank.queries import bank_referential
from certif.casebank.services import create_case, draw_cases
from certif.domain.referential.schema import CaseKind, CaseSlot
from certif.sessions.models import ExamSession

# Invented situations; every name, figure and company is fictitious.
CLIENTS = (
    (
        "Mme Leroy",
        "infirmière de 34 ans, locataire à Villeurbanne, un enfant, 2 400 € nets par mois",
    ),
    ("M. Garnier", "artisan électricien de 47 ans, propriétaire, 45 000 € d'épargne sur livrets"),
    ("Mme et M. Diallo", "couple de 29 et 31 ans, premier achat immobilier envisagé à Lyon"),
    ("M. Perrin", "retraité de 66 ans, veuf, contrat d'assurance vie ouvert en 1998"),
    ("Mme Roussel", "cadre commerciale de 41 ans, divorcée, revenus variables"),
    ("M. Caron", "étudiant de 22 ans, alternant, premier compte hors de chez ses parents"),
)
COMPANIES = {
    "particulier": CLIENTS,
    "pme": (
        ("Boulangeries Morel", "SARL de 18 salariés, trois points de vente, mutuelle à revoir"),
        ("Atelier Vasseur", "menuiserie de 12 salariés, besoin de financer une machine"),
        ("Transports Bonnet", "PME de 35 salariés, flotte de 20 véhicules à assurer"),
        ("Cabinet Lemoine", "expert-comptable, 9 salariés, départ en retraite du fondateur"),
    ),
    "eti": (
        ("Groupe Fontaine", "ETI agroalimentaire de 900 salariés, PER d'entreprise à créer"),
        ("Hexaplast", "ETI industrielle de 1 400 salariés, rachat d'un concurrent italien"),
        ("Novéa Services", "ETI de services de 600 salariés, protection sociale à harmoniser"),
        ("Maisons Chevalier", "constructeur de 750 salariés, trésorerie saisonnière"),
    ),
}
AGENCIES = (
    "agence de centre-ville à Grenoble, 2 800 clients, forte concurrence des banques en ligne",
    "agence périurbaine à Villefranche-sur-Saône, clientèle de commerçants et d'artisans",
    "agence rurale dans la Drôme, clientèle âgée, peu de nouveaux clients",
    "agence ouverte depuis six mois à Annecy, objectif de 400 nouveaux clients",
)
# Cases per slot: more than the later sessions (a few candidates each) need; the first
# session, held before the bank existed, has no draws.
PER_SLOT = 6


def _situation(slot: CaseSlot, index: int) -> tuple[str, str, str]:
    """(title, text, client's script) of the slot's ``index``-th invented case."""
    kind = slot.case.kind
    if kind == CaseKind.CASE_STUDY:
        agency = AGENCIES[index % len(AGENCIES)]
        title = f"Agence {index + 1} — {agency.split(',')[0]}"
        text = (
            f"Vous êtes chargé(e) de clientèle dans une {agency}. {slot.modality.mode_text} "
            f"Présentez les actions à mettre en œuvre (cas fictif n° {index + 1})."
        )
        return title, text, ""
    pool = COMPANIES.get(slot.part, CLIENTS)
    name, profile = pool[index % len(pool)]
    title = f"{name} — situation {index // len(pool) + 1}"
    text = (
        f"{name} : {profile}. Le client vient vous voir pour faire le point sur ses besoins en "
        "assurance et en banque. Analysez sa situation patrimoniale et proposez-lui des "
        f"solutions adaptées (cas fictif n° {index + 1})."
    )
    script = ""
    if slot.case.client_script:
        script = (
            f"Vous jouez {name}. Vous ne mentionnez vos projets qu'aux questions ouvertes ; vous "
            "hésitez sur les frais et demandez une comparaison avec une offre concurrente."
        )
    return title, text, script


def install_case_bank(actor: Any) -> list[str]:
    """The invented cases, once: a second run finds them and adds none."""
    version = bank_referential()
    if version is None or Case.objects.exists():
        return []
    slots = version.referential.case_slots()
    for slot in slots:
        prefix = slot.key.replace(":", "-").upper()
        for index in range(PER_SLOT):
            title, text, script = _situation(slot, index)
            create_case(
                {
                    "slot": slot.key,
                    "reference": f"{prefix}-{index + 1:03d}",
                    "title": title,
                    "text": text,
                    "client_script": script,
                    "note": "",
                },
                actor=actor,
            )
    return [f"Banque de cas : {PER_SLOT * len(slots)} cas inventés ({len(slots)} épreuves)"]


def draw_demo_cases(sessions: list[ExamSession], actor: Any) -> list[str]:
    """Draws for each session in order: a later one never repeats a candidate's case."""
    lines = []
    for session in sessions:
        outcome = draw_cases(session, actor=actor)
        lines.append(f"Cas tirés pour la session {session.code} : {outcome.drawn}")
    return lines
