from django.urls import path

from sendhub.improvement import views

app_name = "improvement"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("inspections/", views.InspectionListView.as_view(), name="inspection-list"),
    path("inspections/new/", views.InspectionCreateView.as_view(), name="inspection-create"),
    path("inspections/<int:pk>/", views.InspectionDetailView.as_view(), name="inspection-detail"),
    path("inspections/<int:pk>/edit/", views.InspectionEditView.as_view(), name="inspection-edit"),
    path("inspections/<int:pk>/report/", views.InspectionReportView.as_view(), name="inspection-report"),
    path("inspections/<int:pk>/findings/new/", views.FindingCreateView.as_view(), name="finding-create"),
    path("findings/", views.FindingListView.as_view(), name="finding-list"),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding-detail"),
    path("findings/<int:pk>/edit/", views.FindingEditView.as_view(), name="finding-edit"),
    path("findings/<int:pk>/judgements/new/", views.JudgementCreateView.as_view(), name="judgement-create"),
    path("actions/", views.ActionListView.as_view(), name="action-list"),
    path("actions/new/", views.ActionCreateView.as_view(), name="action-create"),
    path("actions/<int:pk>/", views.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action-edit"),
    path("actions/<int:pk>/updates/new/", views.ProgressUpdateCreateView.as_view(), name="update-create"),
    path("actions/<int:pk>/milestones/new/", views.MilestoneCreateView.as_view(), name="milestone-create"),
    path(
        "actions/<int:pk>/milestones/<int:milestone_pk>/edit/",
        views.MilestoneEditView.as_view(),
        name="milestone-edit",
    ),
    path("actions/<int:pk>/comments/new/", views.CommentCreateView.as_view(), name="comment-create"),
    path(
        "actions/<int:pk>/evidence/<int:evidence_pk>/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("my-actions/", views.MyActionsView.as_view(), name="my-actions"),
    path("export/plan.csv", views.PlanExportCsvView.as_view(), name="export-csv"),
    path("export/plan.xlsx", views.PlanExportXlsxView.as_view(), name="export-xlsx"),
]
