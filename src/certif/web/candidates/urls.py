from django.urls import path

from certif.web.candidates import views

app_name = "candidates"
urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("nouveau/", views.candidate_create, name="create"),
    path("<int:pk>/", views.candidate_detail, name="detail"),
    path("<int:pk>/identite/", views.candidate_edit, name="edit"),
    path("<int:pk>/liens/", views.candidate_conflict, name="conflict"),
    path("<int:pk>/nir/", views.candidate_nir, name="nir"),
]
