from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "jss.risk"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jss.risk import checks  # noqa: F401 (registers the pack check)
