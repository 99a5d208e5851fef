from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "sendhub.directory"
    label = "directory"
    verbose_name = "Local Offer directory (Open Referral UK)"
