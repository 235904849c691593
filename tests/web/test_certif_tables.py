"""The column headings tag writes the same markup as the headings spelled out by hand."""

from __future__ import annotations

from django.template import engines
from django.utils import translation


def rendered(source: str) -> str:
    return engines["django"].from_string(source).render({})


def test_the_headings_are_the_cells_the_translate_tag_writes() -> None:
    by_hand = rendered(
        '{% load i18n %}<th scope="col">{% translate "Bloqué jusqu\'à" %}</th>'
        '<th scope="col">{% translate "Action" %}</th>'
    )
    tagged = rendered(
        '{% load certif_tables %}{% column_headings _("Bloqué jusqu\'à") _("Action") %}'
    )
    assert tagged == by_hand == '<th scope="col">Bloqué jusqu\'à</th><th scope="col">Action</th>'


def test_the_headings_read_in_the_reader_s_language() -> None:
    with translation.override("en"):
        assert rendered('{% load certif_tables %}{% column_headings _("Titulaire") %}') == (
            '<th scope="col">Holder</th>'
        )


def test_a_label_from_a_variable_is_escaped() -> None:
    source = "{% load certif_tables %}{% column_headings label %}"
    html = engines["django"].from_string(source).render({"label": "<b>"})
    assert html == '<th scope="col">&lt;b&gt;</th>'
