from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from sendhub.web import health
from sendhub.web.client_address import is_allowed


class FormPageMixin:
    """A page that is one GOV.UK form: a heading, the form, a submit button and a cancel link back."""

    template_name = "web/form_page.html"
    page_title = ""
    submit_label = "Save"
    multipart = False

    def get_page_title(self) -> str:
        return self.page_title

    def get_back_url(self) -> str | None:
        """Where "Cancel" goes; the area's dashboard when None."""
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            page_title=self.get_page_title(),
            submit_label=self.submit_label,
            multipart=self.multipart,
            back_url=self.get_back_url(),
        )
        return context


class AccessibilityView(TemplateView):
    template_name = "web/accessibility.html"


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "web/500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token: usually a page left open too long, or cookies blocked."""
    return render(request, "web/csrf_failure.html", status=403)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitors: 200 when the database, cache and worker are fine, 503 otherwise.

    Only callers from ``SENDHUB_HEALTH_ALLOW`` see which check failed and why (the database engine, the worker's
    state): to anyone else that says what the server runs and when it is weak. A load balancer needs only the code.
    """
    healthy, checks = health.run_all()
    body: dict = {"status": "ok" if healthy else "fail"}
    if is_allowed(request, settings.SENDHUB_HEALTH_ALLOW, setting="SENDHUB_HEALTH_ALLOW"):
        body["checks"] = {name: check.as_dict() for name, check in checks.items()}
    return JsonResponse(body, status=200 if healthy else 503)
