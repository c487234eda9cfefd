from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jss.incidents.models import Incident, Party
from jss.lib.koreandates import parse_korean_date
from jss.lib.phone import normalize_korean_phone
from jss.lib.rrn import parse_rrn
from jss.people.models import Person
from jss.regions.models import Region

INPUT = {"class": "krds-input"}
SELECT = {"class": "krds-form-select"}


def local_units() -> list[tuple[str, str]]:
    units = Region.objects.filter(level__in=["eup", "myeon", "dong"]).select_related("parent").order_by("code")
    return [("", "—")] + [(u.code, f"{u.parent.name if u.parent else ''} {u.name}") for u in units]


class IncidentForm(forms.Form):
    domain = forms.ChoiceField(label=_("Kind of violence"), choices=Incident.Domain.choices)
    occurred_at = forms.DateTimeField(
        label=_("Occurred at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local", **INPUT})
    )
    reported_at = forms.DateTimeField(
        label=_("Reported at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local", **INPUT})
    )
    source = forms.ChoiceField(label=_("Source"), choices=Incident.Source.choices)
    source_reference = forms.CharField(label=_("Source reference number"), max_length=60, required=False)
    region = forms.ChoiceField(label=_("Eup/myeon/dong"))
    injury = forms.BooleanField(label=_("Injury"), required=False)
    weapon = forms.BooleanField(label=_("Weapon or dangerous object"), required=False)
    strangulation = forms.BooleanField(label=_("Strangulation or choking"), required=False)
    threat_to_kill = forms.BooleanField(label=_("Threat to kill"), required=False)
    sexual_violence = forms.BooleanField(label=_("Sexual violence"), required=False)
    pregnancy = forms.BooleanField(label=_("Victim pregnant"), required=False)
    alcohol = forms.BooleanField(label=_("Suspect drunk"), required=False)
    children_present = forms.BooleanField(label=_("Children present"), required=False)
    police_measures = forms.MultipleChoiceField(
        label=_("Police measures"), choices=Incident.PoliceMeasure.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    narrative = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3, **INPUT}), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = local_units()
        for name in ("domain", "source", "region"):
            self.fields[name].widget.attrs.update(SELECT)
        self.fields["source_reference"].widget.attrs.update(INPUT)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred, reported = data.get("occurred_at"), data.get("reported_at")
        if occurred and reported and reported < occurred:
            self.add_error("reported_at", _("The report time is before the time it happened."))
        if reported and reported > timezone.now() + datetime.timedelta(minutes=5):
            self.add_error("reported_at", _("The report time is in the future."))
        return data


@dataclass(frozen=True)
class Birth:
    date: datetime.date | None = None
    year: int | None = None
    identifier: str = ""
    sex: str = ""


def parse_birth(text: str) -> Birth:
    """A birth date ("1985.3.2", "1985-03-02"), a year ("1985"), or a registration number."""
    text = text.strip()
    if not text:
        return Birth()
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) == 13:
        rrn = parse_rrn(text)
        return Birth(date=rrn.birth_date, identifier=digits[:6] + "-" + digits[6:], sex=rrn.sex)
    if len(digits) == 4 and digits == text:
        year = int(digits)
        if not 1900 <= year <= timezone.localdate().year:
            raise ValueError("not a plausible birth year")
        return Birth(year=year)
    return Birth(date=parse_korean_date(text))


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", "—"), *Party.Role.choices], required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=30, required=False)
    given_name = forms.CharField(label=_("Given name"), max_length=60, required=False)
    birth = forms.CharField(
        label=_("Birth date, year or registration number"), max_length=20, required=False,
        help_text=_("For example 1985.3.2, 1985, or a resident registration number (stored encrypted)."),
    )  # fmt: skip
    sex = forms.ChoiceField(label=_("Sex"), choices=Person.Sex.choices, initial=Person.Sex.UNKNOWN)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    address_detail = forms.CharField(label=_("Detailed address"), max_length=200, required=False)
    is_migrant = forms.BooleanField(label=_("Migrant"), required=False)
    interpreter_language = forms.CharField(label=_("Interpreter language"), max_length=8, required=False)
    disability = forms.ChoiceField(
        label=_("Disability"), choices=Person.Disability.choices, initial=Person.Disability.NONE
    )
    existing = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.update(SELECT)
            elif isinstance(field.widget, forms.TextInput):
                field.widget.attrs.update(INPUT)

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"]
        if not value:
            return ""
        try:
            return normalize_korean_phone(value)
        except ValueError as error:
            raise forms.ValidationError(_("Enter a Korean telephone number, such as 010-1234-5678.")) from error

    def clean_birth(self) -> Birth:
        try:
            return parse_birth(self.cleaned_data["birth"])
        except ValueError as error:
            raise forms.ValidationError(
                _("Enter a birth date such as 1985.3.2, a year such as 1985, or a registration number.")
            ) from error

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_person = bool(data.get("family_name") or data.get("given_name") or data.get("existing"))
        if has_person and not data.get("role"):
            self.add_error("role", _("Choose this person's role."))
        return data

    @property
    def is_empty(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("family_name") or data.get("given_name") or data.get("existing"))


PartyFormSet = forms.formset_factory(PartyForm, extra=0, min_num=2, max_num=8)
