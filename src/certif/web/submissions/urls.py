from django.urls import path

from certif.web.submissions import views

app_name = "submissions"
urlpatterns = [
    path("fichiers/<int:deposit_id>/", views.deposit_file, name="file"),
    path("fichiers/<int:deposit_id>/accuse.pdf", views.receipt, name="receipt"),
    path("sujets/", views.subjects, name="subjects"),
    path("sujets/<int:subject_id>/", views.subject, name="subject"),
    path("sessions/<int:session_id>/manquants/", views.missing, name="missing"),
    path(
        "sessions/<int:session_id>/prolongations/<int:candidate_id>/<str:code>/",
        views.extension,
        name="extension",
    ),
]
