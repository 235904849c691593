from django.urls import path

from certif.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.lockouts, name="lockouts"),
    path("lever/", views.lift, name="lift"),
]
