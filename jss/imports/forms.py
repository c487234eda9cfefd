from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from jss.imports.reader import ReadError, read_table
from jss.incidents.models import Incident

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_WEB_ROWS = 10_000  # larger files: the import_incidents command


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet (.xlsx or .csv)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,text/csv"}),
        help_text=_(
            "CSV in UTF-8 or in CP949 (as Korean Excel saves it), or an Excel workbook; the first sheet is read."
        ),
    )
    source = forms.ChoiceField(
        label=_("Source of the reports"),
        choices=Incident.Source.choices,
        widget=forms.Select(attrs={"class": "krds-form-select"}),
        help_text=_("Used for rows without a 신고경로 (source) column or value."),
    )

    def clean_file(self) -> Upload:
        """The file's name and bytes, once it is known to be readable."""
        upload: UploadedFile = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _(
                    "The file is larger than %(megabytes)d MB. Split it, or ask the technical administrator "
                    "to import it."
                )
                % {"megabytes": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        data = upload.read()
        try:
            read_table(data, max_rows=MAX_WEB_ROWS)
        except ReadError as error:
            raise forms.ValidationError(str(error)) from error
        return Upload(name=upload.name or "", data=data)
