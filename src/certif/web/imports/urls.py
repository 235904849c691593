from django.urls import path, re_path

from certif.web.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("<int:pk>/", views.report, name="report"),
    path("<int:pk>/annuler/", views.revert, name="revert"),
    re_path(
        r"^modeles/(?P<kind>candidats|notes)\.(?P<fmt>csv|xlsx)$", views.template, name="template"
    ),
    re_path(
        r"^exports/(?P<kind>candidates|scores|results)\.(?P<fmt>csv|xlsx)$",
        views.export_file,
        name="export",
    ),
]
