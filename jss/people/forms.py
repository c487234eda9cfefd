from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("merge", _("Same person: merge")), ("apart", _("Different persons"))], widget=forms.HiddenInput
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "krds-input"}),
        help_text=_("What made you decide, for whoever looks at this pair again."),
    )


class UnmergeForm(forms.Form):
    note = forms.CharField(
        label=_("Why the merge is undone"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "krds-input"}),
    )
