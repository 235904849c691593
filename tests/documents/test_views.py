"""The documents pages: who gets in, what the public verification shows, downloads and batches."""

from __future__ import annotations

import base64
import hashlib
import html
import io
import zipfile
from collections.abc import Callable

import pytest
from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from certif.core.audit import AuditEvent
from certif.core.roles import JURY, Role
from certif.deliberations import services as deliberations
from certif.deliberations.models import Deliberation
from certif.documents import services
from certif.documents.forms import MAX_SIGNATURE
from certif.documents.models import CertifierSettings, ImageFormat, IssuedDocument, Kind, Status
from certif.sessions.models import ExamSession
from certif.tasks.models import Job
from tests.support.documents import candidate, pdf_text
from tests.tasks.fixtures import run_jobs, task_files  # noqa: F401

pytestmark = pytest.mark.django_db

ClientFor = Callable[..., Client]
REASON = "Erreur de saisie de la date de naissance."


def parchemin(session: ExamSession, actor: AbstractUser) -> IssuedDocument:
    return services.issue(services.Subject(Kind.PARCHEMIN, session, candidate("C001")), actor)


def others(*allowed: Role) -> list[Role]:
    return [role for role in Role if role not in allowed]


# -- access ------------------------------------------------------------------------------------


@pytest.fixture
def document(session: ExamSession, staff: AbstractUser) -> IssuedDocument:
    return parchemin(session, staff)


def staff_pages(
    session: ExamSession, document: IssuedDocument
) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("get", reverse("documents:session", args=[session.pk]), {}),
        ("get", reverse("documents:timetable", args=[session.pk]), {}),
        ("get", reverse("documents:settings"), {}),
        ("get", reverse("documents:batch", args=[session.pk]) + "?nature=parchemin", {}),
        ("post", reverse("documents:generate", args=[session.pk]), {"nature": "releve"}),
        ("get", reverse("documents:detail", args=[document.public_id]), {}),
        (
            "post",
            reverse("documents:revoke", args=[document.public_id]),
            {"revocation-motif": REASON},
        ),
        (
            "post",
            reverse("documents:reissue", args=[document.public_id]),
            {"reedition-motif": REASON},
        ),
        ("post", reverse("documents:timetable", args=[session.pk]), {"B1-jour": "2026-06-15"}),
        ("post", reverse("documents:settings"), {"legal_name": "Autre", "issue_place": "Lyon"}),
        ("post", reverse("documents:send_convocations", args=[session.pk]), {"confirmed": "1"}),
    ]


def call(client: Client, method: str, url: str, data: dict[str, str]) -> int:
    response = client.post(url, data) if method == "post" else client.get(url)
    return response.status_code


def test_staff_pages_let_gestionnaires_in(
    session: ExamSession, document: IssuedDocument, client_for: ClientFor
) -> None:
    for method, url, data in staff_pages(session, document)[:6]:
        assert call(client_for(Role.STAFF), method, url, data) == (
            302 if method == "post" else 200
        ), url


@pytest.mark.parametrize("role", others(Role.STAFF))
def test_staff_pages_refuse_every_other_role(
    role: Role, session: ExamSession, document: IssuedDocument, client_for: ClientFor
) -> None:
    for method, url, data in staff_pages(session, document):
        assert call(client_for(role), method, url, data) == 403, url
    assert IssuedDocument.objects.get(pk=document.pk).status == Status.VALID


def test_anonymous_visitors_are_sent_to_the_login_page(
    session: ExamSession, closed: Deliberation, document: IssuedDocument
) -> None:
    pages = [
        *staff_pages(session, document),
        ("get", reverse("documents:download", args=[document.public_id]), {}),
        ("get", reverse("documents:minutes", args=[closed.pk]), {}),
    ]
    for method, url, data in pages:
        response = Client().post(url, data) if method == "post" else Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_the_verification_page_is_public(document: IssuedDocument, client_for: ClientFor) -> None:
    url = reverse("verify", args=[document.public_id])
    assert Client().get(url).status_code == 200
    for role in Role:
        assert client_for(role).get(url).status_code == 200


