from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demonstration data: `manage.py seed_demo` and the synthetic people the benchmark uses."""

    name = "homeward.demo"
    label = "demo"
    verbose_name = "Demonstration data"
