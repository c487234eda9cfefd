"""Encryption of personal fields at rest, and keyed blind indexes for equality look-ups.

Keys come from settings (environment): `FIELD_ENCRYPTION_KEYS` is a list of Fernet keys, newest first —
new values are encrypted with the first, and any of them decrypts, so a key is rotated by putting a new
one in front and running `rotate_field_keys`. `BLIND_INDEX_KEY` keys the HMAC of blind indexes; it cannot
be rotated without recomputing every index (`rotate_field_keys --reindex`).

A value that none of the keys decrypts raises `DecryptionError`: never garbage, never an empty string.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """An encrypted value that the configured keys cannot open (wrong key, or damaged data)."""


@functools.cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("JSS_FIELD_KEYS is not set: personal fields cannot be encrypted or read.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured("JSS_FIELD_KEYS must be Fernet keys (32 url-safe base64 bytes)") from error


def _current() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return _current().encrypt(value.encode()).decode()


def decrypt(token: str, *, what: str = "a personal field") -> str:
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError(f"cannot decrypt {what} with the configured JSS_FIELD_KEYS") from error


def rotate(token: str) -> str:
    """The same value encrypted with the newest key."""
    try:
        return _current().rotate(token.encode()).decode()
    except InvalidToken as error:
        raise DecryptionError("cannot rotate a value the configured keys do not open") from error


def blind_index(purpose: str, value: str) -> str:
    """A keyed hash for equality look-ups ("" for an empty value). `purpose` separates kinds of index so
    the same text in two fields gives two different hashes."""
    if not value:
        return ""
    key = settings.BLIND_INDEX_KEY
    if not key:
        raise ImproperlyConfigured("JSS_BLIND_INDEX_KEY is not set: personal look-ups cannot be computed.")
    return hmac.new(key.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()[:40]
