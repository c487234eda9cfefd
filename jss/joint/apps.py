from django.apps import AppConfig


class JointConfig(AppConfig):
    name = "jss.joint"
    default_auto_field = "django.db.models.BigAutoField"
