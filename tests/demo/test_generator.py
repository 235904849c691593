"""The demo cohort generator: reproducible, in the import formats, and carrying its edge cases.

No database: the generated rows are read back as the rules engine's sheets and decided.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import polars as pl
import pytest

from certif.demo.generator import (
    ACCESS_PATHS,
    CANDIDATE_COLUMNS,
    FAMILY_NAMES,
    FEMALE_FIRST_NAMES,
    FOREIGN_BIRTHPLACES,
    FRENCH_COMMUNES,
    MALE_FIRST_NAMES,
    SCORE_COLUMNS,
    DemoCohort,
    borderline_cases,
    distribute_total,
    expected_borderline_cases,
    generate_cohort,
    sheets_from_scores,
    write_csv,
)
from certif.domain.referential.schema import CriterionKind, Referential
from certif.domain.rules.engine import RulesEngine
from certif.domain.rules.results import BlockResult, CandidateResult, Status, UnitResult
from certif.domain.values import parse_value

FIRST, SECOND = "2026-06", "2026-12"
FORMATS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"

# -- helpers ------------------------------------------------------------------------------------


def decide(cohort: DemoCohort, referential: Referential) -> dict[str, CandidateResult]:
    """Every candidate's decision from the generated rows, as the application would take it."""
    engine = RulesEngine(referential)
    dates = {session.code: session.start for session in cohort.sessions}
    sheets = sheets_from_scores(cohort.scores, referential, dates)
    return {numero: engine.evaluate(candidate) for numero, candidate in sheets.items()}


def rows(
    cohort: DemoCohort, numero: str, session: str, block: str, part: str | None = None
) -> pl.DataFrame:
    frame = cohort.scores.filter(
        (pl.col("candidat") == numero) & (pl.col("session") == session) & (pl.col("bloc") == block)
    )
    if part is None:
        return frame.filter(pl.col("partie").is_null())
    return frame.filter(pl.col("partie") == part)


def raw_total(
    cohort: DemoCohort, numero: str, session: str, block: str, part: str | None = None
) -> Decimal:
    values = rows(cohort, numero, session, block, part)["valeur"]
    return sum((Decimal(text.replace(",", ".")) for text in values), Decimal(0))


def part_of(result: CandidateResult, block: str, part: str) -> UnitResult:
    return result.blocks[block].parts[part]


def unit_status(block: BlockResult, part: str | None) -> Status:
    return block.parts[part].status if part is not None else block.status


def unit_score(block: BlockResult, part: str | None) -> Fraction | None:
    return block.parts[part].score if part is not None else block.score


def documented_columns(section: str) -> list[str]:
    """The column names of one table of docs/formats.md (section heading starts with ``section``)."""
    text = FORMATS.read_text(encoding="utf-8")
    start = text.index(f"## {section}")
    end = text.index("\n## ", start + 1)
    return re.findall(r"^\| `(\w+)` \|", text[start:end], flags=re.MULTILINE)


def variant_of(ccab: Referential) -> Referential:
    """Other maxima, thresholds, a non-capitalising block with parts, another page minimum."""
    data = ccab.model_dump()
    for block in data["blocks"]:
        if block["code"] == "B1":
            for criterion, maximum in zip(
                block["criteria"], ("5", "5", "4", "3", "3"), strict=True
            ):
                criterion["max_points"] = Decimal(maximum)
            block["scoring"]["threshold"] = Decimal(10)
        if block["code"] == "B2":
            block["scoring"]["threshold"] = Decimal("10.5")
        if block["code"] == "B3":
            block["scoring"]["threshold"] = Decimal(10)
            block["scoring"]["capitalise_parts"] = False
        if block["code"] == "MEM":
            for condition in block["scoring"]["conditions"]:
                if condition["at_least"] is not None:
                    condition["at_least"] = 40
    return Referential.model_validate(data)


# -- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cohort(ccab: Referential) -> DemoCohort:
    return generate_cohort(ccab, 300)


@pytest.fixture(scope="module")
def results(cohort: DemoCohort, ccab: Referential) -> dict[str, CandidateResult]:
    return decide(cohort, ccab)


@pytest.fixture(scope="module")
def large(ccab: Referential) -> DemoCohort:
    return generate_cohort(ccab, 2000)


