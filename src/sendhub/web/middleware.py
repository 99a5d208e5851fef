"""Every request gets an id (the load balancer's, when it sends a sensible one) that each log line carries and the
response returns in ``X-Request-ID``, so one request can be followed from the balancer through the app's logs."""

from __future__ import annotations

import logging
import re
import time
import uuid

from sendhub.logs import request_id_var

logger = logging.getLogger("sendhub.request")
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class HealthzMiddleware:
    """Answer ``/healthz`` before host checks, HTTPS redirects and sessions: a load balancer probes each server by
    its internal address, over plain HTTP, with no cookies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == "/healthz" and request.method in {"GET", "HEAD"}:
            from sendhub.web.views import healthz

            return healthz(request)
        return self.get_response(request)


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _ACCEPTABLE_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            self._log(request, response.status_code, started)
            return response
        finally:
            request_id_var.reset(token)

    @staticmethod
    def _log(request, status: int, started: float) -> None:
        match = getattr(request, "resolver_match", None)
        user = getattr(request, "user", None)
        logger.info(
            "%s %s %s",
            request.method,
            f"/{match.route}" if match else "(no route)",
            status,
            extra={
                "method": request.method,
                # The URL pattern, not the path: paths and query strings can hold postcodes and references.
                "route": match.route if match else None,
                "view": match.view_name if match else None,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
