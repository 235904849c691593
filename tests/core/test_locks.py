"""Named locks: a second holder is refused at once, the lock is free again afterwards."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from certif.core.locks import Busy, exclusive

pytestmark = pytest.mark.django_db


def test_a_held_lock_refuses_a_second_holder_with_its_message() -> None:
    with exclusive("k", "occupé"), pytest.raises(Busy, match="occupé"), exclusive("k", "occupé"):
        pass


def test_a_released_lock_can_be_taken_again() -> None:
    with exclusive("k", "occupé"):
        pass
    with exclusive("k", "occupé"):
        pass


def test_different_keys_do_not_block_each_other() -> None:
    with exclusive("a", "occupé"), exclusive("b", "occupé"):
        pass


def test_a_busy_lock_is_a_refusal_of_the_error_family() -> None:
    assert Busy("x").status == 409


@pytest.mark.django_db(transaction=True)
def test_another_thread_is_refused_while_the_lock_is_held() -> None:
    from django.db import connection

    seen: list[str] = []

    def other() -> None:
        try:
            with exclusive("shared", "occupé"):
                seen.append("taken")
        except Busy:
            seen.append("refused")
        finally:
            connection.close()

    with exclusive("shared", "occupé"):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen == ["refused"]


def test_a_database_file_is_locked_with_a_file_removed_once_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certif.core import locks

    monkeypatch.setattr(locks, "_ROOT", tmp_path)
    with locks._file_lock("k", "occupé"):
        (folder,) = tmp_path.iterdir()
        assert len(list(folder.iterdir())) == 1
        # As another process opening the same file would be:
        with pytest.raises(Busy), locks._file_lock("k", "occupé"):
            pass
    assert list(folder.iterdir()) == []


def test_an_in_memory_database_is_locked_within_its_process_only() -> None:
    from django.db import connection

    from certif.core import locks

    if connection.vendor == "sqlite":
        assert locks._in_memory()  # the tests' database: no lock file shared with others
