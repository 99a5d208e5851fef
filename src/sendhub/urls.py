from django.urls import include, path

urlpatterns = [
    path("", include("sendhub.web.urls")),
    path("accounts/", include("sendhub.accounts.urls")),
    path("areas/<slug:area_slug>/", include("sendhub.improvement.urls")),
    path("areas/<slug:area_slug>/", include("sendhub.accounts.area_urls")),
    path("areas/<slug:area_slug>/", include("sendhub.outcomes.urls")),
]

handler403 = "sendhub.web.views.permission_denied"
handler404 = "sendhub.web.views.page_not_found"
handler500 = "sendhub.web.views.server_error"
