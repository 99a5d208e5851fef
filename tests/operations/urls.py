"""The project's URLs plus the operations pages, for as long as ``sendhub/urls.py`` does not mount them itself."""

from django.urls import NoReverseMatch, include, path, reverse

from sendhub.urls import handler403, handler404, handler500  # noqa: F401 - the same error pages
from sendhub.urls import urlpatterns as _project

urlpatterns = list(_project)
try:
    reverse("operations:retention-runs", urlconf="sendhub.urls")
except NoReverseMatch:
    urlpatterns.append(path("operations/", include("sendhub.operations.urls")))
