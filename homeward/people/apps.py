from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.people"
    label = "people"
