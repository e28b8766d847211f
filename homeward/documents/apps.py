from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.documents"
    label = "documents"
