"""A backup's manifest, read back as written, and the differences a restore reports."""

from __future__ import annotations

import pytest

from certif.maintenance.archive import FORMAT, BackupRefused, Inventory, Manifest


def inventory() -> Inventory:
    return Inventory(
        tables={"candidates_candidate": 3, "core_auditevent": 10},
        migrations={"candidates": ["0001_initial"]},
        documents={"ABCDEFGHIJKLMNOP": "0" * 64},
    )


def test_a_manifest_reads_back_as_it_was_written() -> None:
    manifest = Manifest("sqlite", "0.1.0", "2026-12-07T05:00:00+00:00", inventory())
    manifest.members["database.sqlite3"] = {"sha256": "1" * 64, "size": 4096}
    again = Manifest.from_json(manifest.to_json())
    assert again == manifest
    assert again.format == FORMAT
    assert not again.with_key
    assert again.inventory.rows == 13


def test_a_restored_database_that_differs_is_described_table_by_table() -> None:
    found = inventory()
    found.tables["candidates_candidate"] = 2
    del found.documents["ABCDEFGHIJKLMNOP"]
    assert inventory().differences(found) == [
        "table candidates_candidate : 3 attendue(s), 2 trouvée(s)",
        "document ABCDEFGHIJKLMNOP : empreinte différente ou document absent",
    ]
    assert inventory().differences(inventory()) == []


@pytest.mark.parametrize(
    "text",
    [b"not json", b"{}", b'{"application": "autre"}', b'{"application": "certif", "format": 1}'],
)
def test_a_manifest_that_is_not_certif_s_is_refused_in_french(text: bytes) -> None:
    with pytest.raises(BackupRefused, match="n'est pas une sauvegarde de Certif"):
        Manifest.from_json(text)
