"""Reading YAML data files while keeping the line each mapping starts on, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LINE_KEY = "__line__"


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping[LINE_KEY] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


class DataFileError(Exception):
    """A data file that cannot be used; `problems` lists (line, message) pairs."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.path = path
        self.problems = problems
        lines = "\n".join(f"  {path.name}, line {line}: {message}" for line, message in problems)
        super().__init__(f"{path} was not loaded; nothing was changed.\n{lines}")


def read_yaml_with_lines(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DataFileError(path, [(0, f"cannot be read: {error}")]) from error
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise DataFileError(path, [(line, f"is not valid YAML: {getattr(error, 'problem', error)}")]) from error


def line_of(item: Any) -> int:
    return int(item.get(LINE_KEY, 0)) if isinstance(item, dict) else 0


_parsed: dict[tuple[Path, Any], tuple[int, Any]] = {}


def cached_data_file(path: Path, parse: Any) -> Any:
    """`parse(data, path)` of the YAML file at `path`, read again only when the file changes. A file that
    cannot be read or parsed raises DataFileError naming it."""
    try:
        stamp = path.stat().st_mtime_ns
    except OSError as error:
        raise DataFileError(path, [(0, f"cannot be read: {error}")]) from error
    cached = _parsed.get((path, parse))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    value = parse(read_yaml_with_lines(path), path)
    _parsed[(path, parse)] = (stamp, value)
    return value
