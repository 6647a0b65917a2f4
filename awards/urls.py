"""URLs of the award's own pages."""
from django.urls import path

from .views import home
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
    path("penilaian/", reviewer_views.AssignmentListView.as_view(), name="reviewer-assignments"),
    path("penilaian/<int:pk>/", reviewer_views.AssignmentScoreView.as_view(), name="reviewer-assignment"),
    path("penilaian/<int:pk>/konflik/", reviewer_views.AssignmentConflictView.as_view(), name="reviewer-conflict"),
]
