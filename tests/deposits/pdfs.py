"""PDFs built in the tests, benign and hostile, with pypdf: no binary fixture to trust."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

A4 = (595.0, 842.0)

Change = Callable[[PdfWriter], None]


def name(value: str) -> NameObject:
    return NameObject(value)


def pdf_bytes(pages: int = 1, *changes: Change) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(*A4)
    for change in changes:
        change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def write(folder: Path, filename: str, content: bytes) -> Path:
    path = folder / filename
    path.write_bytes(content)
    return path


def action(kind: str, **entries: object) -> DictionaryObject:
    fields: dict[NameObject, object] = {name("/Type"): name("/Action"), name("/S"): name(kind)}
    for key, value in entries.items():
        fields[name(f"/{key}")] = value
    return DictionaryObject(fields)


def link(action_dictionary: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            name("/Type"): name("/Annot"),
            name("/Subtype"): name("/Link"),
            name("/Rect"): ArrayObject(
                [FloatObject(50), FloatObject(50), FloatObject(200), FloatObject(80)]
            ),
            name("/A"): action_dictionary,
        }
    )


# -- changes ------------------------------------------------------------------------------------


def javascript_open_action(writer: PdfWriter) -> None:
    """The classic: a script that runs as soon as the document opens, by reference."""
    script = writer._add_object(action("/JavaScript", JS=TextStringObject("app.alert('x');")))
    writer.root_object[name("/OpenAction")] = script


def javascript_names_tree(writer: PdfWriter) -> None:
    scripts = DictionaryObject(
        {
            name("/Names"): ArrayObject(
                [TextStringObject("init"), action("/JavaScript", JS=TextStringObject("1;"))]
            )
        }
    )
    writer.root_object[name("/Names")] = DictionaryObject({name("/JavaScript"): scripts})


def launch_link(writer: PdfWriter) -> None:
    writer.add_annotation(0, link(action("/Launch", F=TextStringObject("calc.exe"))))


def page_additional_action(writer: PdfWriter) -> None:
    """A page that acts when it is shown (/AA /O), here by going to the web."""
    page = writer.pages[0]
    page[name("/AA")] = DictionaryObject(
        {name("/O"): action("/URI", URI=TextStringObject("https://example.org/"))}
    )


def uri_open_action(writer: PdfWriter) -> None:
    writer.root_object[name("/OpenAction")] = action(
        "/URI", URI=TextStringObject("https://example.org/")
    )


def attachment(writer: PdfWriter) -> None:
    writer.add_attachment("outil.exe", b"MZ\x90\x00")


def xfa_form(writer: PdfWriter) -> None:
    writer.root_object[name("/AcroForm")] = DictionaryObject(
        {name("/Fields"): ArrayObject(), name("/XFA"): TextStringObject("<xdp:xdp/>")}
    )


def open_at_first_page(writer: PdfWriter) -> None:
    """What word processors write: open at page 1, fit width; no action."""
    first = writer.pages[0].indirect_reference
    writer.root_object[name("/OpenAction")] = ArrayObject([first, name("/FitH"), NumberObject(842)])


def goto_open_action(writer: PdfWriter) -> None:
    first = writer.pages[0].indirect_reference
    writer.root_object[name("/OpenAction")] = action("/GoTo", D=ArrayObject([first, name("/Fit")]))


def web_link(writer: PdfWriter) -> None:
    writer.add_annotation(0, link(action("/URI", URI=TextStringObject("https://example.org/"))))


def bookmarks(writer: PdfWriter) -> None:
    writer.add_outline_item("Introduction", 0)


def encrypted(user_password: str) -> Change:
    def change(writer: PdfWriter) -> None:
        writer.encrypt(
            user_password=user_password, owner_password="propriétaire", algorithm="RC4-128"
        )

    return change


def javascript_after_a_link(writer: PdfWriter) -> None:
    """A harmless-looking link whose action chains (/Next) to a script, by reference."""
    script = writer._add_object(action("/JavaScript", JS=TextStringObject("1;")))
    first = writer.pages[0].indirect_reference
    writer.add_annotation(
        0, link(action("/GoTo", D=ArrayObject([first, name("/Fit")]), Next=script))
    )
