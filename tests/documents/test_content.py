"""Each document prints its mentions, with their accents, dates and figures, as the database
holds them; each is a PDF/A-2b."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pypdf
import pytest
from django.contrib.auth.models import AbstractUser

from certif.candidates.models import Candidate
from certif.deliberations import services as deliberations
from certif.deliberations.models import CERTIFICATION, Deliberation
from certif.documents import content, services
from certif.documents.french import long_date, minutes_text, with_extra_time
from certif.documents.models import CertifierSettings, IssuedDocument, Kind
from certif.domain import values
from certif.domain.numbers import format_quantity, format_score
from certif.domain.rules.results import Status
from certif.grading.models import COUNTING, Score
from certif.referential.models import ReferentialVersion
from certif.results.models import CandidateResult
from certif.sessions.models import ExamSession
from tests.support.documents import OVERRIDE, candidate, pdf_pages, pdf_text

pytestmark = pytest.mark.django_db

PDFA_ID = "http://www.aiim.org/pdfa/ns/id/"


def issue(
    kind: Kind, session: ExamSession, actor: AbstractUser, numero: str = "", block: str = ""
) -> IssuedDocument:
    subject = services.Subject(
        kind, session, candidate(numero) if numero else None, block_code=block
    )
    return services.issue(subject, actor)


def pdfa_identification(data: bytes) -> dict[str, str]:
    """pdfaid:part and pdfaid:conformance, as elements or attributes of the XMP metadata."""
    xmp = pypdf.PdfReader(io.BytesIO(data)).xmp_metadata
    assert xmp is not None
    found: dict[str, str] = {}
    for name in ("part", "conformance"):
        for element in xmp.rdf_root.getElementsByTagNameNS(PDFA_ID, name):
            found[name] = element.firstChild.data
        for node in xmp.rdf_root.getElementsByTagNameNS("*", "Description"):
            if node.hasAttributeNS(PDFA_ID, name):
                found[name] = node.getAttributeNS(PDFA_ID, name)
    return found


def test_the_parchemin_carries_every_mention_of_the_registration_and_the_holder(
    session: ExamSession, staff: AbstractUser, certifier: CertifierSettings
) -> None:
    document = issue(Kind.PARCHEMIN, session, staff, "C001")
    text = pdf_text(bytes(document.pdf))
    referential = session.referential_version.referential
    metadata = referential.metadata
    holder = candidate("C001")
    assert referential.title in text
    assert metadata.rncp_code in text
    assert f"niveau {metadata.level} du cadre national" in text
    assert f"Code NSF {metadata.nsf_code}" in text
    assert metadata.registration_decision_date is not None
    assert f"du {long_date(metadata.registration_decision_date)}" in text
    assert f"pour une durée de {metadata.registration_duration_years} ans" in text
    assert f"{certifier.legal_name} délivre à" in text
    assert f"{holder.first_name} {holder.birth_name.upper()}" in text
    assert f"née le {long_date(holder.birth_date)} à {holder.birth_place}" in text
    assert "née le 12 mars 1990 à Saint-Étienne" in text
    assert f"Fait à {certifier.issue_place}, le" in text
    assert certifier.signatory_name in text
    assert certifier.signatory_title in text
    assert document.number in text
    assert f"certif.example.fr/verifier/{document.public_id}" in text
    assert "du 1er juillet 2026" in text  # the jury's date


def test_every_document_is_a_pdf_a_2b(
    session: ExamSession, closed: Deliberation, staff: AbstractUser
) -> None:
    documents = [
        issue(Kind.PARCHEMIN, session, staff, "C001"),
        issue(Kind.ATTESTATION, session, staff, "C002", "B1"),
        issue(Kind.RELEVE, session, staff, "C002"),
        issue(Kind.CONVOCATION, session, staff, "C002"),
        services.minutes_document(closed),
    ]
    for document in documents:
        assert document is not None
        assert pdfa_identification(bytes(document.pdf)) == {"part": "2", "conformance": "B"}


def test_the_attestation_is_titled_with_its_block_only(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = issue(Kind.ATTESTATION, session, staff, "C002", "B1")
    text = pdf_text(bytes(document.pdf))
    referential = session.referential_version.referential
    block = referential.block("B1")
    assert "Attestation de validation d’un bloc de compétences" in text  # typographic apostrophe
    assert f"BLOC {block.code}" in text
    assert " ".join(block.title.split()) in text
    assert all(other.title not in text for other in referential.blocks if other.code != "B1")
    assert "Éloïse Anne LEFÈVRE" in text
    assert "nom d’usage : MARTIN" in text
    assert "née le 1er juillet 1988 à Orléans" in text
    assert block.competencies[0].text.split(",")[0] in text
    assert document.title == f"Attestation de validation du bloc B1 « {block.title} »"


def test_the_releve_gives_every_criterion_each_score_with_a_decimal_comma_and_the_explanations(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = issue(Kind.RELEVE, session, staff, "C002")
    text = pdf_text(bytes(document.pdf))
    holder = candidate("C002")
    decision = CandidateResult.objects.get(candidate=holder).decision
    for code in ("B1", "B2"):
        block = decision.blocks[code]
        assert block.unit is not None
        assert block.unit.out_of is not None
        assert f"note {format_score(block.score)}/{format_quantity(block.unit.out_of)}" in text
        assert "," in format_score(block.score)
        assert block.explanation("fr") in text
    scores = Score.objects.filter(
        sheet__candidate=holder, sheet__session=session, sheet__marking__in=COUNTING
    ).select_related("criterion")
    assert scores
    for score in scores:
        shown = values.display(score.criterion.kind, score.decoded)
        assert f"{score.criterion.code} " in text
        assert shown in text
    assert "Décision du jury : validé" in text  # B2, against the proposal
    assert OVERRIDE in text
    assert f"{session.code} — {session.title}, du 15 au 19 juin 2026" in text
    assert "Certification non obtenue" in text


def test_the_releve_shows_each_part_of_a_block_with_parts_and_the_memoire(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = issue(Kind.RELEVE, session, staff, "C001")
    text = pdf_text(bytes(document.pdf))
    referential = session.referential_version.referential
    decision = CandidateResult.objects.get(candidate=candidate("C001")).decision
    with_parts = next(block for block in referential.blocks if block.parts)
    for part in with_parts.parts:
        assert f"Partie {part.label} validée" in text
        score = decision.blocks[with_parts.code].parts[part.code].score
        assert format_score(score) in text
    thesis = next(block for block in referential.blocks if block.kind == "thesis")
    assert thesis.title in text
    assert "MEMPages" in text
    assert "Certification obtenue — décision du jury du 1er juillet 2026" in text


def test_the_pv_lists_the_jury_each_candidate_the_overrides_and_the_counts(
    closed: Deliberation,
) -> None:
    document = services.minutes_document(closed)
    assert document is not None
    text = pdf_text(bytes(document.pdf))
    assert "Procès-verbal de délibération du jury" in text
    assert "Délibération n° 1" in text
    assert "Date de la délibération 1er juillet 2026" in text
    for name in ("Hélène Présidente", "Marc Évaluateur"):
        assert name in text
    assert "extérieur au certificateur" in text
    assert "président(e)" in text
    for numero in ("C001", "C002"):
        assert numero in text
        assert candidate(numero).display_name.split()[0] in text
    assert "non validé → validé" in text
    assert OVERRIDE in text
    assert "2 Candidats" in text
    assert "1 Certifiés" in text
    assert "1 Validation partielle" in text
    assert closed.digest in text
    assert CERTIFICATION in text


def test_the_convocation_applies_the_extra_time_to_the_durations(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = issue(Kind.CONVOCATION, session, staff, "C002")
    text = pdf_text(bytes(document.pdf))
    holder = candidate("C002")
    modality = session.referential_version.referential.block("B2").modalities[0]
    assert modality.duration_minutes is not None
    granted = with_extra_time(modality.duration_minutes, holder.extra_time_percent)
    assert (
        f"Durée de l'épreuve {minutes_text(modality.duration_minutes)} {minutes_text(granted)}"
        in text
    )
    assert f"Accordée (+ {holder.extra_time_percent} %)" in text
    assert holder.accommodations in text
    assert session.place in text
    assert "du 15 au 19 juin 2026" in text
    assert "Une pièce d'identité officielle en cours de validité" in text
    assert "Votre support écrit, préparé en 3 semaines" in text  # B1's written support


def test_a_parchemin_is_refused_when_a_registration_mention_is_missing(
    builtin: ReferentialVersion,
) -> None:
    with pytest.raises(content.MentionsMissing) as refused:
        content.registration_data(builtin)
    assert "code RNCP" in str(refused.value)
    assert "date de la décision d'enregistrement de France compétences" in str(refused.value)


def test_a_parchemin_is_refused_while_the_certifier_settings_are_incomplete(
    session: ExamSession, staff: AbstractUser, certifier: CertifierSettings
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(issue_place="", signatory_name="")
    with pytest.raises(services.DocumentRefused) as refused:
        services.generate(session, Kind.PARCHEMIN, staff)
    assert "lieu de délivrance (paramètres du certificateur)" in str(refused.value)
    assert "nom du signataire" in str(refused.value)
    assert not IssuedDocument.objects.filter(kind=Kind.PARCHEMIN).exists()


def test_a_holder_without_a_place_of_birth_is_refused_by_name_in_a_batch(
    session: ExamSession, staff: AbstractUser
) -> None:
    Candidate.objects.filter(numero="C001").update(birth_place="")
    outcome = services.generate(session, Kind.PARCHEMIN, staff)
    assert outcome.issued == []
    assert outcome.refused == [
        "C001 : Mention manquante : commune de naissance du candidat C001 (DUPONT Marie) ; "
        "complétez son identité."
    ]


def test_french_dates_and_durations() -> None:
    from datetime import date

    assert long_date(date(2026, 3, 12)) == "12 mars 2026"
    assert long_date(date(2026, 8, 1)) == "1er août 2026"
    assert minutes_text(20) == "20 minutes"
    assert minutes_text(60) == "1 heure"
    assert minutes_text(90) == "1 h 30"
    assert with_extra_time(20, 33) == 27
    assert format_score(Decimal("14.5")) == "14,50"


def test_the_parchemin_stays_on_one_page_for_a_long_identity(
    session: ExamSession, staff: AbstractUser
) -> None:
    Candidate.objects.filter(numero="C001").update(
        first_name="Marie-Christine",
        second_first_name="Éloïse",
        third_first_name="Anne-Sophie",
        birth_name="de La Rochefoucauld-Montmorency",
        usage_name="Lefèvre-Durand",
        birth_place="Saint-Rémy-de-Provence",
    )
    document = issue(Kind.PARCHEMIN, session, staff, "C001")
    assert pdf_pages(bytes(document.pdf)) == 1
    text = pdf_text(bytes(document.pdf))
    assert "DE LA ROCHEFOUCAULD-MONTMORENCY" in text
    assert "nom d’usage : LEFÈVRE-DURAND" in text


def test_the_parchemin_says_it_is_registered_by_decision_of_france_competences_director_general(
    session: ExamSession, staff: AbstractUser
) -> None:
    text = pdf_text(bytes(issue(Kind.PARCHEMIN, session, staff, "C001").pdf))
    metadata = session.referential_version.referential.metadata
    assert metadata.registration_decision_date is not None
    assert (
        "enregistrée au RNCP par décision du directeur général de France compétences en date du "
        f"{long_date(metadata.registration_decision_date)}"
    ) in text


def test_the_parchemin_gives_the_national_and_the_european_level(
    session: ExamSession, staff: AbstractUser
) -> None:
    text = pdf_text(bytes(issue(Kind.PARCHEMIN, session, staff, "C001").pdf))
    level = session.referential_version.referential.metadata.level
    assert f"niveau {level} du cadre national des certifications professionnelles" in text
    assert f"niveau {level} du cadre européen des certifications (CEC/EQF)" in text


def test_the_parchemin_prints_the_registered_title_and_no_provisional_mention(
    session: ExamSession, staff: AbstractUser
) -> None:
    document = issue(Kind.PARCHEMIN, session, staff, "C001")
    text = pdf_text(bytes(document.pdf))
    title = session.referential_version.referential.title
    assert document.data["certification"]["title"] == title
    assert f"la certification professionnelle {title} niveau" in text
    for forbidden in ("sous réserve", "en cours", "logo"):
        assert forbidden not in text.casefold()


def test_a_level_without_a_number_from_one_to_eight_is_refused_as_missing(
    ccab_registered: ReferentialVersion,
) -> None:
    metadata = ccab_registered.referential.metadata.model_copy(update={"level": "supérieur"})
    referential = ccab_registered.referential.model_copy(update={"metadata": metadata})
    version = ReferentialVersion(
        code=ccab_registered.code,
        label=ccab_registered.label,
        document=referential.model_dump(mode="json"),
    )
    with pytest.raises(content.MentionsMissing) as refused:
        content.registration_data(version)
    assert "niveau (un nombre de 1 à 8)" in str(refused.value)


def test_the_attestation_says_that_only_its_block_is_certified(
    session: ExamSession, staff: AbstractUser
) -> None:
    text = pdf_text(bytes(issue(Kind.ATTESTATION, session, staff, "C002", "B1").pdf))
    block = session.referential_version.referential.block("B1")
    only = text[text.index("Seul le bloc de compétences B1 «") :]
    # The title between the quotes, as the text layer gives it back (a line may break in it).
    assert only.index(block.title.split()[-1]) < only.index("» est certifié.")
    assert "enregistrée au RNCP par décision du directeur général de France compétences" in text
    assert "du cadre européen des certifications (CEC/EQF)" in text


def test_every_block_attestation_of_the_shipped_referential_fits_on_one_page(
    session: ExamSession, staff: AbstractUser
) -> None:
    blocks = [b for b in session.referential_version.referential.blocks if b.kind == "block"]
    assert blocks
    for block in blocks:
        document = issue(Kind.ATTESTATION, session, staff, "C001", block.code)
        assert pdf_pages(bytes(document.pdf)) == 1, block.code


def test_the_releve_prints_each_criterion_once_under_its_canonical_code(
    session: ExamSession, staff: AbstractUser
) -> None:
    text = pdf_text(bytes(issue(Kind.RELEVE, session, staff, "C001").pdf))
    referential = session.referential_version.referential
    misprinted = [
        criterion
        for block in referential.blocks
        for criterion in block.criteria
        if criterion.code_as_printed != criterion.code
    ]
    assert misprinted  # the shipped référentiel's errata E1 and E2
    for block in referential.blocks:
        sheets = max(len(block.parts), 1)
        for criterion in block.criteria:
            found = re.findall(rf"(?<!\w){re.escape(criterion.code)}(?!\w)", text)
            assert len(found) == sheets, criterion.code


def test_a_part_of_a_block_agrees_in_the_feminine() -> None:
    assert [content.part_headline("PME", status) for status in Status] == [
        "partie PME validée",
        "partie PME non validée",
        "partie PME incomplète",
        "partie PME non évaluée",
    ]


def test_the_releve_is_signed_by_the_certifiers_signatory(
    session: ExamSession, staff: AbstractUser, certifier: CertifierSettings
) -> None:
    text = pdf_text(bytes(issue(Kind.RELEVE, session, staff, "C002").pdf))
    assert f"Fait à {certifier.issue_place}, le" in text
    assert f"{certifier.signatory_name} {certifier.signatory_title}" in text


def test_a_releve_is_refused_while_the_issuer_identity_is_incomplete(
    session: ExamSession, staff: AbstractUser, certifier: CertifierSettings
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(signatory_title="")
    with pytest.raises(services.DocumentRefused) as refused:
        services.generate(session, Kind.RELEVE, staff)
    assert "qualité du signataire (paramètres du certificateur)" in str(refused.value)
    assert not IssuedDocument.objects.filter(kind=Kind.RELEVE).exists()


def test_the_minutes_are_refused_while_the_issuer_identity_is_incomplete(
    ready: Deliberation, president: AbstractUser, certifier: CertifierSettings
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(issue_place="")
    deliberations.close_deliberation(ready, president)
    assert services.minutes_document(ready) is None
    with pytest.raises(services.DocumentRefused) as refused:
        services.generate(ready.session, Kind.PV, president)
    assert "lieu de délivrance (paramètres du certificateur)" in str(refused.value)


def test_the_attestation_of_the_longest_block_stays_on_one_page_for_a_long_identity(
    session: ExamSession, staff: AbstractUser
) -> None:
    Candidate.objects.filter(numero="C001").update(
        first_name="Marie-Christine",
        second_first_name="Éloïse",
        third_first_name="Anne-Sophie",
        birth_name="de La Rochefoucauld-Montmorency",
        usage_name="Lefèvre-Durand",
        birth_place="Saint-Rémy-de-Provence",
    )
    blocks = [b for b in session.referential_version.referential.blocks if b.kind == "block"]
    longest = max(blocks, key=lambda block: sum(len(c.text) for c in block.competencies))
    document = issue(Kind.ATTESTATION, session, staff, "C001", longest.code)
    assert pdf_pages(bytes(document.pdf)) == 1
