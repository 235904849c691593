from django.urls import path

from certif.web.casebank import views

app_name = "casebank"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("nouveau/", views.case_create, name="create"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/version/", views.case_new_version, name="new_version"),
    path("<int:pk>/retirer/", views.case_retire, name="retire"),
    path("<int:pk>/versions/<int:number>/pdf/", views.version_pdf, name="version_pdf"),
    path("sessions/<int:session_pk>/", views.session_draws, name="session"),
    path("tirages/<int:pk>/", views.drawn_case, name="drawn"),
    path("tirages/<int:pk>/pdf/", views.drawn_case_pdf, name="drawn_pdf"),
    path("tirages/<int:pk>/nouveau-tirage/", views.draw_again, name="draw_again"),
]
