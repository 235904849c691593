from django.urls import path, re_path

from certif.web.referential import views

app_name = "referential"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("matrice/", views.matrix, name="matrix"),
    path("errata/", views.errata, name="errata"),
    path("versions/", views.versions, name="versions"),
    re_path(r"^telecharger/(?P<format>json|yaml)/$", views.download, name="download"),
]
