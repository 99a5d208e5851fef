from django.apps import AppConfig


class VoiceConfig(AppConfig):
    name = "sendhub.voice"
    label = "voice"
    verbose_name = "Parent carer voice"
