"""System check: the list of statutory sharing bases loads."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Error, register

from jss.lib.yamlfile import DataFileError


@register()
def legal_bases_load(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from jss.cases.bases import legal_bases

    try:
        legal_bases()
    except DataFileError as error:
        return [Error(str(error), id="cases.E001")]
    return []
