"""Administrators' pages for the public progress page, mounted at ``areas/<slug:area_slug>/public-progress-page/``."""

from django.urls import path

from sendhub.progress import views

app_name = "progress"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("settings/", views.PageSettingsView.as_view(), name="settings"),
    path("preview/", views.PreviewView.as_view(), name="preview"),
    path("findings/<int:finding_pk>/", views.FindingWordsView.as_view(), name="finding-edit"),
    path("measures/add/", views.MeasureAddView.as_view(), name="measure-add"),
    path("measures/<int:pk>/", views.MeasureEditView.as_view(), name="measure-edit"),
    path("measures/<int:pk>/remove/", views.MeasureRemoveView.as_view(), name="measure-remove"),
]
