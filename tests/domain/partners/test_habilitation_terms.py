"""A habilitation's nature, scope and period: what each covers and what overlaps."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from certif.domain.partners.habilitations import (
    HabilitationRefused,
    Nature,
    Need,
    Scope,
    Terms,
)
from tests.domain.partners.builders import CERTIFICATION, blocks


@pytest.mark.parametrize(
    ("nature", "preparation", "evaluation"),
    [
        (Nature.PREPARE, True, False),
        (Nature.EVALUATE, False, True),
        (Nature.PREPARE_AND_EVALUATE, True, True),
    ],
)
def test_each_nature_covers_preparation_evaluation_or_both(
    nature: Nature, preparation: bool, evaluation: bool
) -> None:
    assert (nature.covers_preparation, nature.covers_evaluation) == (preparation, evaluation)
    assert nature.covers(Need.PREPARATION) is preparation
    assert nature.covers(Need.EVALUATION) is evaluation


def test_natures_have_french_and_english_labels() -> None:
    assert Nature.PREPARE_AND_EVALUATE.label.fr == "préparer et évaluer"
    assert Nature.EVALUATE.label.in_language("en") == "evaluate"


def test_natures_map_to_france_competences_habilitation_codes() -> None:
    assert Nature.PREPARE.france_competences_code == "HABILITATION_FORMER"
    assert Nature.EVALUATE.france_competences_code == "HABILITATION_ORGANISER"
    assert Nature.PREPARE_AND_EVALUATE.france_competences_code == "HABILITATION_ORGA_FORM"


def test_prepare_and_evaluate_overlaps_both_other_natures() -> None:
    assert Nature.PREPARE_AND_EVALUATE.overlaps(Nature.PREPARE)
    assert Nature.PREPARE_AND_EVALUATE.overlaps(Nature.EVALUATE)


def test_prepare_and_evaluate_alone_do_not_overlap() -> None:
    assert not Nature.PREPARE.overlaps(Nature.EVALUATE)


@given(st.sampled_from(Nature), st.sampled_from(Nature))
def test_nature_overlap_is_symmetric_and_reflexive(first: Nature, second: Nature) -> None:
    assert first.overlaps(second) == second.overlaps(first)
    assert first.overlaps(first)


def test_a_whole_certification_overlaps_any_block_list_of_that_certification() -> None:
    assert Scope.whole(CERTIFICATION).overlaps(blocks("B3"))
    assert blocks("B1", "B2").overlaps(Scope.whole(CERTIFICATION))


def test_two_block_lists_overlap_when_they_share_a_block() -> None:
    assert blocks("B1", "B2").overlaps(blocks("B2", "B3"))


def test_two_block_lists_without_a_common_block_do_not_overlap() -> None:
    assert not blocks("B1", "B2").overlaps(blocks("B3"))


def test_scopes_of_different_certifications_never_overlap() -> None:
    assert not Scope.whole("CCAB").overlaps(Scope.whole("OTHER"))


def test_a_whole_certification_includes_every_block_and_the_whole() -> None:
    scope = Scope.whole(CERTIFICATION)
    assert scope.includes(CERTIFICATION, "B7")
    assert scope.includes(CERTIFICATION, None)


def test_a_block_list_includes_its_blocks_only_and_not_the_whole() -> None:
    scope = blocks("B1", "B2")
    assert scope.includes(CERTIFICATION, "B2")
    assert not scope.includes(CERTIFICATION, "B3")
    assert not scope.includes(CERTIFICATION, None)


def test_a_scope_never_includes_another_certification() -> None:
    assert not Scope.whole(CERTIFICATION).includes("OTHER", "B1")


def test_an_empty_block_list_is_refused() -> None:
    with pytest.raises(HabilitationRefused, match="aucun bloc indiqué"):
        Scope.of_blocks(CERTIFICATION, [])


def test_a_block_code_with_a_space_is_refused() -> None:
    with pytest.raises(HabilitationRefused, match="code de bloc impossible"):
        blocks("B 1")


def test_blocks_unknown_to_the_referential_are_refused_and_named() -> None:
    with pytest.raises(HabilitationRefused, match=r"inconnu.*B9"):
        blocks("B1", "B9").check_blocks_exist(["B1", "B2", "B3"])


def test_a_scope_is_described_in_both_languages_with_blocks_in_natural_order() -> None:
    assert blocks("B10", "B2").label.fr == "blocs B2, B10 de CCAB"
    assert blocks("B2").label.en == "block B2 of CCAB"
    assert Scope.whole("CCAB").label.fr == "toute la certification CCAB"


def test_an_end_date_before_the_start_date_is_refused() -> None:
    with pytest.raises(HabilitationRefused, match=r"sa date de fin .* précède sa date de début"):
        Terms(Nature.PREPARE, Scope.whole(CERTIFICATION), date(2026, 1, 2), date(2026, 1, 1))


def test_an_evaluation_habilitation_ending_before_it_starts_is_refused_naming_its_nature() -> None:
    with pytest.raises(HabilitationRefused, match="habilitation « évaluer » : sa date de fin"):
        Terms(Nature.EVALUATE, blocks("B1"), date(2026, 9, 1), date(2026, 6, 30))


def test_a_habilitation_of_a_single_day_is_allowed() -> None:
    day = date(2026, 6, 15)
    assert Terms(Nature.EVALUATE, blocks("B1"), day, day).includes(day)


def test_periods_overlap_inclusively_on_a_shared_day() -> None:
    first = Terms(Nature.PREPARE, blocks("B1"), date(2026, 1, 1), date(2026, 6, 30))
    touching = Terms(Nature.PREPARE, blocks("B1"), date(2026, 6, 30), date(2026, 12, 31))
    following = Terms(Nature.PREPARE, blocks("B1"), date(2026, 7, 1), date(2026, 12, 31))
    assert first.overlaps(touching)
    assert not first.overlaps(following)
