from django.apps import AppConfig


class RepeatsConfig(AppConfig):
    name = "jss.repeats"
    default_auto_field = "django.db.models.BigAutoField"
