from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sendhub.web"
    label = "web"
    verbose_name = "Layout and shared pages"
