from django.urls import path

from certif.web.deliberations import views

app_name = "deliberations"
urlpatterns = [
    path("", views.deliberation_list, name="list"),
    path("sessions/<int:session_id>/ouvrir/", views.open_view, name="open"),
    path("sessions/<int:session_id>/acte-modificatif/", views.amend_view, name="amend"),
    path("<int:pk>/", views.detail, name="detail"),
    path(
        "<int:pk>/candidats/<int:candidate_id>/confirmer/",
        views.confirm_row_view,
        name="confirm",
    ),
    path(
        "<int:pk>/candidats/<int:candidate_id>/modifier/",
        views.override_view,
        name="override",
    ),
    path("<int:pk>/tout-confirmer/", views.confirm_all_view, name="confirm_all"),
    path("<int:pk>/membres/", views.add_member_view, name="add_member"),
    path("<int:pk>/membres/<int:member_id>/presence/", views.presence_view, name="presence"),
    path(
        "<int:pk>/membres/<int:member_id>/retirer/",
        views.remove_member_view,
        name="remove_member",
    ),
    path("<int:pk>/membres/<int:member_id>/recuser/", views.recuse_view, name="recuse"),
    path(
        "<int:pk>/recusations/<int:recusal_id>/lever/",
        views.withdraw_recusal_view,
        name="withdraw_recusal",
    ),
    path("<int:pk>/cloturer/", views.close_view, name="close"),
    path("<int:pk>/publier/", views.publish_view, name="publish"),
]
