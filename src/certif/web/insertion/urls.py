from django.urls import path

from certif.web.insertion import views

app_name = "insertion"
urlpatterns = [
    path("", views.rates, name="rates"),
    path("graphique.svg", views.chart, name="chart"),
    path("envoyer/", views.send, name="send"),
]
