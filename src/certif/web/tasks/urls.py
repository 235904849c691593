from django.urls import include, path

from certif.web.tasks import views

# The pages of one job, under its id.
job_urls = [
    path("", views.detail, name="detail"),
    path("etat/", views.state, name="state"),
    path("fichier/", views.download, name="download"),
]

app_name = "tasks"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/", include(job_urls)),
]
