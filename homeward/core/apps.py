from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.core"
    label = "core"
