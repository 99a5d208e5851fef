"""The public progress page (no sign-in), mounted at ``areas/<slug:area_slug>/how-we-are-improving/``."""

from django.urls import path

from sendhub.progress import views

app_name = "progress-public"
urlpatterns = [
    path("", views.PublicProgressView.as_view(), name="index"),
]
