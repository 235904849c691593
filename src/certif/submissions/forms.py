"""The validation of each write verb of deposits and subjects (used headlessly by services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certif.submissions.models import Subject, Verdict

TEXT_MAX = 4000


class SubjectForm(forms.Form):
    """A proposed (or revised) mémoire subject."""

    title = forms.CharField(label=_("Titre"), max_length=255)
    problem = forms.CharField(
        label=_("Problématique"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
    outline = forms.CharField(
        label=_("Plan sommaire"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Les grandes parties du mémoire, en quelques lignes."),
    )


class ReviewForm(forms.Form):
    """The Direction pédagogique's answer; a comment is required unless the subject is approved."""

    verdict = forms.ChoiceField(label=_("Décision"), choices=Verdict.choices)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        verdict = cleaned.get("verdict")
        if verdict and verdict != Verdict.APPROVE and not cleaned.get("comment", "").strip():
            self.add_error(
                "comment",
                _("Dites au candidat ce qu'il doit reprendre ou pourquoi le sujet est refusé."),
            )
        return cleaned


class DepositForm(forms.Form):
    """What accompanies a file: the page where the annexes begin (for the mémoire)."""

    annexes_start_page = forms.IntegerField(
        label=_("Page où commencent les annexes"),
        required=False,
        min_value=1,
        help_text=_("Laissez vide si votre mémoire n'a pas d'annexes."),
    )


class ExtensionForm(forms.Form):
    until = forms.DateField(label=_("Nouvelle date limite (incluse)"))
    reason = forms.CharField(
        label=_("Motif"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


def subject_initial(subject: Subject) -> dict[str, str]:
    return {"title": subject.title, "problem": subject.problem, "outline": subject.outline}
