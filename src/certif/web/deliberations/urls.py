from django.urls import URLPattern, URLResolver, include, path

from certif.web.deliberations import views

# The acts on one candidate's row, under the candidate's id.
row_urls = [
    path("confirmer/", views.confirm_row_view, name="confirm"),
    path("modifier/", views.override_view, name="override"),
]

# The acts on one member of the jury, under the member's id.
member_urls = [
    path("presence/", views.presence_view, name="presence"),
    path("retirer/", views.remove_member_view, name="remove_member"),
    path("recuser/", views.recuse_view, name="recuse"),
]

# The pages and acts of one deliberation, under its id.
deliberation_urls: list[URLPattern | URLResolver] = [
    path("", views.detail, name="detail"),
    path("candidats/<int:candidate_id>/", include(row_urls)),
    path("tout-confirmer/", views.confirm_all_view, name="confirm_all"),
    path("membres/", views.add_member_view, name="add_member"),
    path("membres/<int:member_id>/", include(member_urls)),
    path(
        "recusations/<int:recusal_id>/lever/",
        views.withdraw_recusal_view,
        name="withdraw_recusal",
    ),
    path("cloturer/", views.close_view, name="close"),
    path("publier/", views.publish_view, name="publish"),
    path("export.<str:fmt>", views.export_view, name="export"),
]

app_name = "deliberations"
urlpatterns = [
    path("", views.deliberation_list, name="list"),
    path("sessions/<int:session_id>/ouvrir/", views.open_view, name="open"),
    path("sessions/<int:session_id>/acte-modificatif/", views.amend_view, name="amend"),
    path("<int:pk>/", include(deliberation_urls)),
]
