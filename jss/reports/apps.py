from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jss.reports"
    default_auto_field = "django.db.models.BigAutoField"
