from django.urls import path

from sendhub.reports import views_monitor

app_name = "monitoring"
urlpatterns = [
    path("", views_monitor.MonitoringOverviewView.as_view(), name="overview"),
]
