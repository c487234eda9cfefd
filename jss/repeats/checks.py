"""System check: the repeat-rule file loads (a bad file is refused with the rule and the reason)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from jss.lib.yamlfile import DataFileError


@register()
def rule_file_loads(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from jss.repeats.rules import load_rules

    try:
        load_rules()
    except DataFileError as error:
        return [Error(str(error), id="repeats.E001")]
    return []
