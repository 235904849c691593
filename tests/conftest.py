from __future__ import annotations

from pathlib import Path

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.loading import LoadedReferential, load_builtin_referential
from certif.domain.referential.schema import Referential
from certif.domain.rules.engine import RulesEngine
from certif.referential.models import ReferentialVersion
from certif.referential.services import load_builtin
from tests.imports.files import CANDIDATE_HEADER, write_csv


@pytest.fixture(scope="session")
def loaded_ccab() -> LoadedReferential:
    return load_builtin_referential()


@pytest.fixture(scope="session")
def ccab(loaded_ccab: LoadedReferential) -> Referential:
    return loaded_ccab.referential


@pytest.fixture(scope="session")
def engine(ccab: Referential) -> RulesEngine:
    return RulesEngine(ccab)


@pytest.fixture
def version(db: None) -> ReferentialVersion:
    return load_builtin().version


@pytest.fixture
def candidates(version: ReferentialVersion, tmp_path: Path) -> list[Candidate]:
    from certif.imports.candidates import import_candidates

    path = write_csv(
        tmp_path / "candidats.csv",
        CANDIDATE_HEADER,
        [
            ("C001", "Dupont", "Marie", "12/03/1990"),
            ("C002", "Lefèvre", "Éloïse Anne", "1988-07-01"),
        ],
    )
    import_candidates(path)
    return list(Candidate.objects.order_by("numero"))
