from django.urls import path

from certif.web.declarations import views

app_name = "declarations"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("parametres/", views.settings_view, name="settings"),
    path("flux/", views.generate, name="generate"),
    path("flux/<uuid:flux_id>/", views.flux_file, name="flux_file"),
    path("flux/<uuid:flux_id>/depose/", views.deposited, name="deposited"),
    path("rapport/", views.report, name="report"),
    path("corrections/", views.correction, name="correction"),
    path("corrections/<int:pk>/traitee/", views.correction_answered, name="correction_answered"),
]
