from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from certif.candidates.models import Candidate
from certif.domain.referential.loading import (
    LoadedReferential,
    load_builtin_referential,
    load_referential_file,
)
from certif.domain.referential.schema import Referential
from certif.domain.rules.engine import RulesEngine
from certif.referential.models import ReferentialVersion
from certif.referential.services import load_builtin
from tests.support.files import CANDIDATE_HEADER, write_csv


@pytest.fixture(scope="session")
def loaded_ccab() -> LoadedReferential:
    return load_builtin_referential()


@pytest.fixture(scope="session")
def ccab(loaded_ccab: LoadedReferential) -> Referential:
    return loaded_ccab.referential


@pytest.fixture(scope="session")
def engine(ccab: Referential) -> RulesEngine:
    return RulesEngine(ccab)


# A second, small référentiel with other points, totals and thresholds: a test parametrised over
# both fails wherever a value is written instead of read from the référentiel.
SMALL_REFERENTIAL = Path(__file__).resolve().parents[1] / "fixtures" / "small_referential.yaml"


@pytest.fixture(scope="session")
def small() -> Referential:
    return load_referential_file(SMALL_REFERENTIAL).referential


@pytest.fixture(scope="session", params=["ccab", "small"])
def any_referential(
    request: pytest.FixtureRequest, ccab: Referential, small: Referential
) -> Referential:
    """Each référentiel in turn: the title's own, and the small one of the tests."""
    return ccab if request.param == "ccab" else small


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


# -- people, one per role --------------------------------------------------------------------

from collections.abc import Callable, Iterator  # noqa: E402

from django.contrib.auth.models import AbstractUser  # noqa: E402
from django.test import Client  # noqa: E402

from certif.core.roles import Role  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def compiled_translations() -> None:
    """The English catalogues, compiled as `make` does, for tests run with plain pytest."""
    from certif.core.translations import compile_all

    compile_all()


@pytest.fixture
def make_user(db: None) -> Callable[..., AbstractUser]:
    """A user holding the given roles (a candidate account needs ``candidate=``)."""
    from certif.accounts.services import create_user

    counter = iter(range(1, 10_000))

    def make(
        *roles: Role,
        candidate: Candidate | None = None,
        username: str | None = None,
        partner: Any = None,
    ) -> AbstractUser:
        name = username or f"{'-'.join(r.value for r in roles) or 'sans-role'}-{next(counter)}"
        if Role.PARTNER in roles and partner is None:
            # A partner account belongs to a partner: one of its own unless given.
            from tests.support.partners import default_partner

            partner = default_partner()
        return create_user(
            name,
            password="pw-for-tests",
            roles=roles,
            candidate=candidate,
            partner=partner,
            email=f"{name}@example.org",
        )

    return make


@pytest.fixture
def staff(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.STAFF)


@pytest.fixture
def president(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.JURY_PRESIDENT)


@pytest.fixture
def member(make_user: Callable[..., AbstractUser]) -> AbstractUser:
    return make_user(Role.JURY_MEMBER)


@pytest.fixture
def client_as(make_user: Callable[..., AbstractUser]) -> Callable[..., Client]:
    """A test client signed in as a new user with the given roles."""

    def signed_in(*roles: Role, candidate: Candidate | None = None, partner: Any = None) -> Client:
        client = Client()
        client.force_login(make_user(*roles, candidate=candidate, partner=partner))
        return client

    return signed_in


ALL_ROLES = tuple(Role)


@pytest.fixture(autouse=True)
def french_by_default() -> Iterator[None]:
    """Each test starts in French: a request in English must not leak into the next test."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()
