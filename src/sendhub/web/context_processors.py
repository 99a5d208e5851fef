from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict:
    return {
        "service_name": settings.SENDHUB_SERVICE_NAME,
        "demo_banner": settings.SENDHUB_DEMO_BANNER,
    }
