from django.urls import path

from certif.web.sessions import views

app_name = "sessions"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("nouvelle/", views.session_create, name="create"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/modifier/", views.session_edit, name="edit"),
    path("<int:pk>/inscriptions/", views.session_enrol, name="enrol"),
    path("<int:pk>/affectations/", views.session_assign, name="assign"),
    path("<int:pk>/supprimer/", views.session_delete, name="delete"),
    path(
        "<int:pk>/inscriptions/<int:enrolment>/retirer/",
        views.enrolment_remove,
        name="remove_enrolment",
    ),
]
