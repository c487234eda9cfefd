"""Forms of the action pages. Choices are passed in as loaded objects, so rendering never queries; the
rules themselves are the services' (jss.actions.services)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jss.actions.models import Action
from jss.actions.queries import AddChoices
from jss.actions.services import ActionData, EditData, UpdateData

INPUT = {"class": "krds-input"}
SELECT = {"class": "krds-form-select"}
DATE = {"type": "date", "class": "krds-input"}
FOLLOWS_INSTITUTION = {**SELECT, "data-follows": "institution"}  # see GroupedSelect


class GroupedSelect(forms.Select):
    """A select whose options say which group they belong to (`data-group`: the group's id), so that
    static/jss/choices.js can offer only the chosen institution's people and services."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.group_of: dict[str, str] = {}  # option value -> group id

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.group_of:
            option["attrs"]["data-group"] = self.group_of[str(value)]
        return option


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects already loaded, optionally in groups (label, objects); cleans to the object."""

    def __init__(self, *, blank: str = "—", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank = blank
        self.objects: dict[str, Any] = {}

    def set_objects(self, objects: Sequence[Any] = (), *, groups: Sequence[tuple[Any, Sequence[Any]]] = ()) -> None:
        self.objects = {str(item.pk): item for item in objects}
        choices: list[Any] = [("", self.blank), *((str(item.pk), str(item)) for item in objects)]
        group_of: dict[str, str] = {}
        for label, members in groups:
            if members:
                self.objects |= {str(item.pk): item for item in members}
                choices.append((str(label), [(str(item.pk), _label(item)) for item in members]))
                group_of |= {str(item.pk): str(label.pk) for item in members}
        self.choices = choices
        if isinstance(self.widget, GroupedSelect):
            self.widget.group_of = group_of

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.objects.get(str(value)) if value else None


def _label(item: Any) -> str:
    full_name = getattr(item, "get_full_name", None)
    return str(full_name()) if callable(full_name) else str(item)


class ActionForm(forms.Form):
    """A new action on a case: who does what by when."""

    institution = ObjectChoiceField(
        label=_("Responsible institution"),
        widget=forms.Select(attrs=SELECT),
        error_messages={
            "required": _("Choose the institution responsible for the action."),
            "invalid_choice": _("Choose an institution taking part in this case: only they can be asked to act."),
        },
    )
    responsible = ObjectChoiceField(
        label=_("Responsible person"), required=False, widget=GroupedSelect(attrs=FOLLOWS_INSTITUTION),
        help_text=_("Optional: a caseworker of the institution. Without one, its JSS contacts get the reminders."),
    )  # fmt: skip
    service = ObjectChoiceField(
        label=_("Service from the directory"), required=False, widget=GroupedSelect(attrs=FOLLOWS_INSTITUTION),
        help_text=_("A service of the responsible institution, or describe it in words below."),
    )  # fmt: skip
    service_text = forms.CharField(
        label=_("Service in words"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT),
        help_text=_("When the directory has no fitting service. No names here."),
    )  # fmt: skip
    description = forms.CharField(
        label=_("What exactly"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3, **INPUT}),
        error_messages={"required": _("Say what exactly is to be done.")},
        help_text=_("Only institutions that see the case in full read this."),
    )  # fmt: skip
    due_on = forms.DateField(
        label=_("Due date"), widget=forms.DateInput(attrs=DATE),
        error_messages={"required": _("Give the due date."), "invalid": _("Give the due date as a date.")},
    )  # fmt: skip

    def __init__(self, *args: Any, choices: AddChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].set_objects(choices.institutions)  # type: ignore[attr-defined]
        self.fields["responsible"].set_objects(groups=choices.persons)  # type: ignore[attr-defined]
        self.fields["service"].set_objects(groups=choices.services)  # type: ignore[attr-defined]

    def action_data(self) -> ActionData:
        data = self.cleaned_data
        return ActionData(
            institution=data.get("institution"), due_on=data.get("due_on"), description=data.get("description", ""),
            responsible=data.get("responsible"), service=data.get("service"),
            service_text=data.get("service_text", ""),
        )  # fmt: skip


class EditForm(ActionForm):
    """A change to an open action: what, by when, who, with the reason. The responsible institution stays."""

    reason = forms.CharField(
        label=_("Why it changes"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2, **INPUT}),
        error_messages={"required": _("Say why the action changes: the responsible institution reads it.")},
        help_text=_("Kept in the action's updates. No names here."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, choices: AddChoices, institution_id: int, **kwargs: Any) -> None:
        own = AddChoices(
            institutions=[i for i in choices.institutions if i.pk == institution_id],
            persons=[(i, people) for i, people in choices.persons if i.pk == institution_id],
            services=[(i, offered) for i, offered in choices.services if i.pk == institution_id],
        )
        super().__init__(*args, choices=own, **kwargs)
        del self.fields["institution"]

    @classmethod
    def initial_for(cls, action: Action) -> dict[str, Any]:
        return {
            "due_on": action.due_on, "description": action.description, "service_text": action.service_text,
            "responsible": str(action.responsible_id or ""), "service": str(action.service_id or ""),
            "version": action.version,
        }  # fmt: skip

    def edit_data(self) -> EditData:
        data = self.cleaned_data
        return EditData(
            due_on=data.get("due_on"), description=data.get("description", ""), responsible=data.get("responsible"),
            service=data.get("service"), service_text=data.get("service_text", ""), reason=data.get("reason", ""),
        )  # fmt: skip


class UpdateForm(forms.Form):
    """Progress on an action: a status, what happened, and the evidence when it is done."""

    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices, widget=forms.Select(attrs=SELECT))
    text = forms.CharField(
        label=pgettext_lazy("support action", "What happened"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, **INPUT}),
    )
    evidence = forms.CharField(
        label=pgettext_lazy("support action", "Evidence"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **INPUT}),
        help_text=_("What shows it was done (e.g. the date of the first session, a record number). Needed for done."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)

    def update_data(self) -> UpdateData:
        return UpdateData(
            status=self.cleaned_data["status"], text=self.cleaned_data.get("text", ""),
            evidence=self.cleaned_data.get("evidence", ""),
        )  # fmt: skip
