"""Forms of the case pages. Choices (institutions, stations, statutory bases) are passed in as lists, so
rendering a form never queries; the rules themselves are the services' (jss.cases.services)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from jss.cases.bases import LegalBasis, current_bases
from jss.cases.models import Case, CasePerson, ContactLog, Nomination, Share
from jss.cases.services import ContactData, ShareData
from jss.institutions.models import Institution
from jss.lib.widgets import LongSelect
from jss.people.models import Person
from jss.regions.models import PoliceStation

INPUT = {"class": "krds-input"}
SELECT = {"class": "krds-form-select"}
DATE = {"type": "date", "class": "krds-input"}


class ObjectChoiceField(forms.ChoiceField):
    """A choice among objects already loaded (by id); cleans to the object itself."""

    def __init__(self, *, objects: Sequence[Any] = (), blank: str = "—", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.set_objects(objects, blank=blank)

    def set_objects(self, objects: Sequence[Any], *, blank: str = "—") -> None:
        self.objects = {str(item.pk): item for item in objects}
        self.choices = [("", blank), *((str(item.pk), str(item)) for item in objects)]

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        return self.objects.get(str(value)) if value else None


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Case.Status.choices],
        widget=forms.Select(attrs={**SELECT, "onchange": "this.form.submit()"}),
    )  # fmt: skip


class NominateForm(forms.Form):
    """Reasons, a note, each person's role in the case and, when no station covers the place, the council."""

    reasons = forms.MultipleChoiceField(
        label=_("Reasons"), choices=Nomination.Reason.choices, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Give at least one reason.")},
    )  # fmt: skip
    note = forms.CharField(
        label=_("Note for the working council"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, **INPUT}),
        help_text=_("What the council should know. Only institutions that see the case in full read it."),
    )  # fmt: skip

    def __init__(
        self, *args: Any, persons: Sequence[tuple[Person, str]], stations: Sequence[PoliceStation] | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.persons = list(persons)
        roles = [("", _("Not in the case")), *CasePerson.Role.choices]
        for person, role in self.persons:
            self.fields[f"role_{person.pk}"] = forms.ChoiceField(
                label=_("Role in the case"), choices=roles, required=False, initial=role,
                widget=forms.Select(attrs=SELECT),
            )  # fmt: skip
        if stations is not None:
            self.fields["station"] = ObjectChoiceField(
                label=_("Working council"), objects=stations, widget=forms.Select(attrs=SELECT),
                help_text=_("No police station covers the place: choose the working council that discusses the case."),
                error_messages={"required": _("Choose the working council.")},
            )  # fmt: skip

    def person_rows(self) -> list[tuple[Person, forms.BoundField]]:
        return [(person, self[f"role_{person.pk}"]) for person, _role in self.persons]

    def chosen_persons(self) -> list[tuple[Person, str]]:
        return [
            (person, self.cleaned_data[f"role_{person.pk}"])
            for person, _role in self.persons
            if self.cleaned_data.get(f"role_{person.pk}")
        ]


class BasisForm(forms.Form):
    """The legal basis of a share and its scope. The fields are optional here: the service's check
    (services.check_share) says what is missing, next to each field."""

    basis = forms.ChoiceField(
        label=_("Legal basis"), required=False, choices=Share.Basis.choices, widget=forms.RadioSelect
    )
    statute = forms.ChoiceField(label=_("Statutory basis"), required=False, widget=forms.RadioSelect)
    consent_given_by = forms.CharField(
        label=_("Consent given by"), required=False, max_length=200, widget=forms.TextInput(attrs=INPUT),
        help_text=_("For example: the victim in writing, or the child's parent."),
    )  # fmt: skip
    consent_given_on = forms.DateField(label=_("Consent given on"), required=False, widget=forms.DateInput(DATE))
    consent_scope = forms.CharField(
        label=_("What the consent covers"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, **INPUT}),
    )  # fmt: skip
    consent_until = forms.DateField(
        label=_("Consent valid until"), required=False, widget=forms.DateInput(DATE),
        help_text=_("Leave empty when the consent has no end date. Sharing stops at once after it."),
    )  # fmt: skip
    scope = forms.ChoiceField(
        label=_("Scope"), required=False, choices=Share.Scope.choices, initial=Share.Scope.FULL,
        widget=forms.RadioSelect,
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.bases: list[LegalBasis] = current_bases()
        statute = self.fields["statute"]
        assert isinstance(statute, forms.ChoiceField)
        statute.choices = [(basis.code, str(basis)) for basis in self.bases]

    def statute_choices(self) -> list[tuple[LegalBasis, bool]]:
        """The bases with whether each is the one chosen (the template draws each with its summary)."""
        chosen = self["statute"].value()
        return [(basis, basis.code == chosen) for basis in self.bases]

    def share_data(self, institution: Institution) -> ShareData:
        data = self.cleaned_data
        return ShareData(
            institution=institution,
            basis=data.get("basis") or "",
            scope=data.get("scope") or "",
            statute=data.get("statute") or "",
            consent_given_by=data.get("consent_given_by") or "",
            consent_given_on=data.get("consent_given_on"),
            consent_scope=data.get("consent_scope") or "",
            consent_until=data.get("consent_until"),
        )


class ShareForm(BasisForm):
    institution = ObjectChoiceField(
        label=_("Institution"), widget=LongSelect(attrs=SELECT),  # every active institution: 500 nationally
        error_messages={"required": _("Choose the institution to add.")},
    )  # fmt: skip
    field_order = ["institution"]

    def __init__(self, *args: Any, institutions: Sequence[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, ObjectChoiceField)
        field.set_objects(institutions)


class AcceptForm(BasisForm):
    lead_institution = ObjectChoiceField(
        label=_("Lead institution"), widget=LongSelect(attrs=SELECT),
        help_text=_("Another institution than your station needs a legal basis for the case to be shared with it."),
        error_messages={"required": _("Choose the lead institution.")},
    )  # fmt: skip
    field_order = ["lead_institution"]

    def __init__(self, *args: Any, institutions: Sequence[Institution], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["lead_institution"]
        assert isinstance(field, ObjectChoiceField)
        field.set_objects(institutions)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2, **INPUT}),
        error_messages={"required": _("Say why the nomination is declined.")},
    )  # fmt: skip


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why sharing stops"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2, **INPUT}),
        error_messages={"required": _("Say why sharing stops.")},
    )  # fmt: skip
    consent_withdrawn = forms.BooleanField(label=_("Consent withdrawn"), required=False)


