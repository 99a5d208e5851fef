from django.urls import path

from sendhub.forecasting import views

app_name = "sufficiency-public"
urlpatterns = [
    path("", views.PublicSufficiencyView.as_view(), name="index"),
]
