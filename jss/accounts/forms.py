from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    # One message for every failure, so the form never tells whether an account exists.
    error_messages = {
        "invalid_login": _("The username or password is not correct. Check both and try again."),
        "inactive": _("The username or password is not correct. Check both and try again."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "class": "krds-input"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password", "class": "krds-input"})


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "krds-input"


def username_attempted(form: forms.Form) -> str:
    return str(form.data.get("username", ""))[:150]
