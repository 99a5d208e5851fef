from django.urls import include, path

from sendhub.accounts.views import HomeView

urlpatterns = [
    path("api/oruk/v3/", include("sendhub.directory.oruk.urls")),
    path("", HomeView.as_view(), name="home"),  # the front door: who you are decides where you land
    path("", include("sendhub.web.urls")),
    path("accounts/", include("sendhub.accounts.urls")),
    path("areas/<slug:area_slug>/", include("sendhub.improvement.urls")),
    path("areas/<slug:area_slug>/", include("sendhub.accounts.area_urls")),
    path("areas/<slug:area_slug>/", include("sendhub.outcomes.urls")),
    path("areas/<slug:area_slug>/local-offer/", include("sendhub.directory.urls")),
    path("areas/<slug:area_slug>/have-your-say/", include("sendhub.voice.urls_public")),
    path("areas/<slug:area_slug>/surveys/", include("sendhub.voice.urls_surveys")),
    path("areas/<slug:area_slug>/voice/", include("sendhub.voice.urls_staff")),
    path("areas/<slug:area_slug>/you-said-we-did/", include("sendhub.voice.urls_ysd")),
    path("areas/<slug:area_slug>/reports/", include("sendhub.reports.urls")),
    path("monitoring/", include("sendhub.reports.urls_monitor")),
    path("operations/", include("sendhub.operations.urls")),
    path("areas/<slug:area_slug>/board/", include("sendhub.governance.urls")),
    path("areas/<slug:area_slug>/inspection/", include("sendhub.inspection.urls")),
    path("areas/<slug:area_slug>/sufficiency/", include("sendhub.forecasting.urls")),
    path("areas/<slug:area_slug>/planning-school-places/", include("sendhub.forecasting.urls_public")),
    path("areas/<slug:area_slug>/how-we-are-improving/", include("sendhub.progress.urls_public")),
    path("areas/<slug:area_slug>/public-progress-page/", include("sendhub.progress.urls")),
]

handler403 = "sendhub.web.views.permission_denied"
handler404 = "sendhub.web.views.page_not_found"
handler500 = "sendhub.web.views.server_error"
