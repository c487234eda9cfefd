"""Settings for the test suite: the real settings with test-only relaxations, nothing else."""

import os

os.environ.setdefault("JSS_SECRET_KEY", "test-only-" + "x" * 60)
# Test-only keys (never used elsewhere): a fixed Fernet key and blind-index key keep tests deterministic.
os.environ.setdefault("JSS_FIELD_KEYS", "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA=")
os.environ.setdefault("JSS_BLIND_INDEX_KEY", "test-only-blind-index-key-" + "y" * 20)
os.environ.setdefault("JSS_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("JSS_SECURE_COOKIES", "false")
os.environ.setdefault("JSS_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("JSS_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from config.settings import *  # noqa: F403

# Fast hashing: the suite signs in hundreds of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Serve static files from the source folders (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
