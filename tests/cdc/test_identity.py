"""What an identity lacks for the CDC, as French field labels."""

from __future__ import annotations

from certif.cdc.flux import HolderIdentity, missing_identity_fields
from tests.cdc.factories import born_in_algiers, born_in_paris, eloise_nir


def test_a_complete_identity_born_in_france_lacks_nothing() -> None:
    assert missing_identity_fields(born_in_paris(), accepts_nir=False) == []


def test_a_complete_identity_born_abroad_lacks_nothing() -> None:
    assert missing_identity_fields(born_in_algiers(), accepts_nir=False) == []


def test_an_empty_identity_lacks_everything() -> None:
    empty = HolderIdentity(birth_name="", first_names=(), sex="", birth_date=None)
    assert missing_identity_fields(empty, accepts_nir=False) == [
        "nom de naissance",
        "prénom",
        "sexe",
        "date de naissance complète",
        "code INSEE de la commune de naissance",
    ]


def test_born_abroad_the_country_code_is_needed_not_the_commune() -> None:
    holder = born_in_algiers(birth_country_code="", birth_country_name="Algérie")
    assert missing_identity_fields(holder, accepts_nir=False) == ["code INSEE du pays de naissance"]


def test_france_named_as_the_country_still_needs_the_commune() -> None:
    holder = born_in_paris(birth_commune_code="", birth_country_name="France")
    assert missing_identity_fields(holder, accepts_nir=False) == [
        "code INSEE de la commune de naissance"
    ]


def test_a_postal_code_with_cedex_is_not_an_insee_code() -> None:
    holder = born_in_paris(birth_commune_code="75001CEDEX")
    assert missing_identity_fields(holder, accepts_nir=False) == [
        "code INSEE de la commune de naissance"
    ]


def test_corsican_insee_codes_are_accepted() -> None:
    assert (
        missing_identity_fields(born_in_paris(birth_commune_code="2a004"), accepts_nir=False) == []
    )


def test_blank_first_names_do_not_count() -> None:
    holder = born_in_paris(first_names=("  ", ""))
    assert missing_identity_fields(holder, accepts_nir=False) == ["prénom"]


def test_with_a_nir_accepted_only_the_birth_name_is_needed() -> None:
    holder = HolderIdentity(
        birth_name="Lefèvre", first_names=(), sex="", birth_date=None, nir=eloise_nir()
    )
    assert missing_identity_fields(holder, accepts_nir=True) == []
    assert missing_identity_fields(holder, accepts_nir=False) == [
        "prénom",
        "sexe",
        "date de naissance complète",
        "code INSEE de la commune de naissance",
    ]
