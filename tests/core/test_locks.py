"""Named locks: a second holder is refused at once, the lock is free again afterwards."""

from __future__ import annotations

import threading

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
