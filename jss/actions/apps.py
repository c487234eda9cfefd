from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "jss.actions"
    default_auto_field = "django.db.models.BigAutoField"
