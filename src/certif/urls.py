from django.contrib import admin
from django.urls import include, path

from certif.web import views
from certif.web.accounts import views as accounts
from certif.web.documents.views import verify, verify_number

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Django's password pages, saving through Certif's service (journalled, tokens revoked);
    # the reset refused while mail would stay on the server. Before Django's own, same names.
    path("comptes/password_change/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path("comptes/password_reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "comptes/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("comptes/blocages/", include("certif.web.accounts.urls")),
    path("comptes/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("candidats/", include("certif.web.candidates.urls")),
    path("partenaires/", include("certif.web.partners.urls")),
    path("organisme/", include("certif.web.portal.urls")),
    path("sessions/", include("certif.web.sessions.urls")),
    path("grilles/", include("certif.web.grading.urls")),
    path("cas/", include("certif.web.casebank.urls")),
    path("deliberations/", include("certif.web.deliberations.urls")),
    path("referentiel/", include("certif.web.referential.urls")),
    path("journal/", include("certif.web.journal.urls")),
    path("statistiques/", include("certif.web.stats.urls")),
    path("mon-espace/", include("certif.web.myspace.urls")),
    path("imports/", include("certif.web.imports.urls")),
    path("documents/", include("certif.web.documents.urls")),
    path("depots/", include("certif.web.submissions.urls")),
    path("declaration-cdc/", include("certif.web.declarations.urls")),
    path("api/jetons/", include("certif.web.tokens.urls")),
    path("taches/", include("certif.web.tasks.urls")),
    path("statistiques/insertion/", include("certif.web.insertion.urls")),
    # The holders' personal links (e-mailed): short, public.
    path("enquete/", include("certif.web.insertion.public_urls")),
    # Printed under every QR code: short, public, outside any namespace.
    path("verifier/", verify_number, name="verify_number"),
    path("verifier/<str:public_id>/", verify, name="verify"),
    path("api/", include("certif.api.urls")),
    path("admin/", admin.site.urls),
]
