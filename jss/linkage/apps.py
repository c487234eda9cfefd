from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "jss.linkage"
    default_auto_field = "django.db.models.BigAutoField"
