from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.cases"
    label = "cases"
