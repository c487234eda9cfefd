"""Every environment variable the settings read is documented in .env.example."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def variables_read_by_settings() -> set[str]:
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r"""env_(?:str|bool|int|list)\(\s*["']([A-Z0-9_]+)["']""", source))


def documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_setting_variable_is_documented():
    read = variables_read_by_settings()
    assert "JSS_SECRET_KEY" in read  # the pattern still finds what settings.py reads
    missing = sorted(read - documented_variables())
    assert not missing, f"document these in .env.example: {missing}"


def test_nothing_documented_is_unused():
    unused = sorted(documented_variables() - variables_read_by_settings())
    assert not unused, f".env.example documents variables the settings never read: {unused}"


def test_settings_do_not_read_the_environment_directly():
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    direct = [line for line in source.splitlines() if "os.environ" in line and "def env_" not in line]
    assert all("os.environ.get(name" in line for line in direct), direct
