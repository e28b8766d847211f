from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.arrivals"
    label = "arrivals"
