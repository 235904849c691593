from django.urls import path

from certif.web.journal import views

app_name = "journal"
urlpatterns = [
    path("", views.journal_list, name="list"),
    path("export.<str:fmt>", views.journal_export, name="export"),
]
