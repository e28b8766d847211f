from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.movements"
    label = "movements"
