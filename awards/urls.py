"""URLs of the award's own pages."""
from django.urls import path

from .views import committee, home
from .views import metrics as metrics_views
from .views import reviewer as reviewer_views

urlpatterns = [
    path("", home.HomeView.as_view(), name="home"),
    path("panitia/metrik/", metrics_views.MetricsIndexView.as_view(), name="metrics"),
    path("panitia/metrik/impor/", metrics_views.MetricsImportPreviewView.as_view(), name="metrics-import"),
    path("panitia/metrik/impor/<str:token>/", metrics_views.MetricsImportConfirmView.as_view(),
         name="metrics-import-confirm"),
    path("panitia/metrik/impor/<str:token>/masalah.csv", metrics_views.MetricsImportProblemsView.as_view(),
         name="metrics-import-problems"),
    path("panitia/metrik/ekspor/", metrics_views.MetricsExportView.as_view(), name="metrics-export"),
    # Committee workspace (issue 6) and the public results page.
    path("panitia/", committee.OverviewView.as_view(), name="committee"),
    path("panitia/babak/<int:round_id>/", committee.RoundView.as_view(), name="committee-round"),
    path("panitia/babak/<int:round_id>/tahap/<int:stage_id>/<str:action>/", committee.StageActionView.as_view(),
         name="committee-stage-action"),
    path("panitia/babak/<int:round_id>/peringkat/<int:category_id>/", committee.LeaderboardView.as_view(),
         name="committee-leaderboard"),
    path("panitia/babak/<int:round_id>/peringkat/<int:category_id>/ekspor.<str:fmt>",
         committee.LeaderboardExportView.as_view(), name="committee-leaderboard-export"),
    path("panitia/babak/<int:round_id>/peringkat/<int:category_id>/nominasi/<int:nomination_id>/",
         committee.ExplanationView.as_view(), name="committee-explanation"),
    path("panitia/babak/<int:round_id>/peringkat/<int:category_id>/bekukan/", committee.FreezeView.as_view(),
         name="committee-freeze"),
    path("panitia/hasil/<int:snapshot_id>/", committee.SnapshotView.as_view(), name="committee-snapshot"),
    path("panitia/hasil/<int:snapshot_id>/isi.json", committee.SnapshotContentView.as_view(),
         name="committee-snapshot-content"),
    path("panitia/hasil/<int:snapshot_id>/terbitkan/", committee.SnapshotPublishView.as_view(),
         name="committee-snapshot-publish"),
    path("panitia/hasil/<int:snapshot_id>/koreksi/", committee.SnapshotCorrectView.as_view(),
         name="committee-snapshot-correct"),
    path("panitia/audit/", committee.AuditView.as_view(), name="committee-audit"),
    path("panitia/babak/<int:round_id>/penugasan/", committee.AssignmentsView.as_view(), name="committee-assignments"),
    path("panitia/babak/<int:round_id>/penugasan/<str:mode>/", committee.AssignmentActionView.as_view(),
         name="committee-assignment-action"),
    path("panitia/babak/<int:round_id>/kemajuan/", committee.ProgressView.as_view(), name="committee-progress"),
    path("panitia/babak/<int:round_id>/nominasi/", committee.NominationsView.as_view(), name="committee-nominations"),
    path("panitia/babak/<int:round_id>/nominasi/tambah/", committee.NominationAddView.as_view(),
         name="committee-nomination-add"),
    path("panitia/babak/<int:round_id>/nominasi/seleksi/", committee.NominationScreenView.as_view(),
         name="committee-nomination-screen"),
    path("panitia/babak/<int:round_id>/nominasi/usulan/", committee.NominationProposalsView.as_view(),
         name="committee-proposals"),
    path("hasil/", committee.PublicResultsView.as_view(), name="public-results"),
    path("hasil/<int:year>/", committee.PublicResultsView.as_view(), name="public-results-year"),
    path("penilaian/", reviewer_views.AssignmentListView.as_view(), name="reviewer-assignments"),
    path("penilaian/<int:pk>/", reviewer_views.AssignmentScoreView.as_view(), name="reviewer-assignment"),
    path("penilaian/<int:pk>/konflik/", reviewer_views.AssignmentConflictView.as_view(), name="reviewer-conflict"),
]
