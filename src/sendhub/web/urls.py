from django.urls import path

from sendhub.web import views

app_name = "web"
urlpatterns = [
    path("accessibility", views.AccessibilityView.as_view(), name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
]
