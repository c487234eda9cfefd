"""System check: every instrument pack loads (a bad one is refused with the file, the item and the reason;
while one is refused, no pack is offered)."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register


@register()
def packs_load(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from jss.risk.packs import validate_all

    _packs, errors = validate_all()
    return [Error(str(error), id="risk.E001") for error in errors]
