from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ProposeForm(forms.Form):
    note = forms.CharField(
        label=_("Note for the working council"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "krds-input"}),
        help_text=_("Why the case should be discussed. No names: the council sees the case itself."),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for dismissing"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "krds-input"}),
    )
