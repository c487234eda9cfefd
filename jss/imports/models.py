"""An uploaded file between its preview and the confirmation. It holds personal data, so it is encrypted,
belongs to the one user who uploaded it, and is deleted after the import or after an hour."""

from __future__ import annotations

import base64
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jss.institutions.models import Institution
from jss.people.fields import EncryptedTextField

PENDING_LIFETIME = datetime.timedelta(hours=1)


class PendingImport(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="+")
    filename = EncryptedTextField(_("file name"), blank=True)
    content = EncryptedTextField(_("file"), help_text=_("The uploaded bytes, base64-encoded, then encrypted."))
    # An Incident.Source value (checked by the upload form); no `choices` here, so that a new source does
    # not need a migration of this table.
    source_default = models.CharField(_("source"), max_length=25)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("pending import")
        verbose_name_plural = _("pending imports")

    def __str__(self) -> str:
        return f"pending import {self.pk}"

    @property
    def data(self) -> bytes:
        return base64.b64decode(self.content)

    @staticmethod
    def encode(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")
