from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.consent"
    label = "consent"
