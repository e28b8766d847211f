from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.movements"
    label = "movements"

    def ready(self) -> None:
        from homeward.cases.requirements import register_requirements

        from .services import unmet_for_booking

        register_requirements(unmet_for_booking)
