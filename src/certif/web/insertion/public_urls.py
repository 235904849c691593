"""The holders' survey form: public, reached by the personal link only."""

from django.urls import path

from certif.web.insertion import views

app_name = "insertion_survey"
urlpatterns = [
    path("merci/", views.thanks, name="thanks"),
    path("<str:token>/", views.answer, name="answer"),
]
