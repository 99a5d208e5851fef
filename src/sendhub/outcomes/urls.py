from django.urls import path

from sendhub.improvement.models import Action, Finding
from sendhub.outcomes import views, views_reconcile

app_name = "outcomes"
urlpatterns = [
    path("outcomes/", views.OutcomesDashboardView.as_view(), name="dashboard"),
    path("outcomes/measures/<slug:measure>/", views.MeasureDetailView.as_view(), name="measure-detail"),
    path("outcomes/deadlines/", views.DeadlineTrackerView.as_view(), name="deadlines"),
    path("outcomes/benchmarks/", views.BenchmarkView.as_view(), name="benchmarks"),
    path("outcomes/reconcile/", views_reconcile.ReconcileView.as_view(), name="reconcile"),
    path("outcomes/returns/", views.Sen2ReturnListView.as_view(), name="return-list"),
    path("outcomes/returns/upload/", views.Sen2UploadView.as_view(), name="return-upload"),
    path("outcomes/returns/<int:pk>/", views.Sen2ReturnDetailView.as_view(), name="return-detail"),
    path("outcomes/manual/", views.ManualMeasureListView.as_view(), name="manual-measure-list"),
    path("outcomes/manual/new/", views.ManualMeasureCreateView.as_view(), name="manual-measure-create"),
    path("outcomes/manual/<int:pk>/", views.ManualMeasureDetailView.as_view(), name="manual-measure-detail"),
    path("outcomes/manual/<int:pk>/upload/", views.ManualMeasureUploadView.as_view(), name="manual-measure-upload"),
    path(
        "actions/<int:pk>/success-measures/new/",
        views.SuccessMeasureCreateView.as_view(linked_model=Action),
        name="action-success-measure-create",
    ),
    path(
        "findings/<int:pk>/success-measures/new/",
        views.SuccessMeasureCreateView.as_view(linked_model=Finding),
        name="finding-success-measure-create",
    ),
    path(
        "outcomes/success-measures/<int:pk>/remove/",
        views.SuccessMeasureRemoveView.as_view(),
        name="success-measure-remove",
    ),
]
