from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jss.risk.packs import Pack


class BandForm(forms.Form):
    """A professional's band, different from the computed one, with the reason."""

    band = forms.ChoiceField(label=_("Band you set"), required=False)
    reason = forms.CharField(
        label=_("Why a different band"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "krds-input"}),
        help_text=_("Your professional judgement: what the checklist does not capture. Required for a different band."),
    )

    def __init__(self, *args: Any, pack: Pack, required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        band = self.fields["band"]
        assert isinstance(band, forms.ChoiceField)
        band.choices = [("", _("— keep the computed band —")), *((b.code, str(b.label)) for b in pack.bands)]
        band.widget.attrs["class"] = "krds-form-select"
        band.required = required
        self.fields["reason"].required = required


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period is before its start."))
        return data
