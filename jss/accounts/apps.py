from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jss.accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from jss.accounts.middleware import renewed_at_sign_in

        user_logged_in.connect(renewed_at_sign_in, dispatch_uid="jss.accounts.renewed_at_sign_in")
