from django.urls import path

from certif.web.grading import views

app_name = "grading"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("feuille/<int:assignment_id>/", views.sheet, name="sheet"),
    path("feuille/<int:assignment_id>/apercu/", views.preview_grid, name="preview"),
    path("feuilles/<int:sheet_id>/rouvrir/", views.reopen, name="reopen"),
    path("rapprochements/", views.reconciliations, name="reconciliations"),
    # A block without parts has no part segment: both patterns share the name, and
    # views.reconcile_url picks the one that fits.
    path(
        "rapprochement/<int:session_id>/<int:candidate_id>/<int:block_id>/",
        views.reconcile,
        name="reconcile",
    ),
    path(
        "rapprochement/<int:session_id>/<int:candidate_id>/<int:block_id>/<str:part>/",
        views.reconcile,
        name="reconcile",
    ),
]
