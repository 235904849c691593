"""A habilitation as a PDF: rendered by Typst without a warning, naming the partner and its scope."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.utils import timezone
from pypdf import PdfReader

from certif.documents.habilitations import habilitation_data
from certif.documents.rendering import renderer
from tests.support.partners import make_habilitation, make_partner

pytestmark = pytest.mark.django_db


def test_a_habilitation_renders_without_warnings(version) -> None:  # type: ignore[no-untyped-def]
    habilitation = make_habilitation(make_partner(), nature="evaluer", blocks="B1 B2")
    pdf, warnings = renderer("habilitation").pdf_with_warnings(
        habilitation_data(habilitation), timezone.now()
    )
    assert warnings == []
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Institut Formation Banque" in text
    assert "blocs B1, B2 de CCAB" in text