@pytest.mark.parametrize("role", [Role.STAFF, *JURY])
def test_the_archived_minutes_are_for_gestionnaires_and_the_jury(
    role: Role, closed: Deliberation, client_for: ClientFor
) -> None:
    response = client_for(role).get(reverse("documents:minutes", args=[closed.pk]))
    assert response.status_code == 200
    archived = services.minutes_document(closed)
    assert archived is not None
    assert response.content == bytes(archived.pdf)
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("role", others(Role.STAFF, *JURY))
def test_the_archived_minutes_are_refused_to_everyone_else(
    role: Role, closed: Deliberation, client_for: ClientFor
) -> None:
    assert client_for(role).get(reverse("documents:minutes", args=[closed.pk])).status_code == 403


def test_a_candidate_sees_nothing_of_the_jury_s_decision_before_its_publication(
    document: IssuedDocument, client_for: ClientFor
) -> None:
    own = client_for(Role.CANDIDATE, "C001")
    assert own.get(reverse("documents:download", args=[document.public_id])).status_code == 403
    page = own.get(reverse("myspace:home")).content.decode()
    assert document.public_id not in page


def test_a_candidate_downloads_their_own_valid_documents_only(
    document: IssuedDocument, closed: Deliberation, client_for: ClientFor, staff: AbstractUser
) -> None:
    deliberations.publish_results(closed, staff)
    url = reverse("documents:download", args=[document.public_id])
    own = client_for(Role.CANDIDATE, "C001")
    response = own.get(url)
    assert response.status_code == 200
    assert response.content == bytes(document.pdf)
    assert 'filename="parchemin-C001.pdf"' in response["Content-Disposition"]
    assert client_for(Role.CANDIDATE).get(url).status_code == 403
    services.revoke(document, staff, REASON)
    assert own.get(url).status_code == 403


@pytest.mark.parametrize("role", [Role.EVALUATOR, *JURY])
def test_one_document_is_refused_to_other_roles(
    role: Role, document: IssuedDocument, client_for: ClientFor
) -> None:
    response = client_for(role).get(reverse("documents:download", args=[document.public_id]))
    assert response.status_code == 403


def test_a_jury_member_downloads_the_minutes_by_their_number(
    closed: Deliberation, client_for: ClientFor
) -> None:
    archived = services.minutes_document(closed)
    assert archived is not None
    url = reverse("documents:download", args=[archived.public_id])
    assert client_for(Role.JURY_MEMBER).get(url).status_code == 200
    assert client_for(Role.STAFF).get(url).status_code == 200


# -- verification ------------------------------------------------------------------------------


def test_the_verification_page_shows_the_status_title_holder_and_date_and_nothing_more(
    document: IssuedDocument,
) -> None:
    response = Client().get(reverse("verify", args=[document.public_id.lower()]))
    page = response.content.decode()
    holder = candidate("C001")
    assert "valide" in page
    assert document.title in page.replace("&#x27;", "'")
    assert document.holder_name in page
    assert document.sha256 in page
    for private in (holder.numero, "Saint-Étienne", "1990", "12/03"):
        assert private not in page, private


def test_the_verification_page_says_when_a_document_is_revoked(
    document: IssuedDocument, staff: AbstractUser
) -> None:
    services.revoke(document, staff, REASON)
    page = Client().get(reverse("verify", args=[document.public_id])).content.decode()
    assert "révoqué" in page
    assert "il n'est plus valide" in page
    assert REASON not in page


def test_the_verification_page_points_to_the_document_that_supersedes(
    document: IssuedDocument, staff: AbstractUser
) -> None:
    new = services.reissue(document, staff, REASON)
    page = Client().get(reverse("verify", args=[document.public_id])).content.decode()
    assert "remplacé" in page
    assert reverse("verify", args=[new.public_id]) in page
    assert new.number in page


