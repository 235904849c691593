from django.urls import path

from certif.web.myspace import deposits, views

app_name = "myspace"
urlpatterns = [
    path("", views.home, name="home"),
    path("depots/", deposits.deposits, name="deposits"),
    path("depots/<int:session_id>/<str:code>/", deposits.deposit, name="deposit"),
    path("sujet/", deposits.subject, name="subject"),
]
