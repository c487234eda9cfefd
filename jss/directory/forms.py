from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from jss.accounts.models import Membership
from jss.directory.models import MembershipApplication, OpeningHours, Phone, Service, TaxonomyTerm
from jss.directory.queries import Criteria, vocabulary
from jss.directory.services import EntryData, HoursData, PhoneData, ServiceData
from jss.institutions.models import Institution
from jss.lib.phone import normalize_korean_phone
from jss.regions.models import Region

INPUT = {"class": "krds-input"}
SELECT = {"class": "krds-form-select"}


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def korean_phone_field(label: StrOrPromise, *, required: bool) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=20, widget=forms.TextInput(attrs=INPUT))


def clean_phone(value: str) -> str:
    if not value:
        return value
    try:
        return normalize_korean_phone(value)
    except ValueError as error:
        raise forms.ValidationError(
            _("Enter a Korean telephone number, such as 064-710-1234, 010-1234-5678, 1366 or 1577-1391.")
        ) from error


CHOICES_CACHE_SECONDS = 300  # taxonomy and regions change only when their data files are loaded


def term_choices(name: str) -> list[tuple[str, StrOrPromise]]:
    def build() -> list[tuple[str, StrOrPromise]]:
        return [(term.code, str(term.name)) for term in vocabulary(name)]

    key = f"directory:terms:{name}:{get_language()}"
    return cast("list[tuple[str, StrOrPromise]]", cache.get_or_set(key, build, CHOICES_CACHE_SECONDS))


def region_choices(*, include_province: bool = True) -> list[tuple[str, StrOrPromise]]:
    key = f"directory:regions:{include_province}:{get_language()}"
    built = cache.get_or_set(key, lambda: _region_choices(include_province), CHOICES_CACHE_SECONDS)
    return cast("list[tuple[str, StrOrPromise]]", built)


def _region_choices(include_province: bool) -> list[tuple[str, StrOrPromise]]:
    choices: list[tuple[str, StrOrPromise]] = []
    for region in Region.objects.select_related("parent").order_by("code"):
        if region.level == Region.Level.PROVINCE and not include_province:
            continue
        indent = (
            "" if region.parent_id is None else ("· " if region.parent and region.parent.parent_id is None else "·· ")
        )
        choices.append((region.code, f"{indent}{region.name}"))
    return choices


