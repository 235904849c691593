from django.urls import include, path

from certif.web.partners import views

partner_urls = [
    path("", views.partner_detail, name="detail"),
    path("modifier/", views.partner_edit, name="edit"),
    path("habilitations/nouvelle/", views.habilitation_create, name="habilitation_create"),
    path("controles/", views.audit_create, name="audit_create"),
    path("controles/<int:audit_id>/actions/", views.audit_action_create, name="audit_action"),
]

habilitation_urls = [
    path("changer/", views.habilitation_change, name="habilitation_change"),
    path("avenant/", views.habilitation_amend, name="habilitation_amend"),
    path("acte/", views.habilitation_document, name="habilitation_document"),
    path("abandonner/", views.habilitation_discard, name="habilitation_discard"),
    path("habilitation.pdf", views.habilitation_print, name="habilitation_print"),
]

app_name = "partners"
urlpatterns = [
    path("", views.partner_list, name="list"),
    path("nouveau/", views.partner_create, name="create"),
    path("liste-france-competences/", views.declaration, name="declaration"),
    path("liste-france-competences/exports/<int:pk>/", views.transmit, name="transmit"),
    path("habilitations/<str:reference>/", include(habilitation_urls)),
    path("<str:siret>/", include(partner_urls)),
]
