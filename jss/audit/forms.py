from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    verb = forms.CharField(label=_("Action"), required=False)
    on = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.CharField(label=_("Username"), required=False)