class SearchForm(forms.Form):
    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=100)
    target = forms.ChoiceField(label=_("Support target"), required=False)
    service_type = forms.ChoiceField(label=_("Service type"), required=False)
    region = forms.ChoiceField(label=_("Area"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    always_open = forms.BooleanField(label=_("24 hours"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything: list[tuple[str, StrOrPromise]] = [("", _("All"))]
        choice_field(self, "target").choices = everything + term_choices(TaxonomyTerm.Vocabulary.TARGET)
        choice_field(self, "service_type").choices = everything + term_choices(TaxonomyTerm.Vocabulary.SERVICE_TYPE)
        choice_field(self, "language").choices = everything + term_choices(TaxonomyTerm.Vocabulary.LANGUAGE)
        choice_field(self, "region").choices = everything + region_choices()
        self.fields["q"].widget.attrs.update({**INPUT, "type": "search", "autocomplete": "off"})
        for name in ("target", "service_type", "region", "language"):
            self.fields[name].widget.attrs.update(SELECT)

    def criteria(self) -> Criteria:
        data = self.cleaned_data if self.is_valid() else {}
        return Criteria(
            query=data.get("q", ""),
            target=data.get("target", ""),
            service_type=data.get("service_type", ""),
            language=data.get("language", ""),
            region=data.get("region", ""),
            open_now=bool(data.get("open_now")),
            always_open=bool(data.get("always_open")),
        )


class BookletForm(SearchForm):
    group_by = forms.ChoiceField(
        label=_("Sections by"),
        choices=[("target", _("Support target")), ("service_type", _("Service type"))],
        initial="target",
    )
    paper = forms.ChoiceField(label=_("Paper"), choices=[("A4", "A4"), ("A5", "A5")], initial="A4")
    edition = forms.ChoiceField(label=_("Edition"), choices=[("ko", "한국어"), ("en", "English")], initial="ko")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["open_now"]
        for name in ("group_by", "paper", "edition"):
            self.fields[name].widget.attrs.update(SELECT)


WEEKDAYS = OpeningHours.Weekday.choices


class ServiceForm(forms.Form):
    name_ko = forms.CharField(label=_("Service name (Korean)"), max_length=150)
    name_en = forms.CharField(label=_("Service name (English)"), max_length=150, required=False)
    description_ko = forms.CharField(label=_("Description (Korean)"), widget=forms.Textarea(attrs={"rows": 3}))
    description_en = forms.CharField(
        label=_("Description (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=Service.Status.choices, initial=Service.Status.ACTIVE)
    targets = forms.MultipleChoiceField(label=_("Support targets"), widget=forms.CheckboxSelectMultiple)
    types = forms.MultipleChoiceField(label=_("Service types"), widget=forms.CheckboxSelectMultiple)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), widget=forms.CheckboxSelectMultiple, initial=["ko"], required=False
    )
    eligibility_ko = forms.CharField(label=_("Who is eligible (Korean)"), max_length=300, required=False)
    eligibility_en = forms.CharField(label=_("Who is eligible (English)"), max_length=300, required=False)
    minimum_age = forms.IntegerField(label=_("Minimum age"), min_value=0, max_value=120, required=False)
    maximum_age = forms.IntegerField(label=_("Maximum age"), min_value=0, max_value=120, required=False)
    fee = forms.ChoiceField(label=_("Fee"), choices=Service.Fee.choices, initial=Service.Fee.FREE)
    fee_note_ko = forms.CharField(label=_("Fee note"), max_length=200, required=False)
    how_to_apply_ko = forms.CharField(
        label=_("How to apply or refer (Korean)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    how_to_apply_en = forms.CharField(
        label=_("How to apply or refer (English)"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    service_area = forms.ChoiceField(label=_("Service area"))
    referral_contact = forms.ChoiceField(label=_("JSS contact for referrals"), required=False)
    always_open = forms.BooleanField(label=_("Open 24 hours, every day"), required=False)
    open_on_holidays = forms.BooleanField(label=_("Open on public holidays"), required=False)

    def __init__(self, *args: Any, institution: Institution, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.institution = institution
        choice_field(self, "targets").choices = term_choices(TaxonomyTerm.Vocabulary.TARGET)
        choice_field(self, "types").choices = term_choices(TaxonomyTerm.Vocabulary.SERVICE_TYPE)
        choice_field(self, "languages").choices = term_choices(TaxonomyTerm.Vocabulary.LANGUAGE)
        choice_field(self, "service_area").choices = region_choices()
        self.members = {str(m.pk): m for m in Membership.objects.filter(institution=institution).select_related("user")}
        choice_field(self, "referral_contact").choices = [("", _("None"))] + [
            (pk, m.user.get_full_name()) for pk, m in self.members.items()
        ]
        for day, label in WEEKDAYS:
            self.fields[f"opens_{day}"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
            self.fields[f"closes_{day}"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": label},
                required=False,
                widget=forms.TimeInput(attrs={"type": "time"}),
            )
        for name, field in self.fields.items():
            if isinstance(field.widget, (forms.TextInput, forms.Textarea, forms.NumberInput)):
                field.widget.attrs.setdefault("class", "krds-input")
            elif isinstance(field.widget, forms.Select) and name != "referral_contact":
                field.widget.attrs.setdefault("class", "krds-form-select")
        self.fields["referral_contact"].widget.attrs["class"] = "krds-form-select"

    def hour_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        return [(str(label), self[f"opens_{day}"], self[f"closes_{day}"]) for day, label in WEEKDAYS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for day, _label in WEEKDAYS:
            opens, closes = data.get(f"opens_{day}"), data.get(f"closes_{day}")
            if (opens is None) != (closes is None):
                self.add_error(
                    f"closes_{day}" if opens else f"opens_{day}",
                    _("Give both the opening and the closing time."),
                )
            elif opens is not None and closes is not None and closes <= opens:
                self.add_error(f"closes_{day}", _("The closing time must be after the opening time."))
        low, high = data.get("minimum_age"), data.get("maximum_age")
        if low is not None and high is not None and low > high:
            self.add_error("maximum_age", _("The maximum age must not be below the minimum age."))
        return data

    def service_data(self) -> ServiceData:
        from jss.directory.services import terms

        data = self.cleaned_data
        hours = [
            HoursData(weekday=day, opens_at=data[f"opens_{day}"], closes_at=data[f"closes_{day}"])
            for day, _label in WEEKDAYS
            if isinstance(data.get(f"opens_{day}"), datetime.time)
        ]
        return ServiceData(
            name_ko=data["name_ko"],
            name_en=data["name_en"],
            description_ko=data["description_ko"],
            description_en=data["description_en"],
            status=data["status"],
            targets=terms(TaxonomyTerm.Vocabulary.TARGET, data["targets"]),
            types=terms(TaxonomyTerm.Vocabulary.SERVICE_TYPE, data["types"]),
            languages=terms(TaxonomyTerm.Vocabulary.LANGUAGE, data["languages"]),
            eligibility_ko=data["eligibility_ko"],
            eligibility_en=data["eligibility_en"],
            minimum_age=data["minimum_age"],
            maximum_age=data["maximum_age"],
            fee=data["fee"],
            fee_note_ko=data["fee_note_ko"],
            how_to_apply_ko=data["how_to_apply_ko"],
            how_to_apply_en=data["how_to_apply_en"],
            service_area=Region.objects.get(code=data["service_area"]),
            referral_contact=self.members.get(data["referral_contact"]),
            always_open=data["always_open"],
            open_on_holidays=data["open_on_holidays"],
            hours=hours,
        )

    @staticmethod
    def initial_for(service: Service) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(service, name)
            for name in ("name_ko", "name_en", "description_ko", "description_en", "status", "eligibility_ko",
                         "eligibility_en", "minimum_age", "maximum_age", "fee", "fee_note_ko", "how_to_apply_ko",
                         "how_to_apply_en", "always_open", "open_on_holidays")
        }  # fmt: skip
        initial["targets"] = [t.code for t in service.targets.all()]
        initial["types"] = [t.code for t in service.types.all()]
        initial["languages"] = [t.code for t in service.languages.all()]
        initial["service_area"] = service.service_area.code
        initial["referral_contact"] = str(service.referral_contact_id or "")
        for hours in service.hours.all():
            initial[f"opens_{hours.weekday}"] = hours.opens_at
            initial[f"closes_{hours.weekday}"] = hours.closes_at
        return initial


class EntryForm(forms.Form):
    description_ko = forms.CharField(
        label=_("About the institution (Korean)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    description_en = forms.CharField(
        label=_("About the institution (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    address_ko = forms.CharField(label=_("Address"), max_length=200, required=False)
    location_region = forms.ChoiceField(label=_("Eup/myeon/dong"))
    is_confidential = forms.BooleanField(label=_("Do not publish the address (shelters)"), required=False)
    main_phone = korean_phone_field(_("Main number"), required=True)
    hotline = korean_phone_field(_("24-hour hotline"), required=False)
    fax = korean_phone_field(_("Fax"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "location_region").choices = region_choices()
        for name, field in self.fields.items():
            if name == "location_region":
                field.widget.attrs["class"] = "krds-form-select"
            elif not isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "krds-input")

    def clean_main_phone(self) -> str:
        return clean_phone(self.cleaned_data["main_phone"])

    def clean_hotline(self) -> str:
        return clean_phone(self.cleaned_data["hotline"])

    def clean_fax(self) -> str:
        return clean_phone(self.cleaned_data["fax"])

    def entry_data(self) -> EntryData:
        data = self.cleaned_data
        phones = [PhoneData(number=data["main_phone"], kind=Phone.Kind.MAIN)]
        if data["hotline"]:
            phones.append(PhoneData(number=data["hotline"], kind=Phone.Kind.HOTLINE))
        if data["fax"]:
            phones.append(PhoneData(number=data["fax"], kind=Phone.Kind.FAX))
        return EntryData(
            description_ko=data["description_ko"],
            description_en=data["description_en"],
            email=data["email"],
            website=data["website"],
            address_ko=data["address_ko"],
            location_region=Region.objects.get(code=data["location_region"]),
            is_confidential=data["is_confidential"],
            phones=phones,
        )

    @staticmethod
    def initial_for(institution: Institution) -> dict[str, Any]:
        location = institution.locations.first()
        phones = {phone.kind: phone.number for phone in institution.phones.filter(service=None)}
        return {
            "description_ko": institution.description_ko,
            "description_en": institution.description_en,
            "address_ko": location.address_ko if location else "",
            "location_region": (location.region.code if location else institution.region.code),
            "is_confidential": location.is_confidential if location else False,
            "main_phone": phones.get(Phone.Kind.MAIN, ""),
            "hotline": phones.get(Phone.Kind.HOTLINE, ""),
            "fax": phones.get(Phone.Kind.FAX, ""),
            "email": institution.email,
            "website": institution.website,
        }


class UnitChoiceField(forms.ModelChoiceField[Region]):
    def label_from_instance(self, obj: Region) -> str:
        return f"{obj.parent.name if obj.parent else ''} {obj.name}"


class ApplicationForm(forms.ModelForm[MembershipApplication]):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    targets = forms.MultipleChoiceField(label=_("Who you support"), widget=forms.CheckboxSelectMultiple)
    types = forms.MultipleChoiceField(label=_("Kinds of support"), widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = MembershipApplication
        fields = ["name_ko", "name_en", "category", "region", "address", "phone", "email", "website", "services_ko",
                  "contact_name", "contact_email", "contact_phone"]  # fmt: skip
        widgets = {"services_ko": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = UnitChoiceField(
            label=self.fields["region"].label,
            queryset=Region.objects.filter(
                level__in=[Region.Level.EUP, Region.Level.MYEON, Region.Level.DONG]
            ).select_related("parent"),
        )
        choice_field(self, "category").choices = [
            c for c in Institution.Category.choices if c[0] not in {"police_agency", "police_station"}
        ]
        choice_field(self, "targets").choices = term_choices(TaxonomyTerm.Vocabulary.TARGET)
        choice_field(self, "types").choices = term_choices(TaxonomyTerm.Vocabulary.SERVICE_TYPE)
        self.order_fields([*self.Meta.fields[:9], "targets", "types"])
        for name, field in self.fields.items():
            if name in {"targets", "types"}:
                continue
            field.widget.attrs.setdefault(
                "class", "krds-form-select" if name in {"category", "region"} else "krds-input"
            )

    def clean_phone(self) -> str:
        return clean_phone(self.cleaned_data["phone"])

    def save(self, commit: bool = True) -> MembershipApplication:
        application = super().save(commit=False)
        application.service_targets = self.cleaned_data["targets"]
        application.service_types = self.cleaned_data["types"]
        if commit:
            application.save()
        return application

    def clean_contact_phone(self) -> str:
        return clean_phone(self.cleaned_data["contact_phone"])


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 3, "class": "krds-input"})
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("HSDS file (.json, or .zip of CSV files)"))
