from django.urls import path

from certif.web.tokens import views

app_name = "tokens"
urlpatterns = [
    path("", views.tokens, name="list"),
    path("<int:pk>/revoquer/", views.revoke, name="revoke"),
]
