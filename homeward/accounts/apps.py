from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.accounts"
    label = "accounts"
