"""Outside debug mode JSS refuses to start without a real secret key."""

import os
import subprocess
import sys

from django.conf import settings

SCRIPT = "import config.settings"


def start(**overrides: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("JSS_")}
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_without_secret_key_refuses_to_start():
    result = start(JSS_DEBUG="false")
    assert result.returncode != 0
    assert "JSS_SECRET_KEY is not set" in result.stderr


def test_production_with_a_placeholder_key_refuses_to_start():
    result = start(JSS_DEBUG="false", JSS_SECRET_KEY="change-me")
    assert result.returncode != 0
    assert "too short or a placeholder" in result.stderr


REAL_KEY = "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyz"
FIELD_KEY = "dGVzdC1vbmx5LWZpZWxkLWtleS0wMDAwMDAwMDAwMDA="


def test_production_with_real_keys_starts():
    result = start(JSS_DEBUG="false", JSS_SECRET_KEY=REAL_KEY, JSS_FIELD_KEYS=FIELD_KEY, JSS_BLIND_INDEX_KEY="b" * 40)
    assert result.returncode == 0, result.stderr


def test_production_without_field_encryption_keys_refuses_to_start():
    result = start(JSS_DEBUG="false", JSS_SECRET_KEY=REAL_KEY)
    assert result.returncode != 0
    assert "JSS_FIELD_KEYS" in result.stderr


def test_debug_mode_starts_without_a_key():
    assert start(JSS_DEBUG="true").returncode == 0


def test_defaults_are_korean_and_seoul():
    assert settings.LANGUAGE_CODE == "ko"
    assert settings.TIME_ZONE == "Asia/Seoul"
    assert [code for code, _name in settings.LANGUAGES] == ["ko", "en"]


def test_the_suite_runs_on_the_database_it_was_given(db):
    from django.db import connection

    wanted = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    assert connection.vendor == wanted
