from django.apps import AppConfig


class RepeatsConfig(AppConfig):
    name = "jss.repeats"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jss.repeats import checks  # noqa: F401 (registers the rule-file check)
