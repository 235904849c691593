"""The Certif API (``/api/v1``): everything the web application does, for programs.

Each group of endpoints lives in ``certif.api.endpoints``; every operation declares the roles
it admits (``certif.api.auth.access``), calls the same services as the web pages, and answers
a refusal with problem details (``certif.api.problems``).
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from certif.api import problems
from certif.api.docs import LocalSwagger
from certif.api.endpoints import (
    candidates,
    cases,
    declarations,
    deliberations,
    documents,
    grading,
    imports,
    me,
    partners,
    referential,
    sessions,
    submissions,
)

DESCRIPTION = """\
API de Certif : inscrire des candidats, transmettre des notes, lire les décisions, avec les
mêmes règles et les mêmes garanties que l'application web.

**Authentification** : un jeton personnel (`Authorization: Bearer certif_…`), créé dans
l'application (page « Jetons d'API ») ou par `certif token create`, ou la session d'une personne
connectée (en-tête `X-CSRFToken` sur les requêtes qui écrivent). Un jeton porte exactement les
rôles de son compte. Sans authentification : 401 ; rôle insuffisant : 403.

**Erreurs** : au format RFC 9457 (`application/problem+json`), en français ; `errors` nomme
chaque champ en cause (`field`, `location`, `pointer`, `message`, `value`).

**Pagination** : `?limit=` (1 à 500, 50 par défaut) et `?cursor=` ; chaque page donne
l'adresse de la suivante dans `next` (null en fin de liste).

**Feuilles d'évaluation** : `GET` renvoie un `ETag` (la révision) ; `PUT` exige `If-Match`
avec cet `ETag` (428 sans, 412 si la feuille a changé) : deux clients ne peuvent jamais
écraser le travail l'un de l'autre sans le savoir. Il en va de même de la correction concertée
d'une double correction (`…/comparison` donne l'`ETag`, `…/agreed` l'exige).

**Valeurs** : des points s'écrivent en chaîne (`"2.5"` ou `"2,5"`) ou en entier (`3`), jamais
en nombre à virgule flottante ; oui/non en booléen (ou `"oui"`, `"non"`) ; un nombre entier en
entier.
"""


# What each status means, as the documentation says it.
STATUS_TEXTS = {
    200: "Réussi",
    400: "Requête illisible (corps qui n'est pas du JSON)",
    201: "Créé",
    204: "Fait, sans contenu",
    401: "Authentification requise (aucun jeton ni session, ou jeton invalide)",
    403: "Rôle insuffisant, ou ressource d'une autre personne",
    404: "Introuvable",
    409: "Refusé par les règles, dans l'état actuel",
    412: "La ressource a changé depuis la lecture (If-Match périmé)",
    413: "Requête trop volumineuse",
    422: "Données invalides : chaque champ en cause est nommé",
    428: "En-tête If-Match obligatoire",
}


class CertifAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _describe_answers(schema)
        return schema

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Function names are unique across the API (a test checks it): short, stable ids.
        return str(operation.view_func.__name__)


def _describe_answers(schema: dict[str, Any]) -> None:
    """Answers described in French, and errors as what they are: ``application/problem+json``."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                answer["description"] = STATUS_TEXTS.get(int(status), answer["description"])
                content = answer.get("content", {})
                if int(status) >= 400 and "application/json" in content:
                    content[problems.MEDIA_TYPE] = content.pop("application/json")


api = CertifAPI(
    title="Certif API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:v1",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.register(api)
for group in (
    referential,
    candidates,
    partners,
    sessions,
    grading,
    imports,
    deliberations,
    documents,
    declarations,
    submissions,
    me,
    cases,
):
    api.add_router("/", group.router)
