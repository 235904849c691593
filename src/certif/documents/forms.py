"""The forms of the documents pages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from xml.etree import ElementTree

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from certif.documents.models import CertifierSettings, ImageFormat
from certif.documents.services import MIN_REASON, SETTINGS_TEXTS, SettingsValues
from certif.documents.timetable import ROOM_MAX, Slot, TimetableRow
from certif.sessions.services import Unit, unit_value

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_SIGNATURE = 512 * 1024


class ReasonForm(forms.Form):
    motif = forms.CharField(
        label=_("Motif"),
        min_length=MIN_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=format_lazy(
            _("Conservé dans l'historique du document (au moins {count} caractères)."),
            count=MIN_REASON,
        ),
    )


def signature_format(data: bytes) -> ImageFormat:
    """PNG or SVG, checked by content, not by the file's name."""
    if data.startswith(PNG_MAGIC):
        return ImageFormat.PNG
    try:
        root = ElementTree.fromstring(data.decode("utf-8"))
    except (UnicodeDecodeError, ElementTree.ParseError):
        root = None
    if root is not None and root.tag in ("svg", "{http://www.w3.org/2000/svg}svg"):
        return ImageFormat.SVG
    raise forms.ValidationError(_("La signature doit être une image PNG ou SVG."))


class CertifierSettingsForm(forms.ModelForm[CertifierSettings]):
    """The certifier's identity as printed; used by its page and by the admin, both of which
    hand ``values()`` to ``services.update_certifier_settings``."""

    signature_file = forms.FileField(
        label=_("Image de la signature (PNG ou SVG)"),
        required=False,
        help_text=_("Facultative ; elle est conservée dans la base de données."),
    )
    remove_signature = forms.BooleanField(
        label=_("Retirer l'image de la signature"), required=False
    )
    public_url = forms.URLField(
        label=_("Adresse publique de vérification"),
        required=False,
        assume_scheme="https",
        help_text=CertifierSettings._meta.get_field("public_url").help_text,
    )

    class Meta:
        model = CertifierSettings
        fields = list(SETTINGS_TEXTS)

    def clean_signature_file(self) -> bytes | None:
        upload = self.cleaned_data.get("signature_file")
        if upload is None:
            return None
        if upload.size > MAX_SIGNATURE:
            raise forms.ValidationError(_("L'image de la signature dépasse 512 Ko."))
        data: bytes = upload.read()
        self.cleaned_data["signature_kind"] = signature_format(data)
        return data

    def values(self) -> SettingsValues:
        texts: dict[str, Any] = {name: self.cleaned_data[name] for name in SETTINGS_TEXTS}
        return SettingsValues(
            texts=texts,
            signature=self.cleaned_data.get("signature_file") or None,
            signature_format=self.cleaned_data.get("signature_kind", ""),
            remove_signature=bool(self.cleaned_data.get("remove_signature")),
        )


class TimetableForm(forms.Form):
    """One line per épreuve of the session: a day, a time and a room, all three optional, the
    day and time together. The fingerprint read with the page guards against overwriting a
    timetable someone else changed meanwhile."""

    fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, rows: Sequence[TimetableRow], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = list(rows)
        for row in self.rows:
            prefix = _field_prefix(row.unit)
            starts = timezone.localtime(row.slot.starts_at) if row.slot is not None else None
            self.fields[f"{prefix}-jour"] = forms.DateField(
                label=format_lazy(_("Jour de l'épreuve {unit}"), unit=row.label),
                required=False,
                initial=starts.date() if starts is not None else None,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
            self.fields[f"{prefix}-heure"] = forms.TimeField(
                label=format_lazy(_("Heure de début de l'épreuve {unit}"), unit=row.label),
                required=False,
                initial=starts.time() if starts is not None else None,
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )
            self.fields[f"{prefix}-salle"] = forms.CharField(
                label=format_lazy(_("Salle ou adresse de l'épreuve {unit}"), unit=row.label),
                required=False,
                max_length=ROOM_MAX,
                initial=row.slot.room if row.slot is not None else "",
            )

    def lines(self) -> list[tuple[TimetableRow, list[forms.BoundField]]]:
        """Each épreuve with its three fields, for the page's table."""
        return [
            (
                row,
                [self[f"{_field_prefix(row.unit)}-{name}"] for name in ("jour", "heure", "salle")],
            )
            for row in self.rows
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.rows:
            prefix = _field_prefix(row.unit)
            day, time = cleaned.get(f"{prefix}-jour"), cleaned.get(f"{prefix}-heure")
            room = (cleaned.get(f"{prefix}-salle") or "").strip()
            if day is None and (time is not None or room):
                self.add_error(
                    f"{prefix}-jour", _("Indiquez le jour de l'épreuve, ou videz toute la ligne.")
                )
            elif day is not None and time is None and f"{prefix}-heure" not in self.errors:
                self.add_error(f"{prefix}-heure", _("Indiquez l'heure de début de l'épreuve."))
        return cleaned

    def slots(self) -> dict[Unit, Slot]:
        slots = {}
        for row in self.rows:
            prefix = _field_prefix(row.unit)
            day = self.cleaned_data.get(f"{prefix}-jour")
            time = self.cleaned_data.get(f"{prefix}-heure")
            if day is None or time is None:
                continue
            starts = timezone.make_aware(datetime.combine(day, time))
            slots[row.unit] = Slot(starts, self.cleaned_data.get(f"{prefix}-salle") or "")
        return slots


def _field_prefix(unit: Unit) -> str:
    return unit_value(unit).replace(":", "-")
