"""The ORUK API, included by the project at ``api/oruk/v3/`` (namespace ``oruk``)."""

from django.urls import path, re_path

from sendhub.directory.oruk import views

app_name = "oruk"

urlpatterns = [
    path("", views.api_details, name="api_details"),
    path("openapi.json", views.openapi, name="openapi"),
    path("services", views.services, name="services"),
    path("services/<str:id>", views.service, name="service"),
    path("taxonomies", views.taxonomies, name="taxonomies"),
    path("taxonomies/<str:id>", views.taxonomy, name="taxonomy"),
    path("taxonomy_terms", views.taxonomy_terms, name="taxonomy_terms"),
    path("taxonomy_terms/<str:id>", views.taxonomy_term, name="taxonomy_term"),
    path("organizations", views.organizations, name="organizations"),
    path("organizations/<str:id>", views.organization, name="organization"),
    path("service_at_locations", views.service_at_locations, name="service_at_locations"),
    path("service_at_locations/<str:id>", views.service_at_location, name="service_at_location"),
    re_path(r"^(?P<path>.*)$", views.not_found, name="not_found"),
]
