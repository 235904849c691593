from django.urls import path

from certif.web.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.statistics_page, name="page"),
    path("export.<str:kind>", views.statistics_export, name="export"),
]
