"""Typst, through the ``typst`` package: one compiler per template, reused for every document.

Data reach the templates as one JSON string in ``sys.inputs.data`` (read there with
``json(bytes(sys.inputs.data))``), never pasted into markup, so no value can break or inject
Typst code. Only the fonts shipped in ``fonts/`` are used (system fonts are ignored, and the
few fonts Typst embeds are never named), so the output is the same on any machine. Nothing is
fetched: the templates import no package.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import typst

from certif.documents.qr import qr_svg

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates_typst"
FONTS = HERE / "fonts"
PDF_STANDARD: Literal["a-2b"] = "a-2b"


def with_qr(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The data with the QR code of the document's verification address, drawn here rather
    than stored: the address determines it, and drawing it is the costliest Python step of a
    document, which a batch runs in its rendering processes."""
    stamp = data.get("document")
    if not isinstance(stamp, Mapping) or "url" not in stamp:
        return data
    return {**data, "document": {**stamp, "qr": qr_svg(stamp["url"])}}


class RenderingFailed(RuntimeError):
    """Typst refused a template or its data: a defect of Certif, not of the user's input."""


def template_path(kind: str) -> Path:
    return TEMPLATES / f"{kind}.typ"


def new_compiler(kind: str) -> typst.Compiler:
    return typst.Compiler(
        str(template_path(kind)),
        root=str(TEMPLATES),
        font_paths=[str(FONTS)],
        ignore_system_fonts=True,
    )


class Renderer:
    """A template's compiler, built once (fonts loaded and the template parsed once) and then
    fed each document's data. Not shared between threads: see ``renderer``."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._compiler = new_compiler(kind)

    def _inputs(self, data: Mapping[str, Any]) -> dict[str, str]:
        return {"data": json.dumps(with_qr(data), ensure_ascii=False, separators=(",", ":"))}

    def pdf(self, data: Mapping[str, Any], moment: datetime) -> bytes:
        """PDF/A-2b, dated ``moment`` (its metadata carry the issue time, not the render time)."""
        try:
            output = self._compiler.compile(
                format="pdf",
                sys_inputs=self._inputs(data),
                pdf_standards=PDF_STANDARD,
                timestamp=int(moment.timestamp()),
            )
        except typst.TypstError as error:
            raise RenderingFailed(f"{self.kind}: {error}") from error
        assert isinstance(output, bytes)
        return output

    def pdf_with_warnings(
        self, data: Mapping[str, Any], moment: datetime
    ) -> tuple[bytes, list[str]]:
        """The PDF and Typst's warnings (a missing font, a missing glyph): for the tests."""
        output, warnings = self._compiler.compile_with_warnings(
            format="pdf",
            sys_inputs=self._inputs(data),
            pdf_standards=PDF_STANDARD,
            timestamp=int(moment.timestamp()),
        )
        assert isinstance(output, bytes)
        return output, [str(warning) for warning in warnings]

    def png_pages(self, data: Mapping[str, Any], ppi: float = 72.0) -> list[bytes]:
        """Each page as a PNG image, for visual review."""
        output = self._compiler.compile(format="png", ppi=ppi, sys_inputs=self._inputs(data))
        if isinstance(output, bytes):
            return [output]
        return list(output or [])


_local = threading.local()


def renderer(kind: str) -> Renderer:
    """This thread's renderer of ``kind``, built on first use and kept for the next documents."""
    cache: dict[str, Renderer] | None = getattr(_local, "renderers", None)
    if cache is None:
        cache = _local.renderers = {}
    found = cache.get(kind)
    if found is None:
        found = cache[kind] = Renderer(kind)
    return found


def render_pdf(kind: str, data: Mapping[str, Any], moment: datetime) -> bytes:
    """One document by this process's (or thread's) renderer: what a batch's workers run."""
    return renderer(kind).pdf(data, moment)
