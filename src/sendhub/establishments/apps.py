from django.apps import AppConfig


class EstablishmentsConfig(AppConfig):
    name = "sendhub.establishments"
    label = "establishments"
    verbose_name = "Establishments: schools and colleges from Get Information About Schools"
