from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.arrivals"
    label = "arrivals"

    def ready(self) -> None:
        from homeward.cases.requirements import register_requirements

        from .reception import unmet_for_transitions
        from .secondary import unmet_for_secondary_close

        register_requirements(unmet_for_transitions)
        register_requirements(unmet_for_secondary_close)
