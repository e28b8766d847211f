from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.web"
    label = "web"