def test_an_unknown_number_is_not_found(db: None) -> None:
    response = Client().get(reverse("verify", args=["AAAAAAAAAAAAAAAA"]))
    assert response.status_code == 404
    assert "Aucun document délivré ne porte le numéro" in response.content.decode()


def test_the_number_as_printed_with_its_dashes_in_any_case_is_found(
    document: IssuedDocument,
) -> None:
    for typed in (document.number, document.number.lower()):
        response = Client().get(reverse("verify", args=[typed]))
        assert response.status_code == 200, typed
        assert document.holder_name in response.content.decode()


def test_the_verification_form_leads_from_the_number_typed_to_its_document(
    document: IssuedDocument,
) -> None:
    typed = f" {document.number.lower()} "
    response = Client().get(reverse("verify_number"), {"numero": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("verify", args=[document.public_id])


def test_the_verification_page_offers_a_form_for_the_number(db: None) -> None:
    response = Client().get(reverse("verify_number"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'method="get"' in page
    assert 'name="numero"' in page


def test_a_number_of_the_wrong_shape_is_refused_by_the_form(db: None) -> None:
    response = Client().get(reverse("verify_number"), {"numero": "ABCD-EFGH"})
    assert response.status_code == 400
    assert "compte 16 lettres et chiffres" in response.content.decode()


def test_an_unknown_number_offers_the_form_again(db: None) -> None:
    response = Client().get(reverse("verify", args=["AAAA-AAAA-AAAA-AAAA"]))
    assert response.status_code == 404
    assert 'name="numero"' in response.content.decode()


def test_a_file_is_compared_with_the_archived_one(document: IssuedDocument) -> None:
    url = reverse("verify", args=[document.public_id])
    same = Client().post(url, {"fichier": SimpleUploadedFile("a.pdf", bytes(document.pdf))})
    assert "Le fichier est identique au document délivré." in same.content.decode()
    forged = Client().post(
        url, {"fichier": SimpleUploadedFile("a.pdf", bytes(document.pdf) + b" ")}
    )
    assert "n'est pas celui qui a été délivré" in forged.content.decode()


# -- a session's documents ---------------------------------------------------------------------


def test_the_session_page_lists_what_can_be_produced_and_what_has_been(
    session: ExamSession, document: IssuedDocument, client_for: ClientFor
) -> None:
    page = client_for(Role.STAFF).get(reverse("documents:session", args=[session.pk]))
    text = page.content.decode()
    assert "Parchemin" in text
    assert "Relevé de notes" in text
    assert document.number in text
    assert "Produire 2 documents" in text  # two relevés


def test_one_click_produces_a_kind_of_documents_through_the_worker(
    session: ExamSession,
    client_for: ClientFor,
    run_jobs: Callable[[], int],  # noqa: F811
) -> None:
    client = client_for(Role.STAFF)
    asked = client.post(reverse("documents:generate", args=[session.pk]), {"nature": "releve"})
    job = Job.objects.get()
    assert asked["Location"] == reverse("tasks:detail", args=[job.pk])
    assert run_jobs() == 1
    page = client.get(asked["Location"]).content.decode()
    assert "2 documents produits, 0 déjà délivrés." in page
    assert IssuedDocument.objects.filter(kind=Kind.RELEVE, session=session).count() == 2


def test_convocations_for_a_session_already_held_are_confirmed_first(
    session: ExamSession, client_for: ClientFor
) -> None:
    client = client_for(Role.STAFF)
    url = reverse("documents:generate", args=[session.pk])
    asked = client.post(url, {"nature": "convocation"})
    assert "est terminée" in asked.content.decode()
    assert not Job.objects.exists()
    client.post(url, {"nature": "convocation", "confirmed": "1"})
    assert Job.objects.filter(kind="documents.generate").count() == 1


def test_documents_that_follow_a_jury_are_refused_before_it_closes(
    later: ExamSession, client_for: ClientFor
) -> None:
    client = client_for(Role.STAFF)
    response = client.post(
        reverse("documents:generate", args=[later.pk]), {"nature": "parchemin"}, follow=True
    )
    assert "Aucune délibération close" in response.content.decode()
    assert not Job.objects.exists()


def test_the_batch_downloads_as_a_zip_of_the_archived_files(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    outcome = services.generate(session, Kind.CONVOCATION, staff, acknowledged=True)
    response = client_for(Role.STAFF).get(
        reverse("documents:batch", args=[session.pk]) + "?nature=convocation"
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == ["convocation-C001.pdf", "convocation-C002.pdf"]
    by_name = {f"convocation-{d.candidate.numero}.pdf": d for d in outcome.issued if d.candidate}
    for name, document in by_name.items():
        assert archive.read(name) == bytes(document.pdf)


def test_revoking_from_the_page_needs_a_reason(
    document: IssuedDocument, client_for: ClientFor
) -> None:
    client = client_for(Role.STAFF)
    url = reverse("documents:revoke", args=[document.public_id])
    refused = client.post(url, {"revocation-motif": "court"})
    assert refused.status_code == 400
    assert 'role="alert"' in refused.content.decode()
    done = client.post(url, {"revocation-motif": REASON, "confirmed": "1"})
    assert done.status_code == 302
    assert IssuedDocument.objects.get(pk=document.pk).status == Status.REVOKED


def test_revoking_from_the_page_first_says_what_will_happen(
    document: IssuedDocument, client_for: ClientFor
) -> None:
    url = reverse("documents:revoke", args=[document.public_id])
    asked = client_for(Role.STAFF).post(url, {"revocation-motif": REASON})
    page = asked.content.decode()
    assert asked.status_code == 200
    assert "ne sera plus valide" in page
    assert REASON in page
    assert 'name="confirmed" value="1"' in page
    assert IssuedDocument.objects.get(pk=document.pk).status == Status.VALID


def test_reissuing_from_the_page_leads_to_the_new_document(
    document: IssuedDocument, client_for: ClientFor
) -> None:
    response = client_for(Role.STAFF).post(
        reverse("documents:reissue", args=[document.public_id]), {"reedition-motif": REASON}
    )
    new = IssuedDocument.objects.get(replaces=document)
    assert response["Location"] == reverse("documents:detail", args=[new.public_id])


def test_mon_espace_and_the_candidate_page_link_to_the_documents(
    document: IssuedDocument, closed: Deliberation, client_for: ClientFor, staff: AbstractUser
) -> None:
    deliberations.publish_results(closed, staff)
    download = reverse("documents:download", args=[document.public_id])
    own = client_for(Role.CANDIDATE, "C001").get(reverse("myspace:home")).content.decode()
    assert download in own
    page = client_for(Role.STAFF).get(reverse("candidates:detail", args=[candidate("C001").pk]))
    assert download in page.content.decode()


def test_a_candidate_downloads_their_convocation_before_any_deliberation(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    subject = services.Subject(Kind.CONVOCATION, session, candidate("C002"))
    convocation = services.issue(subject, staff)
    own = client_for(Role.CANDIDATE, "C002")
    url = reverse("documents:download", args=[convocation.public_id])
    assert own.get(url).status_code == 200
    assert url in own.get(reverse("myspace:home")).content.decode()


# -- the certifier's settings ------------------------------------------------------------------


def settings_form(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "legal_name": "Institut de la Banque",
        "address": "3 place de la Bourse\n69002 Lyon",
        "issue_place": "Lyon",
        "signatory_name": "Anne Morel",
        "signatory_title": "Présidente",
        "public_url": "https://certif.example.fr",
    }
    data.update(changes)
    return data


def test_a_gestionnaire_sets_the_certifier_s_identity_and_the_journal_keeps_the_change(
    session: ExamSession, client_for: ClientFor
) -> None:
    response = client_for(Role.STAFF).post(reverse("documents:settings"), settings_form())
    assert response.status_code == 302
    stored = CertifierSettings.load()
    assert (stored.legal_name, stored.issue_place) == ("Institut de la Banque", "Lyon")
    event = AuditEvent.objects.filter(action="certifier.settings").latest("pk")
    assert event.after["signatory_name"] == "Anne Morel"


def test_the_next_parchemin_prints_the_new_signatory(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    client_for(Role.STAFF).post(
        reverse("documents:settings"), settings_form(signatory_name="Bérénice Étienne")
    )
    assert "Bérénice Étienne" in pdf_text(bytes(parchemin(session, staff).pdf))


def test_a_signature_that_is_not_an_image_is_refused_on_the_page(
    session: ExamSession, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("signature.png", b"pas une image")
    response = client_for(Role.STAFF).post(
        reverse("documents:settings"), settings_form(signature_file=upload)
    )
    assert response.status_code == 400
    assert "La signature doit être une image PNG, JPEG ou SVG." in response.content.decode()
    assert CertifierSettings.load().signature_format == ""


# A 3×2 grey JPEG.
JPEG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4"
    "UG1RV19iZ2hnPk1xeXBkeFxlZ2P/wAALCAACAAMBAREA/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QA"
    "tRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0"
    "NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2"
    "t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/9oACAEBAAA/APP6/9k="
)


def test_a_jpeg_signature_is_stored_journalled_and_printed(
    session: ExamSession, staff: AbstractUser, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("signature.jpg", JPEG)
    response = client_for(Role.STAFF).post(
        reverse("documents:settings"), settings_form(signature_file=upload)
    )
    assert response.status_code == 302
    assert CertifierSettings.load().signature_format == ImageFormat.JPEG
    event = AuditEvent.objects.filter(action="certifier.settings").latest("pk")
    assert event.after["signature_sha256"] == hashlib.sha256(JPEG).hexdigest()
    printed = parchemin(session, staff).data["certifier"]["signatory"]["signature"]
    assert 'width="3" height="2"' in printed
    assert "data:image/jpeg;base64," in printed


def test_a_truncated_jpeg_signature_is_refused_on_the_page(
    session: ExamSession, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("signature.jpg", JPEG[:40])
    response = client_for(Role.STAFF).post(
        reverse("documents:settings"), settings_form(signature_file=upload)
    )
    assert response.status_code == 400
    assert "L'image de la signature est illisible" in html.unescape(response.content.decode())
    assert CertifierSettings.load().signature_format == ""


def test_a_signature_over_the_size_limit_is_refused_on_the_page(
    session: ExamSession, client_for: ClientFor
) -> None:
    upload = SimpleUploadedFile("signature.jpg", JPEG + b"\0" * MAX_SIGNATURE)
    response = client_for(Role.STAFF).post(
        reverse("documents:settings"), settings_form(signature_file=upload)
    )
    assert response.status_code == 400
    assert CertifierSettings.load().signature_format == ""


def test_the_settings_page_lists_the_forbidden_mentions_it_finds(
    session: ExamSession, client_for: ClientFor
) -> None:
    staff = client_for(Role.STAFF)
    staff.post(
        reverse("documents:settings"), settings_form(signatory_title="Directeur sous réserve")
    )
    page = html.unescape(staff.get(reverse("documents:settings")).content.decode())
    assert "Mentions interdites sur les documents" in page
    assert "qualité du signataire : « sous réserve »" in page


def test_the_settings_page_says_nothing_of_a_clean_identity(
    session: ExamSession, client_for: ClientFor
) -> None:
    page = client_for(Role.STAFF).get(reverse("documents:settings")).content.decode()
    assert "Mentions interdites" not in page


def test_minutes_not_yet_established_lead_back_to_the_deliberation_with_the_reason(
    ready: Deliberation,
    president: AbstractUser,
    certifier: CertifierSettings,
    client_for: ClientFor,
) -> None:
    CertifierSettings.objects.filter(pk=certifier.pk).update(signatory_name="")
    deliberations.close_deliberation(ready, president)
    response = client_for(Role.STAFF).get(
        reverse("documents:minutes", args=[ready.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("deliberations:detail", args=[ready.pk])
    page = html.unescape(response.content.decode())
    assert "n'est pas encore établi" in page
    assert "nom du signataire (paramètres du certificateur)" in page
