from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jss.cases"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from jss.cases import checks  # noqa: F401 (registers the legal-bases file check)
