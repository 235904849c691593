from django.urls import path

from certif.web.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/etat/", views.state, name="state"),
    path("<int:pk>/fichier/", views.download, name="download"),
]
