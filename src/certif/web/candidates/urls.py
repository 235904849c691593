from django.urls import include, path

from certif.web.candidates import views

# The pages of one candidate, under its id.
candidate_urls = [
    path("", views.candidate_detail, name="detail"),
    path("identite/", views.candidate_edit, name="edit"),
    path("liens/", views.candidate_conflict, name="conflict"),
    path("nir/", views.candidate_nir, name="nir"),
]

app_name = "candidates"
urlpatterns = [
    path("", views.candidate_list, name="list"),
    path("nouveau/", views.candidate_create, name="create"),
    path("<int:pk>/", include(candidate_urls)),
]