class ContactForm(forms.Form):
    contacted_on = forms.DateField(label=_("Contacted on"), widget=forms.DateInput(attrs=DATE))
    kind = forms.ChoiceField(
        label=_("Kind of contact"), choices=ContactLog.Kind.choices, widget=forms.Select(attrs=SELECT)
    )
    with_consent = forms.BooleanField(
        label=_("The person agreed to this contact"), required=False,
        help_text=_("Monitoring is by phone or visit with the person's consent; do not record a contact without it."),
    )  # fmt: skip
    reached = forms.BooleanField(label=_("The person was reached"), required=False, initial=True)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2, **INPUT})
    )
    next_contact_by = forms.DateField(
        label=_("Next contact by"), required=False, widget=forms.DateInput(attrs=DATE),
        help_text=_("Empty: in a month."),
    )  # fmt: skip

    def contact_data(self) -> ContactData:
        data = self.cleaned_data
        return ContactData(
            contacted_on=data.get("contacted_on"),
            kind=data.get("kind", ""),
            with_consent=bool(data.get("with_consent")),
            reached=bool(data.get("reached")),
            note=data.get("note", ""),
            next_contact_by=data.get("next_contact_by"),
        )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *Case.Outcome.choices], widget=forms.Select(attrs=SELECT)
    )
    note = forms.CharField(
        label=_("Final note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4, **INPUT}),
        help_text=_("What was done and how it ended. A new report within a year reopens the case."),
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
