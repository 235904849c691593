"""Inspecting an uploaded PDF: what is refused, with which reason and French message, and the
pages that count for the mémoire. Every hostile file is built here with pypdf."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from certif.deposits import pdf
from certif.deposits.errors import DepositRefused, RefusalReason
from certif.deposits.pdf import inspect_pdf, pages_before_annexes
from tests.deposits.pdfs import (
    Change,
    attachment,
    bookmarks,
    encrypted,
    goto_open_action,
    javascript_after_a_link,
    javascript_names_tree,
    javascript_open_action,
    launch_link,
    open_at_first_page,
    page_additional_action,
    pdf_bytes,
    uri_open_action,
    web_link,
    write,
    xfa_form,
)


def refusal(path: Path, shown_name: str | None = None) -> DepositRefused:
    with pytest.raises(DepositRefused) as caught:
        inspect_pdf(path, shown_name)
    return caught.value


def outcome(path: Path) -> int | DepositRefused:
    """The page count, or the refusal: anything else escaping is a bug."""
    try:
        return inspect_pdf(path)
    except DepositRefused as refused:
        return refused


def test_a_valid_35_page_pdf_is_accepted_with_its_page_count(tmp_path: Path) -> None:
    assert inspect_pdf(write(tmp_path, "mémoire.pdf", pdf_bytes(35))) == 35


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "mémoire.pdf", b""))
    assert refused.reason is RefusalReason.EMPTY
    assert str(refused) == "le fichier « mémoire.pdf » est vide (0 octet)"


def test_a_renamed_text_file_is_not_a_pdf(tmp_path: Path) -> None:
    path = write(tmp_path, "support.pdf", "Mon support écrit\n".encode())
    refused = refusal(path)
    assert refused.reason is RefusalReason.NOT_PDF
    assert "« support.pdf » n'est pas un PDF, quel que soit son nom" in str(refused)


def test_a_word_document_named_pdf_is_not_a_pdf(tmp_path: Path) -> None:
    # A .docx is a zip archive: it starts with PK.
    path = write(tmp_path, "support.pdf", b"PK\x03\x04" + bytes(2000))
    assert refusal(path).reason is RefusalReason.NOT_PDF


def test_a_pdf_header_beyond_the_first_1024_bytes_is_not_looked_for(tmp_path: Path) -> None:
    path = write(tmp_path, "support.pdf", b" " * 1024 + pdf_bytes(1))
    assert refusal(path).reason is RefusalReason.NOT_PDF


def test_a_truncated_pdf_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "support.pdf", pdf_bytes(3)[:300])
    refused = refusal(path)
    assert refused.reason is RefusalReason.UNREADABLE
    assert "« support.pdf » est un PDF endommagé ou illisible" in str(refused)


def test_a_pdf_header_on_garbage_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "support.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 100)
    assert refusal(path).reason is RefusalReason.UNREADABLE


@pytest.mark.parametrize("password", ["secret", ""], ids=["with a password", "opens without"])
def test_an_encrypted_pdf_is_refused(tmp_path: Path, password: str) -> None:
    path = write(tmp_path, "mémoire.pdf", pdf_bytes(2, encrypted(password)))
    refused = refusal(path)
    assert refused.reason is RefusalReason.ENCRYPTED
    assert "« mémoire.pdf » est protégé" in str(refused)


def test_a_pdf_without_pages_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "vide.pdf", pdf_bytes(0)))
    assert refused.reason is RefusalReason.NO_PAGES


def test_a_javascript_open_action_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, javascript_open_action)))
    assert refused.reason is RefusalReason.ACTIVE_CONTENT
    assert str(refused).startswith(
        "le fichier « support.pdf » contient du JavaScript et des actions déclenchées "
        "automatiquement"
    )


def test_document_level_javascript_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, javascript_names_tree)))
    assert refused.reason is RefusalReason.ACTIVE_CONTENT
    assert "contient du JavaScript :" in str(refused)


def test_a_script_chained_behind_an_ordinary_link_is_found(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, javascript_after_a_link)))
    assert refused.reason is RefusalReason.ACTIVE_CONTENT
    assert "contient du JavaScript :" in str(refused)


def test_a_launch_action_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, launch_link)))
    assert refused.reason is RefusalReason.ACTIVE_CONTENT
    assert "une action qui lance un programme" in str(refused)


def test_a_page_acting_when_shown_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, page_additional_action)))
    assert refused.reason is RefusalReason.ACTIVE_CONTENT
    assert "actions déclenchées automatiquement" in str(refused)


def test_an_open_action_that_goes_to_the_web_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, uri_open_action)))
    assert refused.reason is RefusalReason.ACTIVE_CONTENT


def test_an_xfa_form_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(1, xfa_form)))
    assert "formulaire XFA" in str(refused)


def test_an_attached_file_is_refused(tmp_path: Path) -> None:
    refused = refusal(write(tmp_path, "mémoire.pdf", pdf_bytes(1, attachment)))
    assert refused.reason is RefusalReason.EMBEDDED_FILE
    assert "contient un fichier joint" in str(refused)


def test_scripts_and_attachments_are_named_together_as_active_content(tmp_path: Path) -> None:
    path = write(tmp_path, "mémoire.pdf", pdf_bytes(1, javascript_names_tree, attachment))
    refused = refusal(path)
    assert refused.reason is RefusalReason.ACTIVE_CONTENT
    assert "contient du JavaScript et un fichier joint :" in str(refused)


@pytest.mark.parametrize(
    "change",
    [open_at_first_page, goto_open_action, web_link, bookmarks],
    ids=["opens at page 1", "goes to a page on open", "a web link", "bookmarks"],
)
def test_what_word_processors_write_is_accepted(tmp_path: Path, change: Change) -> None:
    assert inspect_pdf(write(tmp_path, "support.pdf", pdf_bytes(2, change))) == 2


def test_messages_use_the_name_the_candidate_knows(tmp_path: Path) -> None:
    path = write(tmp_path, "3f2a.upload", b"")
    assert "« Mon mémoire.pdf »" in str(refusal(path, "Mon mémoire.pdf"))


def test_a_long_file_name_is_cut_to_80_characters_in_messages(tmp_path: Path) -> None:
    long_name = "m" * 300 + ".pdf"
    message = str(refusal(write(tmp_path, "x.pdf", b""), long_name))
    quoted = message.split("« ")[1].split(" »")[0]
    assert len(quoted) == 80
    assert quoted.endswith("…")


def test_a_pdf_with_too_many_objects_to_walk_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "MAX_OBJECTS", 5)
    refused = refusal(write(tmp_path, "support.pdf", pdf_bytes(10)))
    assert refused.reason is RefusalReason.UNREADABLE
    assert "trop d'objets pour être vérifié (plus de 5)" in str(refused)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.data())
def test_a_damaged_pdf_is_either_accepted_or_refused_never_a_crash(
    tmp_path: Path, data: st.DataObject
) -> None:
    content = bytearray(pdf_bytes(3, web_link, bookmarks))
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        position = data.draw(st.integers(min_value=0, max_value=len(content) - 1))
        content[position] = data.draw(st.integers(min_value=0, max_value=255))
    result = outcome(write(tmp_path, "abîmé.pdf", bytes(content)))
    if isinstance(result, DepositRefused):
        assert str(result).startswith("le fichier « abîmé.pdf »")
    else:
        assert result >= 1


# -- pages before the annexes -------------------------------------------------------------------


def test_without_annexes_every_page_counts() -> None:
    assert pages_before_annexes(35, None) == 35


def test_annexes_starting_on_page_32_leave_31_pages() -> None:
    assert pages_before_annexes(40, 32) == 31


def test_annexes_declared_beyond_the_last_page_are_refused() -> None:
    with pytest.raises(DepositRefused) as caught:
        pages_before_annexes(35, 36)
    assert caught.value.reason is RefusalReason.INVALID_ANNEXES_PAGE
    assert str(caught.value) == (
        "la page où commencent les annexes (36) doit être comprise entre 1 et 35, "
        "le nombre de pages du fichier"
    )


@given(st.integers(min_value=1, max_value=5000), st.data())
def test_the_pages_before_the_annexes_are_the_pages_before_the_declared_one(
    page_count: int, data: st.DataObject
) -> None:
    start = data.draw(st.integers(min_value=1, max_value=page_count))
    counted = pages_before_annexes(page_count, start)
    assert counted == start - 1
    assert 0 <= counted < page_count


@given(st.integers(min_value=0, max_value=5000), st.data())
def test_an_annexes_page_outside_the_file_is_always_refused(
    page_count: int, data: st.DataObject
) -> None:
    outside = st.integers(max_value=0) | st.integers(min_value=page_count + 1)
    with pytest.raises(DepositRefused):
        pages_before_annexes(page_count, data.draw(outside))


def _with_images(count: int, side: int) -> Change:
    """Each page draws its own image, as a mémoire's photographs do."""

    def change(writer: PdfWriter) -> None:
        for page in writer.pages[:count]:
            image = DecodedStreamObject()
            image.set_data(bytes(side * side * 3))
            image.update({
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Image"),
                NameObject("/Width"): NumberObject(side),
                NameObject("/Height"): NumberObject(side),
                NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
                NameObject("/BitsPerComponent"): NumberObject(8),
            })  # fmt: skip
            xobjects = DictionaryObject({NameObject("/Im0"): writer._add_object(image)})
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})

    return change


def test_the_inspection_keeps_no_examined_stream_in_memory(tmp_path: Path) -> None:
    """pypdf keeps every object it resolved; the inspection drops each stream once examined, so
    that a mémoire full of photographs is never held whole (bench/README.md, deposits)."""
    path = write(tmp_path, "photos.pdf", pdf_bytes(6, _with_images(6, 64)))
    with path.open("rb") as raw:
        reader = PdfReader(raw)
        assert pdf.active_features(reader) == set()
        kept = [o for o in reader.resolved_objects.values() if isinstance(o, StreamObject)]
    assert kept == []
    assert inspect_pdf(path) == 6


def test_javascript_in_a_page_after_images_is_still_found(tmp_path: Path) -> None:
    path = write(tmp_path, "photos.pdf", pdf_bytes(4, _with_images(4, 32), page_additional_action))
    assert refusal(path).reason == RefusalReason.ACTIVE_CONTENT