@pytest.fixture(scope="module")
def first_session_results(large: DemoCohort, ccab: Referential) -> dict[str, CandidateResult]:
    first_only = DemoCohort(
        large.candidates, large.scores.filter(pl.col("session") == FIRST), large.sessions
    )
    return decide(first_only, ccab)


@pytest.fixture(scope="module")
def variant(ccab: Referential) -> Referential:
    return variant_of(ccab)


@pytest.fixture(scope="module")
def variant_cohort(variant: Referential) -> DemoCohort:
    return generate_cohort(variant, 100, seed=5)


@pytest.fixture(scope="module")
def variant_results(variant_cohort: DemoCohort, variant: Referential) -> dict[str, CandidateResult]:
    return decide(variant_cohort, variant)


# -- reproducibility ----------------------------------------------------------------------------


def test_the_same_seed_gives_identical_frames(ccab: Referential) -> None:
    one, two = generate_cohort(ccab, 500, seed=42), generate_cohort(ccab, 500, seed=42)
    assert one.candidates.equals(two.candidates)
    assert one.scores.equals(two.scores)
    assert one.sessions == two.sessions


def test_another_seed_gives_other_candidates_and_scores(ccab: Referential) -> None:
    one, two = generate_cohort(ccab, 500, seed=42), generate_cohort(ccab, 500, seed=43)
    assert not one.candidates.equals(two.candidates)
    assert not one.scores.equals(two.scores)


def test_a_larger_cohort_begins_with_the_same_borderline_candidates(ccab: Referential) -> None:
    small, big = generate_cohort(ccab, 20), generate_cohort(ccab, 400)
    numeros = list(expected_borderline_cases(ccab))
    assert small.scores.filter(pl.col("candidat").is_in(numeros)).equals(
        big.scores.filter(pl.col("candidat").is_in(numeros))
    )


def test_the_generator_imports_no_django() -> None:
    probe = (
        "import sys, certif.demo.generator; print(any(m.startswith('django') for m in sys.modules))"
    )
    output = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "False"


# -- formats ------------------------------------------------------------------------------------


def test_candidates_have_exactly_the_documented_import_columns(cohort: DemoCohort) -> None:
    assert cohort.candidates.columns == documented_columns("Candidates") == list(CANDIDATE_COLUMNS)


def test_scores_have_the_documented_columns_without_the_optional_evaluator(
    cohort: DemoCohort,
) -> None:
    documented = [name for name in documented_columns("Scores") if name != "evaluateur"]
    assert cohort.scores.columns == documented == list(SCORE_COLUMNS)


def test_every_column_is_text(cohort: DemoCohort) -> None:
    assert set(cohort.candidates.dtypes) == {pl.String}
    assert set(cohort.scores.dtypes) == {pl.String}


def test_candidate_numbers_are_zero_padded_and_in_order(cohort: DemoCohort) -> None:
    assert cohort.candidates["numero"].to_list() == [f"C{i:06d}" for i in range(1, 301)]


def test_an_empty_cohort_still_has_its_columns(ccab: Referential) -> None:
    empty = generate_cohort(ccab, 0)
    assert empty.candidates.columns == list(CANDIDATE_COLUMNS)
    assert empty.scores.columns == list(SCORE_COLUMNS)
    assert empty.candidates.height == empty.scores.height == 0


def test_write_csv_uses_semicolons_and_utf8_without_bom(cohort: DemoCohort, tmp_path: Path) -> None:
    path = tmp_path / "candidats.csv"
    write_csv(cohort.candidates, path)
    content = path.read_bytes()
    assert not content.startswith(b"\xef\xbb\xbf")
    assert content.decode("utf-8").splitlines()[0] == ";".join(CANDIDATE_COLUMNS)


