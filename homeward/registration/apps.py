from django.apps import AppConfig


class Config(AppConfig):
    name = "homeward.registration"
    label = "registration"

    def ready(self) -> None:
        from homeward.cases.requirements import register_requirements

        from .checklist import unmet_for_transitions

        register_requirements(unmet_for_transitions)
