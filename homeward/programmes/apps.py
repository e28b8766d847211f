from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.programmes"
    label = "programmes"
