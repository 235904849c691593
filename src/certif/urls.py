from django.contrib import admin
from django.urls import include, path

from certif.web import views
from certif.web.documents.views import verify, verify_number

urlpatterns = [
    path("", views.home, name="home"),
    path("comptes/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("candidats/", include("certif.web.candidates.urls")),
    path("sessions/", include("certif.web.sessions.urls")),
    path("grilles/", include("certif.web.grading.urls")),
    path("deliberations/", include("certif.web.deliberations.urls")),
    path("referentiel/", include("certif.web.referential.urls")),
    path("journal/", include("certif.web.journal.urls")),
    path("mon-espace/", include("certif.web.myspace.urls")),
    path("imports/", include("certif.web.imports.urls")),
    path("documents/", include("certif.web.documents.urls")),
    path("declaration-cdc/", include("certif.web.declarations.urls")),
    path("api/jetons/", include("certif.web.tokens.urls")),
    path("taches/", include("certif.web.tasks.urls")),
    # Printed under every QR code: short, public, outside any namespace.
    path("verifier/", verify_number, name="verify_number"),
    path("verifier/<str:public_id>/", verify, name="verify"),
    path("api/", include("certif.api.urls")),
    path("admin/", admin.site.urls),
]
