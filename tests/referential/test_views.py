"""The référentiel pages: who may read them, and that they show the référentiel as loaded."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction

import pytest
from django.test import Client
from django.urls import reverse

from certif.core.roles import JURY, Role
from certif.domain.numbers import format_quantity
from certif.domain.referential.loading import LoadedReferential, parse_referential
from certif.domain.referential.render import JSON_FORMAT, points_maxima, raw_threshold
from certif.domain.referential.schema import CriterionKind, PointsScoring
from certif.referential.models import ReferentialVersion
from certif.referential.services import load_referential

pytestmark = pytest.mark.django_db

READERS = (Role.STAFF, Role.EVALUATOR, *JURY)
PAGES = [
    ("referential:overview", {}),
    ("referential:matrix", {}),
    ("referential:errata", {}),
    ("referential:versions", {}),
    ("referential:download", {"format": "json"}),
    ("referential:download", {"format": "yaml"}),
]
ClientAs = Callable[..., Client]


def page(client: Client, name: str, **kwargs: str) -> str:
    query = kwargs.pop("query", "")
    response = client.get(reverse(name, kwargs=kwargs or None) + query)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def row(content: str, element_id: str) -> str:
    """The text of the table row with this id, tags removed."""
    match = re.search(rf'<tr id="{re.escape(element_id)}">(.*?)</tr>', content, re.S)
    assert match is not None, element_id
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def points_text(value: Decimal | Fraction | None) -> str:
    assert value is not None
    return f"{format_quantity(value)} points"


# -- access ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
@pytest.mark.parametrize("role", READERS)
def test_staff_evaluators_and_jury_can_read_every_referential_page(
    version: ReferentialVersion,
    client_as: ClientAs,
    role: Role,
    name: str,
    kwargs: dict[str, str],
) -> None:
    response = client_as(role).get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_candidates_are_refused_every_referential_page(
    version: ReferentialVersion,
    client_as: ClientAs,
    candidates: list[object],
    name: str,
    kwargs: dict[str, str],
) -> None:
    client = client_as(Role.CANDIDATE, candidate=candidates[0])
    assert client.get(reverse(name, kwargs=kwargs or None)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_people_without_a_role_are_refused_every_referential_page(
    version: ReferentialVersion, client_as: ClientAs, name: str, kwargs: dict[str, str]
) -> None:
    assert client_as().get(reverse(name, kwargs=kwargs or None)).status_code == 403


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(
    version: ReferentialVersion, client: Client, name: str, kwargs: dict[str, str]
) -> None:
    response = client.get(reverse(name, kwargs=kwargs or None))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# -- the overview ----------------------------------------------------------------------------


def test_the_overview_shows_every_criterion_with_its_maximum(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    for block in version.referential.blocks:
        for criterion in block.criteria:
            text = row(content, f"critere-{criterion.code}")
            assert text.startswith(criterion.code)
            if criterion.kind == CriterionKind.POINTS:
                assert points_text(criterion.max_points) in text
            elif criterion.kind == CriterionKind.YES_NO:
                assert "oui / non" in text
            else:
                assert "nombre entier" in text


def test_the_overview_shows_the_sum_of_maxima_of_each_points_block(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    for block in version.referential.blocks:
        if isinstance(block.scoring, PointsScoring):
            section = content.split(f'id="bloc-{block.code}"')[1].split("<section")[0]
            assert points_text(points_maxima(block)) in section


def test_a_renamed_criterion_shows_the_code_printed_in_the_source(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.EVALUATOR), "referential:overview")
    assert "imprimé B3Cr4" in row(content, "critere-B3Cr4bis")
    assert "imprimé" not in row(content, "critere-B3Cr4")


def test_the_b3_rule_states_parts_normalisation_and_raw_threshold(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    b3 = version.referential.block("B3")
    scoring = b3.scoring
    assert isinstance(scoring, PointsScoring)
    raw = raw_threshold(b3)
    assert raw is not None
    content = page(client_as(Role.JURY_MEMBER), "referential:overview")
    rule = content.split('id="bloc-B3-regle"')[1].split("</section>")[0]
    out_of, threshold = format_quantity(scoring.out_of), format_quantity(scoring.threshold)
    assert f"validée à partir de {threshold}/{out_of}" in rule
    assert "normalisation proportionnelle" in rule
    assert f"total brut d'au moins {format_quantity(raw)} points sur" in rule
    assert format_quantity(points_maxima(b3)) in rule
    for part in b3.parts:
        assert part.label in rule
    assert "toutes ses parties sont validées" in rule
    assert "reste acquise aux sessions suivantes" in rule


def test_the_thesis_rule_lists_each_condition(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    thesis = next(b for b in version.referential.blocks if b.kind == "thesis")
    rule = content.split(f'id="bloc-{thesis.code}-regle"')[1].split("</section>")[0]
    for condition in getattr(thesis.scoring, "conditions", []):
        assert condition.criterion in rule
        if condition.at_least is not None:
            assert f"au moins {condition.at_least}" in rule


def test_the_overview_shows_the_version_and_unset_registration_facts(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    assert version.label in content
    assert version.sha256[:12] in content
    assert "non renseigné" in content  # the shipped file leaves the RNCP code empty
    assert "Proposée par le certificateur, à valider" in content


def test_the_overview_has_a_table_of_contents_linking_every_block(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    for block in version.referential.blocks:
        assert f'href="#bloc-{block.code}"' in content
        assert f'id="bloc-{block.code}"' in content
    assert 'href="#certification"' in content


def test_the_overview_shows_the_modalities_as_facts_and_source_text(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    for block in version.referential.blocks:
        for modality in block.modalities:
            assert modality.mode_text in content
            for paragraph in modality.description:
                for text in [paragraph] if isinstance(paragraph, str) else paragraph:
                    assert text in content


def test_the_overview_says_so_when_nothing_is_loaded(db: None, client_as: ClientAs) -> None:
    content = page(client_as(Role.STAFF), "referential:overview")
    assert "Aucun référentiel n'est chargé." in content


def test_an_unknown_version_is_not_found(version: ReferentialVersion, client_as: ClientAs) -> None:
    url = reverse("referential:overview") + f"?version={version.pk + 1000}"
    assert client_as(Role.STAFF).get(url).status_code == 404


# -- the matrix ------------------------------------------------------------------------------


def test_the_matrix_marks_each_link_of_the_proposed_mapping(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    referential = version.referential
    assert referential.competency_mapping == "proposed"
    content = page(client_as(Role.STAFF), "referential:matrix")
    assert "Correspondance proposée, à valider" in content
    for block in referential.blocks:
        for competency in block.competencies:
            text = row(content, f"matrice-{competency.code}")
            expected = [c.code for c in block.criteria if competency.code in c.competencies]
            assert text.count("✔") == len(expected)
            assert text.count("évalué par") == len(expected)
            for code in expected:
                assert f"évalué par {code}" in text


def test_the_matrix_reports_that_every_competency_is_assessed(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    content = page(client_as(Role.STAFF), "referential:matrix")
    count = sum(len(block.competencies) for block in version.referential.blocks)
    assert f"Chacune des {count} compétences déclarées est évaluée" in content
    assert "Compétences évaluées par aucun critère" not in content


def test_the_matrix_names_a_competency_no_criterion_assesses(
    loaded_ccab: LoadedReferential, db: None, client_as: ClientAs
) -> None:
    # B1Cr4 alone assesses B1C6; point it elsewhere and B1C6 is left unassessed (a warning).
    text = loaded_ccab.text.replace("competencies: [B1C6]", "competencies: [B1C5]")
    load_referential(parse_referential(text, "ccab.yaml"))
    content = page(client_as(Role.STAFF), "referential:matrix")
    assert "Compétences évaluées par aucun critère" in content
    assert "non évaluée" in row(content, "matrice-B1C6")


# -- errata, versions, downloads -------------------------------------------------------------


def test_the_errata_page_lists_every_erratum_and_note(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    referential = version.referential
    content = page(client_as(Role.JURY_PRESIDENT), "referential:errata")
    for erratum in referential.errata:
        text = row(content, f"erratum-{erratum.code}")
        for value in (erratum.subject, erratum.decision, erratum.reason):
            assert " ".join(value.split()) in text
    for note in [*referential.transcription_notes, *referential.source_anomalies]:
        assert note in content


def test_the_json_download_is_the_stable_form(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    response = client_as(Role.STAFF).get(reverse("referential:download", args=["json"]))
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == JSON_FORMAT == "certif.referential/1"
    assert [b["code"] for b in document["blocks"]] == [b.code for b in version.referential.blocks]


def test_the_yaml_download_is_the_source_file(
    version: ReferentialVersion, loaded_ccab: LoadedReferential, client_as: ClientAs
) -> None:
    response = client_as(Role.STAFF).get(reverse("referential:download", args=["yaml"]))
    assert response.content.decode() == loaded_ccab.text


def test_an_unknown_download_format_is_not_found(
    version: ReferentialVersion, client_as: ClientAs
) -> None:
    assert client_as(Role.STAFF).get("/referentiel/telecharger/pdf/").status_code == 404


def test_an_old_version_stays_readable_after_a_new_one_is_loaded(
    version: ReferentialVersion, loaded_ccab: LoadedReferential, client_as: ClientAs
) -> None:
    changed = loaded_ccab.text.replace('version: "2026.1"', 'version: "2026.2"').replace(
        "Profil type du prospect", "Profil type du prospect, revu"
    )
    newer = load_referential(parse_referential(changed, "ccab-2026.2.yaml")).version
    client = client_as(Role.EVALUATOR)

    current = page(client, "referential:overview")
    assert "version 2026.2" in current
    assert "Profil type du prospect, revu" in current

    old = page(client, "referential:overview", query=f"?version={version.pk}")
    assert "version 2026.1" in old
    assert "Profil type du prospect, revu" not in old
    assert "n'est plus en vigueur" in old
    assert f"?version={newer.pk}" in old

    download = client.get(reverse("referential:download", args=["json"]) + f"?version={version.pk}")
    assert json.loads(download.content)["version"] == "2026.1"

    listing = page(client, "referential:versions")
    for stored in (version, newer):
        assert f"?version={stored.pk}" in listing
        assert stored.sha256 in listing


def test_the_overview_reads_in_english(version: ReferentialVersion, client_as: ClientAs) -> None:
    client = client_as(Role.STAFF)
    client.cookies["django_language"] = "en"
    content = page(client, "referential:overview")
    assert "Evaluation criteria" in content
    assert "Validation rule" in content
    raw = raw_threshold(version.referential.block("B3"))
    assert raw is not None
    assert f"raw total of at least {format_quantity(raw, '.')} points" in content
