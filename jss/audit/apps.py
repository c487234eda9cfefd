from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jss.audit"
    default_auto_field = "django.db.models.BigAutoField"
