"""Sending one message to each of many, once each: what was sent, skipped, refused."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.mail import EmailMessage

from certif.core.mailing import Mailing, send_each


def _mailing(journal: list[str], refused: str = "") -> Mailing[tuple[str, str]]:
    def compose(person: tuple[str, str]) -> EmailMessage:
        if person[1] == refused:
            raise OSError("550 boîte inconnue")
        return EmailMessage("Objet", "Corps", "certif@example.org", [person[1]])

    return Mailing(
        name=lambda person: person[0],
        address=lambda person: person[1],
        compose=compose,
        journal=lambda person: journal.append(person[0]),
    )


@pytest.mark.django_db
def test_each_is_sent_once_journalled_and_the_others_are_named(mailoutbox: list[Any]) -> None:
    journal: list[str] = []
    people = [("A", "a@example.org"), ("B", ""), ("C", "c@example.org"), ("D", "d@example.org")]
    outcome = send_each(
        _mailing(journal, refused="d@example.org"), people, {people[2]}.__contains__, "Envoi"
    )
    assert (outcome.sent, outcome.without_address, outcome.already_sent) == (["A"], ["B"], ["C"])
    assert outcome.failed == ["D (550 boîte inconnue)"]
    assert journal == ["A"]
    assert [message.to for message in mailoutbox] == [["a@example.org"]]
    summary = outcome.summary("1 envoyé.")
    assert summary[0] == "1 envoyé."
    assert any("B" in line for line in summary)
    assert any("550" in line for line in summary)
