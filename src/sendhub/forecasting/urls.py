from django.urls import path

from sendhub.forecasting import views

app_name = "forecasting"
urlpatterns = [
    path("", views.SufficiencyView.as_view(), name="sufficiency"),
    path("every-area/", views.NationalView.as_view(), name="national"),
    path("places/", views.CapacityView.as_view(), name="capacity"),
    path("scap-forecast.xlsx", views.ScapExportView.as_view(), name="scap-xlsx"),
]
