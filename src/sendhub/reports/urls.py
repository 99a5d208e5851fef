from django.urls import path

from sendhub.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.ReportListView.as_view(), name="report-list"),
    path("new/", views.ReportCreateView.as_view(), name="report-create"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report-detail"),
    path("<int:pk>/edit/", views.ReportEditView.as_view(), name="report-edit"),
    path("<int:pk>/delete/", views.ReportDeleteView.as_view(), name="report-delete"),
    path("<int:pk>/submit/", views.ReportStepView.as_view(), {"step": "submit"}, name="report-submit"),
    path("<int:pk>/return/", views.ReportStepView.as_view(), {"step": "return"}, name="report-return"),
    path("<int:pk>/sign-off/", views.ReportStepView.as_view(), {"step": "sign-off"}, name="report-sign-off"),
    path("<int:pk>/issue/", views.ReportStepView.as_view(), {"step": "issue"}, name="report-issue"),
    path("<int:pk>/pack.pdf", views.ReportDownloadView.as_view(), {"format": "pdf"}, name="report-pdf"),
    path("<int:pk>/data-annex.xlsx", views.ReportDownloadView.as_view(), {"format": "xlsx"}, name="report-xlsx"),
    path("<int:pk>/pack.html", views.ReportDownloadView.as_view(), {"format": "html"}, name="report-html"),
    path("risks/", views.RiskListView.as_view(), name="risk-list"),
    path("risks/new/", views.RiskCreateView.as_view(), name="risk-create"),
    path("risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk-detail"),
    path("risks/<int:pk>/edit/", views.RiskEditView.as_view(), name="risk-edit"),
]
