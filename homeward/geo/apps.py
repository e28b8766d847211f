from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.geo"
    label = "geo"
