"""Reading staff-edited YAML strictly: duplicate keys refused, every error names file and line.

PyYAML's plain loaders let a second `stock_rules:` block silently replace the first; staff then
lose overrides without a word. `load_yaml_file` refuses that and remembers where each key and
list item sits, so `validate_document` can point a pydantic error at the line to fix.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

Loc = tuple[str | int, ...]
M = TypeVar("M", bound=BaseModel)

_MERGE_TAG = "tag:yaml.org,2002:merge"


class ConfigError(ValueError):
    """A config file is missing or invalid; the message names the file, line and each bad field."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file and the 1-based line of every mapping key and list item in it."""

    path: Path
    data: Any
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Iterable[str | int]) -> int | None:
        """The line of `loc` (a key path such as `("stock_rules", "default", "buffer")`).

        A path that is not in the file (a missing field, a union member in a pydantic location)
        falls back to its nearest enclosing key or item.
        """
        parts: Loc = tuple(loc)
        while parts:
            if parts in self.lines:
                return self.lines[parts]
            parts = parts[:-1]
        return None

    def where(self, loc: Iterable[str | int] = ()) -> str:
        """`file:line` for `loc` (just `file` when the line is unknown)."""
        line = self.line_of(loc)
        return f"{self.path}:{line}" if line is not None else str(self.path)


class _IndexingLoader(yaml.SafeLoader):
    """A safe loader that refuses duplicate mapping keys and records each key's line."""

    def index_node(self, node: yaml.Node | None, path: Loc, lines: dict[Loc, int]) -> None:
        """Walk the composed tree once: line numbers per key path, duplicates refused."""
        if isinstance(node, yaml.MappingNode):
            seen: dict[Hashable, int] = {}
            for key_node, value_node in node.value:
                if key_node.tag == _MERGE_TAG:  # `<<: *anchor`; explicit keys may override it
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: PyYAML's constructor reports it
                    continue
                if first is not None:
                    where = ".".join(str(p) for p in (*path, key))
                    raise ConfigError(
                        f"{self.name}:{line}: duplicate key {where!r} (first at line {first}); "
                        "merge the two blocks into one, a second one would silently replace "
                        "the first"
                    )
                seen[key] = line
                child = (*path, key if isinstance(key, str | int) else str(key))
                lines[child] = line
                self.index_node(value_node, child, lines)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                lines[(*path, i)] = item.start_mark.line + 1
                self.index_node(item, (*path, i), lines)


def load_yaml_file(path: str | Path) -> YamlDocument:
    """Parse one YAML file strictly (safe tags only, no duplicate keys) with line info.

    Raises:
        ConfigError: the file is missing or unreadable, not valid YAML (with line and column),
            or repeats a key in one mapping (with both lines).
    """
    resolved = Path(path)
    try:
        text = resolved.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(f"{resolved}: config file not found") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{resolved}: not UTF-8 text (byte {exc.start})") from exc
    except OSError as exc:
        raise ConfigError(f"{resolved}: cannot be read ({exc.strerror or exc})") from exc
    loader = _IndexingLoader(text)
    loader.name = str(resolved)
    lines: dict[Loc, int] = {}
    try:
        node = loader.get_single_node()
        loader.index_node(node, (), lines)
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        at = f"{resolved}:{mark.line + 1}:{mark.column + 1}" if mark else str(resolved)
        detail = "; ".join(p for p in (exc.context, exc.problem) if p) or str(exc)
        raise ConfigError(f"{at}: not valid YAML: {detail}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{resolved}: not valid YAML: {exc}") from exc
    finally:
        loader.dispose()
    return YamlDocument(path=resolved, data=data, lines=lines)


def _shown_input(value: Any) -> str:
    """The offending value when it is safe and short to show (never free text: it may be a key)."""
    if isinstance(value, bool):
        return f" (got {str(value).lower()})"
    if isinstance(value, int | float) or value is None:
        return f" (got {value})"
    if isinstance(value, str):
        return " (got a string)"
    return ""


def format_validation_error(doc: YamlDocument, exc: ValidationError) -> str:
    """One line per error: field path, line in the file and pydantic's reason."""
    lines = [f"{doc.path}: {exc.error_count()} invalid field(s)"]
    for err in exc.errors():
        loc: Sequence[str | int] = err["loc"]
        ctx = err.get("ctx") or {}
        # A cross-entry check (e.g. warehouses) names the entry it is about in its context.
        if "at" in ctx:
            loc = (*loc, *(ctx["at"] if isinstance(ctx["at"], tuple | list) else (ctx["at"],)))
        name = ".".join(str(p) for p in loc) or "(top level)"
        line = doc.line_of(loc)
        at = f" (line {line})" if line is not None else ""
        shown = _shown_input(err.get("input")) if err["type"].endswith("_type") else ""
        lines.append(f"  {name}{at}: {err['msg']}{shown}")
    return "\n".join(lines)


def validate_document(doc: YamlDocument, model: type[M]) -> M:
    """Validate a loaded document against a pydantic model; errors name file, field and line."""
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{doc.path}: expected a mapping at the top level")
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(doc, exc)) from exc


def load_config_file(path: str | Path, model: type[M]) -> M:
    """Load a YAML file strictly and validate it: the one call for a config file of a model."""
    return validate_document(load_yaml_file(path), model)
