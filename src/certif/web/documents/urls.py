from django.urls import path

from certif.web.documents import views

app_name = "documents"
urlpatterns = [
    path("parametres/", views.certifier_settings, name="settings"),
    path("sessions/<int:session_id>/", views.session_documents, name="session"),
    path("sessions/<int:session_id>/produire/", views.generate, name="generate"),
    path("sessions/<int:session_id>/lot/", views.batch, name="batch"),
    path(
        "sessions/<int:session_id>/envoyer-convocations/",
        views.send_convocations_view,
        name="send_convocations",
    ),
    path("sessions/<int:session_id>/horaires/", views.session_timetable, name="timetable"),
    path("deliberations/<int:deliberation_id>/proces-verbal/", views.minutes, name="minutes"),
    path("document/<str:public_id>/", views.detail, name="detail"),
    path("document/<str:public_id>/telecharger/", views.download, name="download"),
    path("document/<str:public_id>/revoquer/", views.revoke, name="revoke"),
    path("document/<str:public_id>/reediter/", views.reissue, name="reissue"),
]
