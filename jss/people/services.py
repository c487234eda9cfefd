"""Writes on people that are not part of recording an incident: key rotation and re-indexing."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models, transaction

from jss.audit.services import record
from jss.lib.fieldcrypto import rotate
from jss.people.fields import EncryptedTextField
from jss.people.matching import refresh_indexes
from jss.people.models import Person

INDEX_FIELDS = ["name_index", "given_name_index", "surname_year_index", "phone_index", "identifier_index"]


@dataclass(frozen=True)
class Rotation:
    rows: int
    values: int


def encrypted_fields() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        columns = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if columns:
            found.append((model, columns))
    return found


@transaction.atomic
def rotate_field_keys(*, reindex: bool = False) -> Rotation:
    """Re-encrypt every encrypted value with the newest key (after a new key was put first in
    JSS_FIELD_KEYS, the old ones kept after it); with `reindex`, also recompute the blind indexes (after
    JSS_BLIND_INDEX_KEY changed). Works on the stored tokens, so the text is never written out."""
    rows = values = 0
    with connection.cursor() as cursor:
        for model, columns in encrypted_fields():
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")  # noqa: S608 (names from models)
            for row in cursor.fetchall():
                rows += 1
                updates = {column: rotate(token) for column, token in zip(columns, row[1:], strict=True) if token}
                if updates:
                    values += len(updates)
                    sets = ", ".join(f"{column} = %s" for column in updates)
                    cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*updates.values(), row[0]])  # noqa: S608
    if reindex:
        people = list(Person.objects.all())
        for person in people:
            refresh_indexes(person)
        Person.objects.bulk_update(people, INDEX_FIELDS, batch_size=1000)
    record(None, "people.rotate_keys", None, {"rows": rows, "values": values, "reindex": reindex})
    return Rotation(rows=rows, values=values)
