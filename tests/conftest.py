from __future__ import annotations

import pytest

from certif.domain.referential.loading import LoadedReferential, load_builtin_referential
from certif.domain.referential.schema import Referential
from certif.domain.rules.engine import RulesEngine


@pytest.fixture(scope="session")
def loaded_ccab() -> LoadedReferential:
    return load_builtin_referential()


@pytest.fixture(scope="session")
def ccab(loaded_ccab: LoadedReferential) -> Referential:
    return loaded_ccab.referential


@pytest.fixture(scope="session")
def engine(ccab: Referential) -> RulesEngine:
    return RulesEngine(ccab)
