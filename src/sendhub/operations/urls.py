"""Operations pages, mounted at /operations/ (namespace "operations")."""

from django.urls import path

from sendhub.operations import views

app_name = "operations"
urlpatterns = [
    path("retention/", views.RetentionRunListView.as_view(), name="retention-runs"),
]