def test_written_scores_read_back_unchanged(cohort: DemoCohort, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    write_csv(cohort.scores, path)
    assert pl.read_csv(path, separator=";", infer_schema=False).equals(cohort.scores)


# -- sessions -----------------------------------------------------------------------------------


def test_sessions_are_dated_in_the_month_of_their_code(cohort: DemoCohort) -> None:
    assert [session.code for session in cohort.sessions] == [FIRST, SECOND]
    for session in cohort.sessions:
        assert session.start.strftime("%Y-%m") == session.code
        assert session.start < session.end
        assert session.place


def test_a_malformed_session_code_is_refused(ccab: Referential) -> None:
    with pytest.raises(ValueError, match="AAAA-MM"):
        generate_cohort(ccab, 5, sessions=("2026-13", "2026-12"))


# -- identities ---------------------------------------------------------------------------------


def test_sexe_agrees_with_every_first_name(large: DemoCohort) -> None:
    for sexe, prenoms in large.candidates.select("sexe", "prenoms").iter_rows():
        pool = FEMALE_FIRST_NAMES if sexe == "F" else MALE_FIRST_NAMES
        assert sexe in {"F", "M"}
        assert all(name in pool for name in prenoms.split(" "))


def test_candidates_have_one_to_three_first_names(large: DemoCohort) -> None:
    counts = Counter(len(prenoms.split(" ")) for prenoms in large.candidates["prenoms"])
    assert set(counts) == {1, 2, 3}
    assert counts[1] > counts[2] > counts[3]


def test_some_candidates_have_a_name_in_use_other_than_their_birth_name(
    large: DemoCohort,
) -> None:
    with_usage = large.candidates.filter(pl.col("nom_usage").is_not_null())
    assert 0 < with_usage.height < large.candidates.height // 4
    assert (with_usage["nom_usage"] != with_usage["nom_naissance"]).all()
    assert set(with_usage["nom_usage"]) <= set(FAMILY_NAMES)


def test_names_carry_accents(large: DemoCohort) -> None:
    names = large.candidates["nom_naissance"].to_list() + large.candidates["prenoms"].to_list()
    accented = {name for name in names if not name.isascii()}
    assert {"Lefèvre", "Müller"} & accented
    assert any("É" in name or "ë" in name for name in accented)


def test_dates_are_written_jj_mm_aaaa(large: DemoCohort) -> None:
    for column in ("date_naissance", "date_inscription"):
        assert large.candidates[column].str.contains(r"^\d{2}/\d{2}/\d{4}$").all()


def test_candidates_are_born_between_1975_and_2006(large: DemoCohort) -> None:
    years = large.candidates["date_naissance"].str.slice(6, 4).cast(pl.Int64)
    assert years.min() == 1975
    assert years.max() == 2006


def test_candidates_register_before_the_first_session(large: DemoCohort) -> None:
    start = large.sessions[0].start
    for text in large.candidates["date_inscription"]:
        day, month, year = (int(part) for part in text.split("/"))
        assert date(year, month, day) < start


def test_births_in_france_name_a_real_commune_by_its_insee_code(large: DemoCohort) -> None:
    french = large.candidates.filter(pl.col("pays_naissance") == "France")
    pairs = set(french.select("code_commune_naissance", "commune_naissance").iter_rows())
    assert pairs <= set(FRENCH_COMMUNES)
    assert ("75056", "Paris") in pairs


def test_a_few_candidates_are_born_abroad_in_a_country_named_in_full(large: DemoCohort) -> None:
    abroad = large.candidates.filter(pl.col("pays_naissance") != "France")
    assert 0 < abroad.height < large.candidates.height // 5
    assert set(abroad.select("pays_naissance", "commune_naissance").iter_rows()) <= set(
        FOREIGN_BIRTHPLACES
    )
    assert abroad["code_commune_naissance"].is_null().all()


def test_emails_are_lower_case_ascii_first_name_dot_name(large: DemoCohort) -> None:
    emails = large.candidates["email"]
    assert emails.str.contains(r"^[a-z0-9-]+\.[a-z0-9-]+@example\.org$").all()
    lefevre = large.candidates.filter(pl.col("nom_naissance") == "Lefèvre")
    assert lefevre["email"].str.contains(r"\.lefevre@example\.org$").all()


def test_telephones_are_french_mobiles(large: DemoCohort) -> None:
    assert large.candidates["telephone"].str.contains(r"^06( \d{2}){4}$").all()


def test_access_paths_come_from_the_register_list(large: DemoCohort) -> None:
    assert set(large.candidates["voie_acces"]) <= set(ACCESS_PATHS)


def test_a_few_candidates_have_extra_time_and_an_accommodation(large: DemoCohort) -> None:
    extra = large.candidates.filter(pl.col("temps_majore").is_not_null())
    assert 0 < extra.height < large.candidates.height // 10
    assert set(extra["temps_majore"]) == {"33"}
    assert extra["amenagements"].str.starts_with("Tiers-temps").all()


# -- score values -------------------------------------------------------------------------------


def test_every_value_parses_within_the_referential_range(
    cohort: DemoCohort, ccab: Referential
) -> None:
    criteria = {
        (block.code, criterion.code): criterion
        for block in ccab.blocks
        for criterion in block.criteria
    }
    for block, code, text in cohort.scores.select("bloc", "critere", "valeur").iter_rows():
        criterion = criteria[(block, code)]
        value = parse_value(criterion, text)  # refuses a value out of range
        if criterion.kind == CriterionKind.INTEGER:
            assert isinstance(value, int)
            assert value >= 1


def test_points_are_written_with_a_decimal_comma_and_no_useless_zero(
    cohort: DemoCohort,
) -> None:
    values = cohort.scores["valeur"]
    assert not values.str.contains(r"\.").any()
    assert not values.str.contains(r",(\d0|0)$").any()
    assert {"2,5", "3", "0,75"} <= set(values)


def test_random_candidates_score_in_quarter_points(cohort: DemoCohort, ccab: Referential) -> None:
    points = {
        criterion.code
        for block in ccab.blocks
        for criterion in block.criteria
        if criterion.kind == CriterionKind.POINTS
    }
    others = cohort.scores.filter(
        pl.col("critere").is_in(points)
        & ~pl.col("candidat").is_in(list(expected_borderline_cases(ccab)))
    )
    assert others["valeur"].str.contains(r"^\d+(,25|,5|,75)?$").all()


def test_thesis_page_counts_are_mostly_30_to_80_and_sometimes_fewer(large: DemoCohort) -> None:
    pages = large.scores.filter(pl.col("critere") == "MEMPages")["valeur"].cast(pl.Int64)
    short = (pages < 30).sum()
    assert 0 < short < pages.len() // 10
    assert pages.filter(pages >= 30).max() == 80


def test_distribute_total_spreads_exactly_within_the_maxima(ccab: Referential) -> None:
    block = ccab.block("B1")
    values = distribute_total(block, Decimal("11.99"))
    maxima = {criterion.code: criterion.max_points for criterion in block.criteria}
    assert sum(values.values()) == Decimal("11.99")
    assert all(Decimal(0) <= value <= (maxima[code] or 0) for code, value in values.items())
    assert sum(1 for value in values.values() if (value * 4) % 1) == 1


def test_distribute_total_refuses_more_than_the_maxima(ccab: Referential) -> None:
    with pytest.raises(ValueError, match="hors de 0"):
        distribute_total(ccab.block("B1"), Decimal("20.25"))


# -- who sits what --------------------------------------------------------------------------------


def test_every_candidate_sits_every_unit_in_the_first_session(
    cohort: DemoCohort, ccab: Referential
) -> None:
    units = sum(max(1, len(block.parts)) for block in ccab.blocks)
    first = cohort.scores.filter(pl.col("session") == FIRST)
    per_candidate = first.group_by("candidat").agg(
        pl.struct("bloc", "partie").n_unique().alias("units")
    )
    assert per_candidate.height == cohort.candidates.height
    assert (per_candidate["units"] == units).all()


def test_the_second_session_only_holds_units_not_validated_in_the_first(
    large: DemoCohort, first_session_results: dict[str, CandidateResult]
) -> None:
    second = large.scores.filter(pl.col("session") == SECOND)
    for numero, block, part in second.select("candidat", "bloc", "partie").unique().iter_rows():
        status = unit_status(first_session_results[numero].blocks[block], part)
        assert status in {Status.NOT_VALIDATED, Status.INCOMPLETE}


def test_one_candidate_in_ten_to_five_comes_back(large: DemoCohort) -> None:
    returning = large.scores.filter(pl.col("session") == SECOND)["candidat"].n_unique()
    assert 0.10 <= returning / large.candidates.height <= 0.20


def test_most_blocks_are_validated_in_the_first_session_and_10_to_30_percent_not(
    first_session_results: dict[str, CandidateResult], ccab: Referential
) -> None:
    for block in ccab.blocks:
        failed = sum(
            result.blocks[block.code].status is Status.NOT_VALIDATED
            for result in first_session_results.values()
        )
        assert 0.10 <= failed / len(first_session_results) <= 0.30, block.code


def test_each_candidate_has_about_fifty_rows_so_100_000_make_about_five_million(
    large: DemoCohort,
) -> None:
    per_candidate = large.scores.height / large.candidates.height
    assert 46 <= per_candidate <= 52


# -- borderline cases on the shipped référentiel --------------------------------------------------


def test_borderline_cases_are_the_first_ten_candidates(ccab: Referential) -> None:
    assert list(expected_borderline_cases(ccab)) == [f"C{i:06d}" for i in range(1, 11)]


def test_c000001_b1_at_exactly_12_raw_points_is_validated_with_12(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    assert raw_total(cohort, "C000001", FIRST, "B1") == 12
    assert results["C000001"].blocks["B1"].status is Status.VALIDATED
    assert results["C000001"].blocks["B1"].score == 12


def test_c000002_b1_at_11_99_is_not_validated(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    assert raw_total(cohort, "C000002", FIRST, "B1") == Decimal("11.99")
    assert rows(cohort, "C000002", FIRST, "B1")["valeur"].str.contains(r",\d[1-9]$").any()
    assert results["C000002"].blocks["B1"].status is Status.NOT_VALIDATED
    assert results["C000002"].blocks["B1"].score == Fraction("11.99")
    assert not results["C000002"].certified


def test_c000003_b3_part_at_raw_13_8_is_validated_with_exactly_12(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    assert raw_total(cohort, "C000003", FIRST, "B3", "particulier") == Decimal("13.8")
    part = part_of(results["C000003"], "B3", "particulier")
    assert part.status is Status.VALIDATED
    assert part.score == 12


def test_c000004_b3_part_at_raw_13_75_is_not_validated(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    assert raw_total(cohort, "C000004", FIRST, "B3", "pme") == Decimal("13.75")
    part = part_of(results["C000004"], "B3", "pme")
    assert part.status is Status.NOT_VALIDATED
    assert part.score == Fraction("13.75") * 20 / 23
    assert results["C000004"].blocks["B3"].status is Status.NOT_VALIDATED


def test_c000005_an_incomplete_sheet_never_completed_stays_incomplete(
    cohort: DemoCohort, results: dict[str, CandidateResult], ccab: Referential
) -> None:
    last = ccab.block("B4").criteria[-1].code
    assert last not in rows(cohort, "C000005", FIRST, "B4")["critere"].to_list()
    assert rows(cohort, "C000005", SECOND, "B4").height == 0
    block = results["C000005"].blocks["B4"]
    assert block.status is Status.INCOMPLETE
    assert block.unit is not None
    assert block.unit.missing == (last,)


def test_c000006_a_block_failed_in_the_first_session_is_validated_by_its_retake(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    assert raw_total(cohort, "C000006", FIRST, "B2") < 12
    block = results["C000006"].blocks["B2"]
    assert block.status is Status.VALIDATED
    assert block.unit is not None
    assert block.unit.session == SECOND
    assert results["C000006"].certified


def test_c000007_a_29_page_thesis_is_not_validated(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    thesis = rows(cohort, "C000007", FIRST, "MEM")
    assert dict(thesis.select("critere", "valeur").iter_rows())["MEMPages"] == "29"
    block = results["C000007"].blocks["MEM"]
    assert block.status is Status.NOT_VALIDATED
    assert block.unit is not None
    assert [(f.criterion, f.value, f.expected) for f in block.unit.failures] == [
        ("MEMPages", "29", "at_least:30")
    ]


def test_c000008_validates_everything_at_once_and_is_certified(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    assert cohort.scores.filter(
        (pl.col("candidat") == "C000008") & (pl.col("session") == SECOND)
    ).is_empty()
    assert all(block.validated for block in results["C000008"].blocks.values())
    assert results["C000008"].certified


def test_c000009_an_incomplete_sheet_completed_in_the_second_session_validates(
    results: dict[str, CandidateResult],
) -> None:
    block = results["C000009"].blocks["B4"]
    assert block.status is Status.VALIDATED
    assert block.unit is not None
    assert block.unit.session == SECOND


def test_c000010_a_part_retaken_alone_validates_the_block_as_parts_capitalise(
    cohort: DemoCohort, results: dict[str, CandidateResult]
) -> None:
    retaken = cohort.scores.filter(
        (pl.col("candidat") == "C000010") & (pl.col("session") == SECOND)
    )
    assert set(retaken["partie"]) == {"eti"}
    assert part_of(results["C000010"], "B3", "eti").session == SECOND
    assert results["C000010"].blocks["B3"].status is Status.VALIDATED
    assert results["C000010"].certified


def test_each_borderline_case_gets_the_status_it_announces(
    ccab: Referential, results: dict[str, CandidateResult]
) -> None:
    for case in borderline_cases(ccab):
        result = results[case.numero]
        block = result.blocks[case.block]
        assert unit_status(block, case.part) is case.status, case.description
        if case.score is not None:
            assert unit_score(block, case.part) == case.score, case.description
        assert result.certified is case.certified, case.description


def test_a_small_cohort_carries_only_the_first_cases(ccab: Referential) -> None:
    small = generate_cohort(ccab, 3)
    assert small.candidates["numero"].to_list() == ["C000001", "C000002", "C000003"]
    results = decide(small, ccab)
    assert results["C000001"].blocks["B1"].score == 12
    assert results["C000002"].blocks["B1"].score == Fraction("11.99")
    assert part_of(results["C000003"], "B3", "particulier").score == 12


# -- borderline cases follow another référentiel's rules ----------------------------------------


def test_borderline_cases_follow_the_rules_of_another_referential(
    variant: Referential, variant_results: dict[str, CandidateResult]
) -> None:
    for case in borderline_cases(variant):
        block = variant_results[case.numero].blocks[case.block]
        assert unit_status(block, case.part) is case.status, case.description
        if case.score is not None:
            assert unit_score(block, case.part) == case.score, case.description
        assert variant_results[case.numero].certified is case.certified, case.description


def test_another_threshold_moves_the_exact_threshold_cases(
    variant_cohort: DemoCohort, variant_results: dict[str, CandidateResult]
) -> None:
    assert raw_total(variant_cohort, "C000001", FIRST, "B1") == 10
    assert variant_results["C000001"].blocks["B1"].score == 10
    assert raw_total(variant_cohort, "C000002", FIRST, "B1") == Decimal("9.99")
    assert variant_results["C000002"].blocks["B1"].status is Status.NOT_VALIDATED


def test_random_values_use_the_maxima_of_the_referential(variant_cohort: DemoCohort) -> None:
    first_criterion = variant_cohort.scores.filter(pl.col("critere") == "B1Cr1")["valeur"]
    points = first_criterion.str.replace(",", ".").cast(pl.Decimal(scale=2))
    assert points.max() == 5
    assert (points > 4).any()


def test_another_proportional_threshold_moves_the_part_cases(
    variant_cohort: DemoCohort, variant_results: dict[str, CandidateResult]
) -> None:
    assert raw_total(variant_cohort, "C000003", FIRST, "B3", "particulier") == Decimal("11.5")
    assert part_of(variant_results["C000003"], "B3", "particulier").score == 10
    assert raw_total(variant_cohort, "C000004", FIRST, "B3", "pme") == Decimal("11.25")
    assert part_of(variant_results["C000004"], "B3", "pme").status is Status.NOT_VALIDATED


def test_parts_that_do_not_capitalise_are_all_taken_again(
    variant_cohort: DemoCohort, variant_results: dict[str, CandidateResult]
) -> None:
    retaken = variant_cohort.scores.filter(
        (pl.col("candidat") == "C000010") & (pl.col("session") == SECOND)
    )
    assert set(retaken["partie"]) == {"particulier", "pme", "eti"}
    assert variant_results["C000010"].blocks["B3"].validated


def test_another_page_minimum_moves_the_short_thesis_case(
    variant_cohort: DemoCohort, variant_results: dict[str, CandidateResult]
) -> None:
    thesis = rows(variant_cohort, "C000007", FIRST, "MEM")
    assert dict(thesis.select("critere", "valeur").iter_rows())["MEMPages"] == "39"
    assert variant_results["C000007"].blocks["MEM"].status is Status.NOT_VALIDATED
