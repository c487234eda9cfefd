"""A model field whose value is encrypted at rest (see jss/lib/fieldcrypto.py)."""

from __future__ import annotations

from typing import Any

from django.db import models

from jss.lib.fieldcrypto import decrypt, encrypt


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Stored as a Fernet token; read back as text. It cannot be searched: use a blind index beside it.
    The empty string is stored as is (nothing to hide), so "no value" stays cheap to test."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return decrypt(value, what=f"{self.model.__name__}.{self.name}")

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(f"{self.name} is encrypted: look it up through its blind index")
        return super().get_lookup(lookup_name)
