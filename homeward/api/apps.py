from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.api"
    label = "api"
