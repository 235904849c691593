"""Uploading import files from the browser: the forms, the size limit, the temporary copy.

The importers read a path whose suffix says the format; an upload is copied to a
temporary folder under its own (cleaned) name, so that the import's record keeps the
name the person knows, and the folder goes once the import is over.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from certif.tasks import files

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Django's DATA_UPLOAD_MAX_MEMORY_SIZE leaves files out; this is the limit for them. A file of
# millions of scores is bigger: the command line (« certif import ») takes it.
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ACCEPTED_SUFFIXES = (".csv", ".xlsx")
MEGABYTE = 1024 * 1024


def check_upload(upload: UploadedFile) -> None:
    size = upload.size or 0
    if size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _(
                "Fichier trop volumineux : %(size)s Mo, %(limit)s Mo au plus. Importez-le avec "
                "la commande « certif import »."
            ),
            params={"size": -(-size // MEGABYTE), "limit": MAX_UPLOAD_BYTES // MEGABYTE},
            code="too_big",
        )
    if Path(upload.name or "").suffix.lower() not in ACCEPTED_SUFFIXES:
        raise ValidationError(
            _("Format non reconnu : attendu un fichier .csv ou .xlsx."), code="format"
        )


def file_field(label: str | _StrPromise | None = None, required: bool = True) -> forms.FileField:
    return forms.FileField(
        label=label or _("Fichier CSV ou XLSX"),
        required=required,
        validators=[check_upload],
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_SUFFIXES)}),
        help_text=_("200 Mo au plus ; séparateur « ; » ou « , », encodage UTF-8."),
    )


def _safe_name(name: str) -> str:
    suffix = Path(name).suffix.lower()
    try:
        cleaned = get_valid_filename(Path(name).name)
    except SuspiciousFileOperation:
        cleaned = ""
    return cleaned if Path(cleaned).suffix.lower() == suffix and cleaned else f"fichier{suffix}"


def handed_over(upload: UploadedFile) -> str:
    """The upload copied where a task finds it (``certif.tasks.files``): its relative path."""
    path = files.incoming_path(_safe_name(upload.name or ""))
    with path.open("wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return files.relative(path)


def in_background(upload: UploadedFile) -> bool:
    """Whether the upload is big enough to be imported by the worker, its progress shown."""
    return (upload.size or 0) > settings.IMPORT_IN_BACKGROUND_ABOVE


@contextmanager
def saved_upload(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a file on disk, removed with its folder when the block ends."""
    with tempfile.TemporaryDirectory(prefix="certif-upload-") as folder:
        path = Path(folder) / _safe_name(upload.name or "")
        with path.open("wb") as target:
            for chunk in upload.chunks():
                target.write(chunk)
        yield path


class CandidatesImportForm(forms.Form):
    fichier = file_field()


class ScoresImportForm(forms.Form):
    fichier = file_field()
    remplacer = forms.BooleanField(
        label=_("Remplacer les notes déjà enregistrées"),
        required=False,
        help_text=_("Sans cette case, une note différente de celle enregistrée refuse le fichier."),
    )
    creer_sessions = forms.BooleanField(
        label=_("Créer les sessions inconnues que le fichier nomme"),
        required=False,
        help_text=_(
            "Sans cette case, une ligne d'une session inconnue refuse le fichier : une faute de "
            "frappe ne devient pas une session."
        ),
    )
    inclure_valides = forms.BooleanField(
        label=_("Inscrire aussi les candidats dont le bloc est déjà validé"),
        required=False,
        help_text=_(
            "Sans cette case, les lignes qui inscriraient un candidat à un bloc qu'un jury lui a "
            "déjà validé sont laissées de côté, comme à l'inscription."
        ),
    )
