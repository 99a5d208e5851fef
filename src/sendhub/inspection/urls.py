from django.urls import path

from sendhub.inspection import views

app_name = "inspection"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("inspections/<int:pk>/set-up-plans/", views.PlansSetUpView.as_view(), name="plans-set-up"),
    path("plans/<int:pk>/", views.PlanEditView.as_view(), name="plan-edit"),
    path("expected/<int:pk>/", views.ActivityEditView.as_view(), name="activity-edit"),
    path("self-evaluation/new/", views.SelfEvaluationCreateView.as_view(), name="sef-create"),
    path("self-evaluation/<int:pk>/", views.SelfEvaluationDetailView.as_view(), name="sef-detail"),
    path("self-evaluation/<int:pk>/readiness/", views.ReadinessView.as_view(), name="sef-readiness"),
    path(
        "self-evaluation/<int:pk>/export.html",
        views.SelfEvaluationExportView.as_view(file_format="html"),
        name="sef-export-html",
    ),
    path(
        "self-evaluation/<int:pk>/export.pdf",
        views.SelfEvaluationExportView.as_view(file_format="pdf"),
        name="sef-export-pdf",
    ),
    path(
        "self-evaluation/<int:pk>/export.xlsx",
        views.SelfEvaluationExportView.as_view(file_format="xlsx"),
        name="sef-export-xlsx",
    ),
    path("self-evaluation/<int:pk>/criteria/<int:entry_pk>/", views.EntryEditView.as_view(), name="entry-edit"),
    path(
        "self-evaluation/<int:pk>/criteria/<int:entry_pk>/partner-view/",
        views.PartnerViewEditView.as_view(),
        name="partner-view-edit",
    ),
    path(
        "self-evaluation/<int:pk>/criteria/<int:entry_pk>/evidence/new/",
        views.EvidenceAddView.as_view(),
        name="evidence-add",
    ),
    path(
        "self-evaluation/<int:pk>/criteria/<int:entry_pk>/evidence/<int:link_pk>/remove/",
        views.EvidenceRemoveView.as_view(),
        name="evidence-remove",
    ),
    path("ehc-plan-audits/<int:pk>/", views.AuditRoundView.as_view(), name="audit-round"),
]
