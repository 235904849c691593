from django.urls import include, path

from certif.web.grading import views

# The sheet of one assignment, under its id.
sheet_urls = [
    path("", views.sheet, name="sheet"),
    path("apercu/", views.preview_grid, name="preview"),
]

# The reconciliation of one unit. A block without parts has no part segment: both patterns
# share the name, and views.reconcile_url picks the one that fits.
reconcile_urls = [
    path("", views.reconcile, name="reconcile"),
    path("<str:part>/", views.reconcile, name="reconcile"),
]

app_name = "grading"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("feuille/<int:assignment_id>/", include(sheet_urls)),
    path("feuilles/<int:sheet_id>/rouvrir/", views.reopen, name="reopen"),
    path("rapprochements/", views.reconciliations, name="reconciliations"),
    path(
        "rapprochement/<int:session_id>/<int:candidate_id>/<int:block_id>/",
        include(reconcile_urls),
    ),
]
