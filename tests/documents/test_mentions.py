"""The linter of the certifier's settings: the mentions France compétences forbids on a
parchemin, found in the issuer's identity texts whatever their case or accents."""

from __future__ import annotations

import pytest

from certif.documents.mentions import CHECKED_FIELDS, lint_texts


def fields_flagged(**texts: str) -> list[str]:
    return [finding.field for finding in lint_texts(texts)]


@pytest.mark.parametrize(
    "text",
    [
        "Certification enregistrée sous réserve",
        "SOUS RESERVE de la décision",
        "Enregistrement au RNCP en cours",
        "En  cours d'enregistrement",
        "Avec le logo de France compétences",
        "France Compétences",
        "francecompetences",
    ],
)
def test_a_forbidden_mention_is_flagged_whatever_its_case_and_accents(text: str) -> None:
    flagged = fields_flagged(signatory_title=text)
    assert flagged
    assert set(flagged) == {"signatory_title"}


def test_an_ordinary_identity_is_not_flagged() -> None:
    texts = {
        "legal_name": "Institut Européen de l'Assurance",
        "address": "12, rue de la Paix\n75002 Paris",
        "issue_place": "Paris",
        "signatory_name": "Hélène Delacroix",
        "signatory_title": "Directrice générale",
    }
    assert lint_texts(texts) == []


def test_words_that_merely_contain_a_forbidden_one_are_not_flagged() -> None:
    assert lint_texts({"address": "2 allée des Encours, Logonna-Daoulas"}) == []


def test_every_text_printed_in_the_certifiers_name_is_checked() -> None:
    flagged = lint_texts({name: "sous réserve" for name in CHECKED_FIELDS})
    assert {finding.field for finding in flagged} == set(CHECKED_FIELDS)


def test_a_finding_names_the_field_as_a_person_knows_it() -> None:
    (finding,) = lint_texts({"issue_place": "Paris (en cours)"})
    assert str(finding).startswith("lieu de délivrance : « en cours »")
