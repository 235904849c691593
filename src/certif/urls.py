from django.contrib import admin
from django.urls import include, path

from certif.core import views
from certif.documents.views import verify

urlpatterns = [
    path("", views.home, name="home"),
    path("comptes/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("candidats/", include("certif.candidates.urls")),
    path("sessions/", include("certif.sessions.urls")),
    path("grilles/", include("certif.grading.urls")),
    path("deliberations/", include("certif.deliberations.urls")),
    path("referentiel/", include("certif.referential.urls")),
    path("journal/", include("certif.journal.urls")),
    path("mon-espace/", include("certif.myspace.urls")),
    path("imports/", include("certif.imports.urls")),
    path("documents/", include("certif.documents.urls")),
    # Printed under every QR code: short, public, outside any namespace.
    path("verifier/<str:public_id>/", verify, name="verify"),
    path("api/", include("certif.api.urls")),
    path("admin/", admin.site.urls),
]
