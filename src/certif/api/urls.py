from django.urls import path, re_path

from certif.api import docs, views
from certif.api.api import api

app_name = "api"
urlpatterns = [
    path("v1/docs/ressources/<str:name>", docs.asset, name="docs_asset"),
    path("v1/", views.root, name="root"),
    path("v1/", api.urls),
    # Any other address under the API answers in the API's format, not with an HTML page.
    re_path(r"^v1/", views.unknown, name="unknown"),
]
