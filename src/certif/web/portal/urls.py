from django.urls import include, path

from certif.web.portal import views

candidate_urls = [
    path("", views.candidate_detail, name="candidate"),
    path("identite/", views.candidate_edit, name="candidate_edit"),
    path("convocations/<str:public_id>/", views.convocation, name="convocation"),
]

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("candidats/nouveau/", views.candidate_create, name="candidate_create"),
    path("candidats/import/", views.candidates_import, name="candidates_import"),
    path("candidats/<str:numero>/", include(candidate_urls)),
    path("inscriptions/", views.enrol_page, name="enrol"),
    path("resultats/", views.results, name="results"),
    path("resultats/telecharger/", views.results_download, name="results_download"),
]
