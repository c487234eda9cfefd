"""Forms of the joint council's pages. Choices are passed in as loaded objects, so rendering never queries;
the rules themselves are the services' (jss.joint.services)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jss.institutions.models import Institution
from jss.joint.models import JointAgendaItem, JointMeeting, PolicyDecision
from jss.joint.queries import RegisterFilters
from jss.joint.services import DecisionData, FollowUpData, ItemData, MeetingData
from jss.reports.sections import Section

INPUT = {"class": "krds-input"}
SELECT = {"class": "krds-form-select"}
DATE = {"type": "date", "class": "krds-input"}


def _date_field(label: Any, *, required: bool = False, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"),
        error_messages={"invalid": _("Give a date.")}, **kwargs,
    )  # fmt: skip


class InstitutionsField(forms.MultipleChoiceField):
    """A choice of institutions already loaded; `institutions(cleaned)` gives the objects back."""

    widget = forms.CheckboxSelectMultiple

    def set_institutions(self, institutions: Sequence[Institution]) -> None:
        self.objects = {str(i.pk): i for i in institutions}
        self.choices = [(str(i.pk), i.name) for i in institutions]

    def institutions(self, values: Sequence[str]) -> list[Institution]:
        return [self.objects[pk] for pk in values if pk in self.objects]


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=JointMeeting.Kind.choices, widget=forms.Select(attrs=SELECT))
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", **INPUT}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={"required": _("Give the date and time of the meeting.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), initial=120, widget=forms.NumberInput(attrs=INPUT)
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT))
    video_link = forms.URLField(
        label=_("Video link"), required=False, assume_scheme="https", widget=forms.URLInput(attrs=INPUT)
    )
    invited = InstitutionsField(
        label=_("Invited institutions"), required=False,
        help_text=_("Every member institution is invited (its head gets the invitation); untick those not invited."),
    )  # fmt: skip

    def __init__(self, *args: Any, institutions: Sequence[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invited_field.set_institutions(institutions)

    @property
    def invited_field(self) -> InstitutionsField:
        field = self.fields["invited"]
        assert isinstance(field, InstitutionsField)
        return field

    def meeting_data(self) -> MeetingData:
        data = self.cleaned_data
        return MeetingData(
            kind=data.get("kind", ""), starts_at=data.get("starts_at"), place=data.get("place") or "",
            video_link=data.get("video_link") or "", invited=self.invited_field.institutions(data.get("invited", [])),
            duration_minutes=data.get("duration_minutes") or 120,
        )  # fmt: skip


class ItemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=JointAgendaItem.Kind.choices, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(
        label=_("Title"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT),
        help_text=_("No names or other personal data: a case review is titled by its theme."),
    )  # fmt: skip
    period_start = _date_field(_("Report period from"))
    period_end = _date_field(_("Report period to"))

    def item_data(self) -> ItemData:
        data = self.cleaned_data
        return ItemData(
            kind=data.get("kind", ""), title=data.get("title", ""), period_start=data.get("period_start"),
            period_end=data.get("period_end"),
        )  # fmt: skip


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("agenda item", "Outcome"),
        choices=JointAgendaItem.Outcome.choices,
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    note = forms.CharField(
        label=_("Discussion note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2, **INPUT})
    )


class DecisionForm(forms.Form):
    """A decision of the council: recorded at a meeting, or edited by the secretariat (with `version`)."""

    item = forms.ChoiceField(label=_("On agenda item"), required=False, widget=forms.Select(attrs=SELECT))
    title = forms.CharField(
        label=_("Title"), max_length=200, widget=forms.TextInput(attrs=INPUT),
        error_messages={"required": _("Give the decision a short title.")},
    )  # fmt: skip
    text = forms.CharField(
        label=_("What was decided"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, **INPUT}),
        error_messages={"required": _("Write what the council decided.")},
    )  # fmt: skip
    owners = InstitutionsField(label=_("Owner institutions"), required=False)
    due_on = _date_field(_("Due date"), required=True)
    section = forms.ChoiceField(
        label=_("Report section that motivated it"), required=False,
        choices=[("", _("None")), *Section.choices], widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    period_start = _date_field(_("Report period from"))
    period_end = _date_field(_("Report period to"))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        institutions: Sequence[Institution] = (),
        items: Sequence[JointAgendaItem] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["due_on"].error_messages["required"] = _("Give the due date.")
        owners = self.fields["owners"]
        assert isinstance(owners, InstitutionsField)
        owners.set_institutions(institutions)
        self.items = {str(item.pk): item for item in items or ()}
        if items is None:
            del self.fields["item"]
        else:
            item_field = self.fields["item"]
            assert isinstance(item_field, forms.ChoiceField)
            item_field.choices = [("", _("None")), *((str(i.pk), f"{i.position}. {i.title}") for i in items)]

    def decision_data(self) -> DecisionData:
        data = self.cleaned_data
        owners = self.fields["owners"]
        assert isinstance(owners, InstitutionsField)
        return DecisionData(
            title=data.get("title", ""), text=data.get("text", ""), owners=owners.institutions(data.get("owners", [])),
            due_on=data.get("due_on"), section=data.get("section", ""), period_start=data.get("period_start"),
            period_end=data.get("period_end"), item=self.items.get(data.get("item") or ""),
        )  # fmt: skip


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=PolicyDecision.Status.choices, widget=forms.Select(attrs=SELECT)
    )
    text = forms.CharField(
        label=pgettext_lazy("policy decision", "What happened"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, **INPUT}),
        help_text=_("Needed when nothing else changes, and to say what was done or why it is dropped."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def follow_up_data(self) -> FollowUpData:
        return FollowUpData(status=self.cleaned_data["status"], text=self.cleaned_data.get("text", ""))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 16, **INPUT}))
    version = forms.IntegerField(widget=forms.HiddenInput)


class RegisterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False,
        choices=[("", _("All")), ("unfinished", _("Not finished")), *PolicyDecision.Status.choices],
        widget=forms.Select(attrs=SELECT),
    )  # fmt: skip
    owner = forms.ChoiceField(label=_("Owner institution"), required=False, widget=forms.Select(attrs=SELECT))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, institutions: Sequence[Institution] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        assert isinstance(owner, forms.ChoiceField)
        owner.choices = [("", _("All")), *((str(i.pk), i.name) for i in institutions)]

    def filters(self) -> RegisterFilters:
        if not self.is_valid():
            return RegisterFilters()
        owner = self.cleaned_data.get("owner") or ""
        return RegisterFilters(
            status=self.cleaned_data.get("status") or "", owner=int(owner) if owner.isdigit() else None,
            overdue=bool(self.cleaned_data.get("overdue")),
        )  # fmt: skip
