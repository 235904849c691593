from django.urls import include, path

from certif.web.declarations import views

# The pages of one generated flux, under its id.
flux_urls = [
    path("", views.flux_file, name="flux_file"),
    path("depose/", views.deposited, name="deposited"),
]

app_name = "declarations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("parametres/", views.settings_view, name="settings"),
    path("flux/", views.generate, name="generate"),
    path("flux/<uuid:flux_id>/", include(flux_urls)),
    path("rapport/", views.report, name="report"),
    path("corrections/", views.correction, name="correction"),
    path("corrections/<int:pk>/traitee/", views.correction_answered, name="correction_answered"),
]
