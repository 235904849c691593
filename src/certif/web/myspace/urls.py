from django.urls import path

from certif.web.myspace import views

app_name = "myspace"
urlpatterns = [
    path("", views.home, name="home"),
]
