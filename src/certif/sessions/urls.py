from django.urls import path  # noqa: F401  (pages come with the web application issue)

app_name = "sessions"
urlpatterns: list[object] = []
