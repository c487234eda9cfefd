from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jss.council.causes import current_factors
from jss.council.models import AgendaItem
from jss.institutions.models import Institution

INPUT = {"class": "krds-input"}
SELECT = {"class": "krds-form-select"}


class ScheduleForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", **INPUT}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), initial=90, widget=forms.NumberInput(attrs=INPUT)
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT))
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", widget=forms.URLInput(attrs=INPUT)
    )
    invited = forms.MultipleChoiceField(
        label=_("Invited institutions"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The institutions taking part in the cases on the agenda are ticked; add others as needed."),
    )  # fmt: skip

    def __init__(self, *args: Any, institutions: Sequence[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institutions = {str(i.pk): i for i in institutions}
        field = self.fields["invited"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(i.pk), i.name) for i in institutions]

    def invited_institutions(self) -> list[Institution]:
        return [self.institutions[pk] for pk in self.cleaned_data.get("invited", []) if pk in self.institutions]


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("What your institution knows about this case"), max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, **INPUT}),
    )  # fmt: skip


class FindingsForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=AgendaItem.Decision.choices, widget=forms.Select(attrs=SELECT), required=False
    )
    causes = forms.MultipleChoiceField(label=_("Causes"), required=False, widget=forms.CheckboxSelectMultiple)
    risk_rating = forms.ChoiceField(
        label=_("Risk re-rating"), choices=AgendaItem.Rating.choices, required=False, widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(
        label=_("Discussion note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2, **INPUT})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["causes"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(factor.code, str(factor)) for factor in current_factors()]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 14, **INPUT}))
    version = forms.IntegerField(widget=forms.HiddenInput)
