from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.audit"
    label = "audit"
