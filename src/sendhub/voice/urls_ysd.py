"""The public "You said, we did" page (no sign-in), mounted by the project at
``areas/<slug:area_slug>/you-said-we-did/``."""

from django.urls import path

from sendhub.voice import views_staff as views

app_name = "you-said-we-did"
urlpatterns = [
    path("", views.PublicYouSaidWeDidView.as_view(), name="index"),
]
