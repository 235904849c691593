from django.urls import include, path

from certif.web.sessions import views

# The pages of one session, under its id.
session_urls = [
    path("", views.session_detail, name="detail"),
    path("modifier/", views.session_edit, name="edit"),
    path("inscriptions/", views.session_enrol, name="enrol"),
    path("affectations/", views.session_assign, name="assign"),
    path("supprimer/", views.session_delete, name="delete"),
    path("inscriptions/<int:enrolment>/retirer/", views.enrolment_remove, name="remove_enrolment"),
]

app_name = "sessions"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("nouvelle/", views.session_create, name="create"),
    path("<int:pk>/", include(session_urls)),
]
