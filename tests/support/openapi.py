"""Conformance checks against Ozon's official OpenAPI document.

Ozon's spec is OpenAPI 3.0 and not clean JSON Schema: some ``type`` values are prose or examples,
some ``pattern`` values are date layouts written in words, ``nullable`` is an OpenAPI keyword and a
few ``$ref`` point at files that do not exist. :func:`normalise_schema` turns each schema into
JSON Schema 2020-12 once, explicitly, so that a well-kept validator (``jsonschema``) does the
checking instead of hand-written rules.

Real Ozon replies also differ from the schema in a handful of documented ways (API-NOTES §13).
Each violation is therefore classified into a :class:`Quirk` (or none): *strict* validation, used
for the sandbox, reports every violation; *lenient* validation, used for what the client must
accept, ignores the quirks it is told to tolerate.

The module also reads the retired methods out of API-NOTES.md, so that a test can assert the
product calls only current methods (:func:`assert_methods_current`).
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict

JSON_TYPES = frozenset({"string", "integer", "number", "boolean", "object", "array", "null"})

# Prose or shorthand `type` values seen in Ozon's spec that still say what the value is.
TYPE_ALIASES: Mapping[str, str] = {
    "int": "integer",
    "int32": "integer",
    "int64": "integer",
    "long": "integer",
    "bool": "boolean",
    "float": "number",
    "double": "number",
    "str": "string",
}

# "array of strings" and the like: an array whose item type is named in words.
_ARRAY_OF = re.compile(r"^array of (?P<item>\w+?)s?$", re.IGNORECASE)

# Date or phone layouts written in words (" YYYY-MM-DD", "+7(XXX)XXX-XX-XX") are not regexes.
_LAYOUT_PATTERN = re.compile(r"YYYY|MM-DD|hh:mm|XXX")

# OpenAPI-only or documentation-only keywords with no JSON Schema meaning.
_DROPPED_KEYWORDS = frozenset({"nullable", "example", "discriminator", "xml", "externalDocs"})

# Keywords whose value the spec sometimes leaves empty or of the wrong kind (`"enum": null`).
_KEYWORD_VALUE_TYPES: Mapping[str, type | tuple[type, ...]] = {
    "enum": list,
    "required": list,
    "title": str,
    "description": str,
    "format": str,
    "minimum": (int, float),
    "maximum": (int, float),
    "exclusiveMinimum": (int, float),
    "exclusiveMaximum": (int, float),
    "multipleOf": (int, float),
    "minLength": int,
    "maxLength": int,
    "minItems": int,
    "maxItems": int,
    "minProperties": int,
    "maxProperties": int,
    "uniqueItems": bool,
}

_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf")
_SUBSCHEMA_SINGLE = ("items", "not", "additionalProperties")

# Besides `#/components/schemas/X`, a few responses point at `../../components/schemas/X.yaml`.
_COMPONENT_REF = re.compile(
    r"^(?:#/components/schemas/|(?:\.\./)+components/schemas/)(?P<name>.+?)(?:\.yaml)?$"
)

# Ids have no upper bound; a `maximum` on one is the page size copied from `limit`.
_ID_PROPERTY = re.compile(r"^(?:id|.+_id)$")

# JSON pointer segments of a standalone schema produced by this module.
DEFS_PREFIX = "#/$defs/"


class SpecError(ValueError):
    """The spec cannot give a usable schema (unknown method, dangling reference)."""


class Quirk(StrEnum):
    """A known way in which Ozon's payloads differ from Ozon's own schema (API-NOTES §12–13).

    Most are what real replies do and a client must accept (:attr:`real_world`); the rest are
    slips in the documentation examples that no real exchange produces.
    """

    NUMERIC_STRING = "numeric-string"
    """int64 ids and amounts sent as decimal strings (protobuf JSON): ``"company_id": "3058"``."""

    NUMBER_FOR_STRING = "number-for-string"
    """Ids sent as numbers where the schema says string (SKU lists in ``requirements``)."""

    NULL_FOR_OPTIONAL = "null-for-optional"
    """An absent optional value sent as ``null`` (``addressee``, ``analytics_data``)."""

    STRING_FOR_OBJECT = "string-for-object"
    """A plain string where the schema says object (image URLs of product attributes)."""

    ARRAY_FOR_OBJECT = "array-for-object"
    """A list of such objects where the schema says one object (``returns`` of rFBS returns)."""

    UNPREFIXED_ENUM = "unprefixed-enum"
    """An enum value without its common prefix (``"ERROR"`` for ``"ERROR_LEVEL_ERROR"``)."""

    CASE_MISMATCHED_ENUM = "case-mismatched-enum"
    """An enum value in another letter case (``"asc"`` for ``"ASC"``)."""

    UNLISTED_ENUM = "unlisted-enum"
    """An enum value the schema does not list yet (``"DISCOUNT"`` promotions)."""

    EMPTY_ARRAY_FOR_STRING = "empty-array-for-string"
    """An empty list where the schema says string (an ``error`` that is ``[]``)."""

    STATUS_NAME_FOR_CODE = "status-name-for-code"
    """A gRPC status name where the schema says an integer code (``"RESOURCE_EXHAUSTED"``)."""

    ONE_OF_OVERLAP = "one-of-overlap"
    """Both alternatives of a ``oneOf`` given (``offer_id`` and ``product_id``; Ozon picks one)."""

    PLACEHOLDER = "placeholder"
    """A documentation placeholder instead of a value (``"has_next": "string"``)."""

    @property
    def real_world(self) -> bool:
        """Whether real replies do this, as opposed to a slip in a documentation example."""
        return self is not Quirk.PLACEHOLDER


ALL_QUIRKS: frozenset[Quirk] = frozenset(Quirk)
REAL_WORLD_QUIRKS: frozenset[Quirk] = frozenset(q for q in Quirk if q.real_world)

# `True` means what a tolerant client must accept; pass an explicit set for anything else.
Leniency = bool | Iterable[Quirk]


class Violation(BaseModel):
    """One place where a payload breaks the schema, with the quirk that explains it, if any."""

    model_config = ConfigDict(frozen=True)

    json_path: str
    keyword: str
    message: str
    quirk: Quirk | None = None

    def __str__(self) -> str:
        tag = f" [{self.quirk.value}]" if self.quirk else ""
        return f"{self.json_path}: {self.message}{tag}"


class ConformanceError(AssertionError):
    """A payload does not conform to Ozon's schema; the message lists every violation."""

    def __init__(self, what: str, violations: list[Violation]) -> None:
        self.what = what
        self.violations = violations
        lines = "\n".join(f"  - {v}" for v in violations)
        super().__init__(f"{what}: {len(violations)} violation(s) of Ozon's schema\n{lines}")


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------


def normalise_type(value: Any) -> tuple[str | None, dict[str, Any]]:
    """Map one OpenAPI ``type`` value to a JSON Schema type, plus any keywords it implies.

    Returns ``(None, {})`` for values that are prose or examples (``timestamp``, ``enum``,
    ``BOX``, ``None``): dropping them leaves the rest of the schema to do the checking.
    """
    if not isinstance(value, str):
        return None, {}
    if value in JSON_TYPES:
        return value, {}
    if value in TYPE_ALIASES:
        return TYPE_ALIASES[value], {}
    match = _ARRAY_OF.match(value.strip())
    if match:
        item_type, _ = normalise_type(match["item"].lower())
        return "array", ({"items": {"type": item_type}} if item_type else {})
    return None, {}


def is_usable_pattern(pattern: Any) -> bool:
    """Tell a real regex from a layout written in words, which the spec also puts in ``pattern``."""
    if not isinstance(pattern, str) or _LAYOUT_PATTERN.search(pattern):
        return False
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def normalise_ref(ref: str) -> str:
    """Point a component reference at the ``$defs`` of a standalone schema."""
    match = _COMPONENT_REF.match(ref)
    if not match:
        raise SpecError(f"unsupported $ref {ref!r}: only component schemas are resolvable")
    return DEFS_PREFIX + match["name"]


def _well_typed(key: str, value: Any) -> bool:
    expected = _KEYWORD_VALUE_TYPES.get(key)
    if expected is None:
        return True
    if isinstance(value, bool) and expected is not bool:
        return False
    return isinstance(value, expected)


def normalise_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Turn one OpenAPI 3.0 schema object into JSON Schema 2020-12.

    - ``type``: JSON types kept, shorthands mapped (``int``, ``bool``, ``array of strings``),
      prose and example values dropped;
    - ``nullable: true`` becomes a ``"null"`` type (or an ``anyOf`` with null around a ``$ref``);
    - ``pattern`` written as a date/phone layout, or not a regex, is dropped;
    - ``$ref`` to a component schema becomes ``#/$defs/<name>``; as in OpenAPI 3.0, keywords
      beside a ``$ref`` are ignored;
    - ``required`` names that the schema's ``properties`` do not define are stale and dropped
      (``quant_size`` of ``/v2/products/stocks``, removed from the method in 2025);
    - a ``maximum`` on an int64 id property is dropped: it is the page size copied from ``limit``;
    - keywords whose value is of the wrong kind (``"enum": null``) are dropped;
    - ``format`` is kept (``int64``, ``double``, ``date-time``): an annotation unless a format
      checker is asked for;
    - OpenAPI-only keywords (``nullable``, ``example``, ``discriminator`` …) are removed.
    """
    nullable = schema.get("nullable") is True
    if "$ref" in schema:
        ref: dict[str, Any] = {"$ref": normalise_ref(schema["$ref"])}
        return {"anyOf": [ref, {"type": "null"}]} if nullable else ref

    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DROPPED_KEYWORDS or key.startswith("x-") or not _well_typed(key, value):
            continue
        if key == "type":
            json_type, implied = normalise_type(value)
            if json_type is not None:
                out["type"] = json_type
                for implied_key, implied_value in implied.items():
                    out.setdefault(implied_key, implied_value)
        elif key == "pattern":
            if is_usable_pattern(value):
                out["pattern"] = value
        elif key == "properties" and isinstance(value, Mapping):
            out["properties"] = {
                name: _normalise_property(name, sub) if isinstance(sub, Mapping) else sub
                for name, sub in value.items()
            }
        elif key in _SUBSCHEMA_SINGLE and isinstance(value, Mapping):
            out[key] = normalise_schema(value)
        elif key in _SUBSCHEMA_LISTS and isinstance(value, list):
            out[key] = [normalise_schema(sub) for sub in value if isinstance(sub, Mapping)]
        else:
            out[key] = value

    if isinstance(out.get("required"), list) and isinstance(out.get("properties"), Mapping):
        out["required"] = [name for name in out["required"] if name in out["properties"]]
    if nullable:
        if isinstance(out.get("type"), str):
            out["type"] = [out["type"], "null"]
        if isinstance(out.get("enum"), list) and None not in out["enum"]:
            out["enum"] = [*out["enum"], None]
    return out


def _normalise_property(name: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    out = normalise_schema(schema)
    if _ID_PROPERTY.match(name) and out.get("format") == "int64":
        out.pop("maximum", None)
    return out


def iter_refs(schema: Any) -> Iterator[str]:
    """Yield every ``$ref`` value inside a (normalised) schema."""
    if isinstance(schema, Mapping):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            yield ref
        for key, value in schema.items():
            if key in ("enum", "const", "default", "examples", "required"):
                continue
            yield from iter_refs(value)
    elif isinstance(schema, list):
        for item in schema:
            yield from iter_refs(item)


# --------------------------------------------------------------------------------------------
# Violations and quirks
# --------------------------------------------------------------------------------------------


def json_path(parts: Iterable[str | int]) -> str:
    """Render an instance location the way JSONPath does: ``$.result.postings[0].sku``."""
    out = "$"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _schema_types(schema: Mapping[str, Any]) -> set[str]:
    value = schema.get("type")
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return set(value)
    return set()


def _resolve(root: Mapping[str, Any], ref: str) -> Any:
    return root["$defs"][ref.removeprefix(DEFS_PREFIX)]


def _owning_property(root: Mapping[str, Any], schema_path: Iterable[Any]) -> tuple[Any, Any]:
    """Return ``(object schema, property name)`` when the schema path ends on a property value.

    ``jsonschema`` leaves ``$ref`` jumps out of the path, so they are followed here. Returns
    ``(None, None)`` when the failing value is not an object property (an array item, the body).
    """
    try:
        return _walk_to_property(root, list(schema_path)[:-1])  # last key: the failing keyword
    except (KeyError, IndexError, TypeError):
        return None, None


def _walk_to_property(root: Mapping[str, Any], keys: list[Any]) -> tuple[Any, Any]:
    node: Any = root
    owner: Any = None
    name: Any = None
    i = 0
    while i < len(keys):
        key = keys[i]
        while isinstance(node, Mapping) and key not in node and "$ref" in node:
            node = _resolve(root, node["$ref"])
        if key == "properties" and i + 1 < len(keys):
            owner, name = node, keys[i + 1]
            node = node["properties"][name]
            i += 2
            continue
        owner, name = None, None
        node = node[key]
        i += 1
    return owner, name


_NUMERIC = re.compile(r"-?\d+(?:\.\d+)?")
_INTEGER = re.compile(r"-?\d+")
_STATUS_NAME = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")


def _classify_enum(instance: Any, options: list[Any]) -> Quirk | None:
    texts = [v for v in options if isinstance(v, str)]
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        return Quirk.NUMBER_FOR_STRING if str(instance) in texts else None
    if not isinstance(instance, str):
        return None
    if any(v.endswith("_" + instance) for v in texts):
        return Quirk.UNPREFIXED_ENUM
    if any(v.lower() == instance.lower() for v in texts):
        return Quirk.CASE_MISMATCHED_ENUM
    return Quirk.UNLISTED_ENUM


def _classify_type(error: ValidationError, root: Mapping[str, Any]) -> Quirk | None:
    instance = error.instance
    expected = _schema_types(error.schema) if isinstance(error.schema, Mapping) else set()
    if instance is None:
        owner, name = _owning_property(root, error.absolute_schema_path)
        optional = owner is not None and name not in owner.get("required", [])
        return Quirk.NULL_FOR_OPTIONAL if optional else None
    if isinstance(instance, str):
        if "integer" in expected and _INTEGER.fullmatch(instance):
            return Quirk.NUMERIC_STRING
        if "number" in expected and _NUMERIC.fullmatch(instance):
            return Quirk.NUMERIC_STRING
        if "integer" in expected and _STATUS_NAME.fullmatch(instance):
            return Quirk.STATUS_NAME_FOR_CODE
        if "object" in expected:
            return Quirk.STRING_FOR_OBJECT
        if expected & {"integer", "number", "boolean"}:
            return Quirk.PLACEHOLDER
        return None
    if isinstance(instance, int | float) and not isinstance(instance, bool):
        return Quirk.NUMBER_FOR_STRING if "string" in expected else None
    if isinstance(instance, list):
        if not instance and "string" in expected:
            return Quirk.EMPTY_ARRAY_FOR_STRING
        if "object" in expected:
            return Quirk.ARRAY_FOR_OBJECT
    return None


def classify(error: ValidationError, root: Mapping[str, Any]) -> Quirk | None:
    """Name the known quirk that explains one validation error, or None if none does.

    ``root`` is the standalone schema the error came from (for ``$ref`` and ``required``).
    """
    if error.validator == "enum":
        return _classify_enum(error.instance, list(error.validator_value))
    if error.validator == "type":
        return _classify_type(error, root)
    if error.validator == "oneOf" and not error.context:
        return Quirk.ONE_OF_OVERLAP  # valid under more than one branch
    return None


def _quirk_set(lenient: Leniency) -> frozenset[Quirk]:
    if lenient is True:
        return REAL_WORLD_QUIRKS
    if lenient is False:
        return frozenset()
    return frozenset(lenient)


def _check_date_time(value: object) -> bool:
    """RFC 3339 date-time, the form Ozon documents (``2026-05-30T10:00:00Z``)."""
    if not isinstance(value, str):
        return True
    if not re.fullmatch(
        r"\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d:\d\d(?:\.\d+)?(?:[Zz]|[+-]\d\d:\d\d)", value
    ):
        return False
    try:
        datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return False
    return True


DATE_TIME_FORMATS = FormatChecker(formats=())
DATE_TIME_FORMATS.checks("date-time")(_check_date_time)


# --------------------------------------------------------------------------------------------
# The spec
# --------------------------------------------------------------------------------------------


class OzonSpec:
    """Ozon's Seller API document with schemas normalised to JSON Schema 2020-12.

    Load it with :meth:`load`, which parses the 3.9 MB file once per process.
    """

    def __init__(self, document: Mapping[str, Any], source: Path | None = None) -> None:
        self.source = source
        self._paths: Mapping[str, Any] = document.get("paths", {})
        components = document.get("components", {})
        self._request_bodies: Mapping[str, Any] = components.get("requestBodies", {})
        self.schemas: dict[str, dict[str, Any]] = {
            name: normalise_schema(schema) for name, schema in components.get("schemas", {}).items()
        }
        self._cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    @classmethod
    def load(cls, path: Path | str) -> OzonSpec:
        """Parse the spec at ``path``, once per process per file."""
        return _load_cached(Path(path).resolve())

    # -- methods ------------------------------------------------------------------------------

    def methods(self) -> frozenset[str]:
        """Every path the spec documents, e.g. ``/v4/posting/fbs/list``."""
        return frozenset(self._paths)

    def has_method(self, path: str) -> bool:
        """Whether the spec documents ``path`` at all (retired methods may still be listed)."""
        return path in self._paths

    def method_for_example(self, file_name: str) -> str:
        """Map an example file name (``v2-posting-fbs-package-label.request.json``) to its path.

        Dashes are ambiguous (``/v1/description-category/tree``), so the name is matched against
        the spec's own path list rather than converted by rule.
        """
        stem = Path(file_name).name.split(".", 1)[0]
        matches = [p for p in self._paths if p.strip("/").replace("/", "-") == stem]
        if len(matches) != 1:
            raise SpecError(f"{file_name} matches {len(matches)} spec paths: {matches}")
        return matches[0]

    def _operation(self, path: str, method: str | None) -> Mapping[str, Any]:
        item = self._paths.get(path)
        if item is None:
            raise SpecError(f"{path} is not in Ozon's spec")
        verbs = [v for v in ("get", "post", "put", "patch", "delete") if v in item]
        if method is None:
            if len(verbs) != 1:
                raise SpecError(f"{path} has operations {verbs}; name the HTTP method")
            method = verbs[0]
        operation = item.get(method.lower())
        if operation is None:
            raise SpecError(f"{path} has no {method.upper()} operation")
        return operation

    # -- schemas ------------------------------------------------------------------------------

    def standalone(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """Bundle a normalised schema with the ``$defs`` it reaches, so it validates on its own."""
        defs: dict[str, Any] = {}
        pending = list(iter_refs(schema))
        while pending:
            name = pending.pop().removeprefix(DEFS_PREFIX)
            if name in defs:
                continue
            if name not in self.schemas:
                raise SpecError(f"dangling $ref to component schema {name!r}")
            defs[name] = self.schemas[name]
            pending.extend(iter_refs(defs[name]))
        out = {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}
        if defs:
            out["$defs"] = defs
        return out

    def _request_schema(self, path: str, method: str | None) -> dict[str, Any]:
        key = ("request", path, method)
        if key not in self._cache:
            body = self._operation(path, method).get("requestBody")
            if body is None:
                raise SpecError(f"{path} takes no request body")
            if "$ref" in body:
                body = self._request_bodies[body["$ref"].rsplit("/", 1)[-1]]
            media = (body.get("content") or {}).get("application/json")
            if media is None or "schema" not in media:
                raise SpecError(f"{path} documents no JSON request body")
            self._cache[key] = self.standalone(normalise_schema(media["schema"]))
        return self._cache[key]

    def _response_schema(
        self, path: str, status: str, content_type: str, method: str | None
    ) -> dict[str, Any]:
        key = ("response", path, status, content_type, method)
        if key not in self._cache:
            responses = self._operation(path, method).get("responses") or {}
            response = responses.get(status)
            if response is None:
                raise SpecError(f"{path} documents no {status} response (has {sorted(responses)})")
            media = (response.get("content") or {}).get(content_type)
            if media is None or "schema" not in media:
                raise SpecError(f"{path} {status} documents no {content_type} body")
            self._cache[key] = self.standalone(normalise_schema(media["schema"]))
        return self._cache[key]

    def request_schema(self, path: str, *, method: str | None = None) -> dict[str, Any]:
        """The JSON request body schema of ``path``, normalised and standalone."""
        return copy.deepcopy(self._request_schema(path, method))

    def response_schema(
        self,
        path: str,
        status: str = "200",
        *,
        content_type: str = "application/json",
        method: str | None = None,
    ) -> dict[str, Any]:
        """The schema of one documented response of ``path``, normalised and standalone."""
        return copy.deepcopy(self._response_schema(path, str(status), content_type, method))

    def response_content_types(self, path: str, status: str = "200") -> list[str]:
        """Content types documented for one response (PDF and PNG methods model a body too)."""
        response = (self._operation(path, None).get("responses") or {}).get(str(status)) or {}
        return list(response.get("content") or {})

    def all_schemas(self) -> dict[str, Any]:
        """Every component schema as one JSON Schema document (for sweeping the whole spec)."""
        return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": self.schemas}

    # -- validation ---------------------------------------------------------------------------

    def errors(
        self,
        schema: Mapping[str, Any],
        body: Any,
        *,
        lenient: Leniency = False,
        check_formats: bool | None = None,
    ) -> list[Violation]:
        """Every violation of a standalone ``schema`` by ``body``, minus the tolerated quirks.

        Args:
            schema: a schema from :meth:`request_schema` / :meth:`response_schema`.
            body: the decoded JSON payload.
            lenient: ``False`` reports everything (for the sandbox); ``True`` tolerates the
                real-world quirks a client must accept; or an explicit set of :class:`Quirk`.
            check_formats: check ``date-time`` strings as RFC 3339; by default only when strict,
                since a faithful emulator must send them while a tolerant client need not care.
        """
        allowed = _quirk_set(lenient)
        if check_formats is None:
            check_formats = not allowed
        validator = Draft202012Validator(
            schema, format_checker=DATE_TIME_FORMATS if check_formats else None
        )
        return sorted(
            (
                Violation(
                    json_path=json_path(error.absolute_path),
                    keyword=str(error.validator),
                    message=error.message,
                    quirk=classify(error, schema),
                )
                for error in self._untolerated(validator, body, schema, allowed)
            ),
            key=lambda v: (v.json_path, v.keyword),
        )

    def _untolerated(
        self,
        validator: Draft202012Validator,
        body: Any,
        root: Mapping[str, Any],
        allowed: frozenset[Quirk],
    ) -> Iterator[ValidationError]:
        for error in validator.iter_errors(body):
            if not self._tolerated(error, validator, root, allowed):
                yield error

    def _tolerated(
        self,
        error: ValidationError,
        validator: Draft202012Validator,
        root: Mapping[str, Any],
        allowed: frozenset[Quirk],
    ) -> bool:
        """True when an allowed quirk explains the error completely."""
        if error.validator in ("oneOf", "anyOf") and error.context:
            # Tolerated when some branch fails only by tolerated quirks.
            branches: dict[Any, list[ValidationError]] = {}
            for sub in error.context:
                branches.setdefault(sub.relative_schema_path[0], []).append(sub)
            return any(
                all(self._tolerated(sub, validator, root, allowed) for sub in subs)
                for subs in branches.values()
            )
        quirk = classify(error, root)
        if quirk is None or quirk not in allowed:
            return False
        if quirk is Quirk.ARRAY_FOR_OBJECT:
            # The list is tolerated only if each element is a valid object of that schema.
            item_schema = {**error.schema, "$defs": root.get("$defs", {})}
            item_validator = validator.evolve(schema=item_schema)
            return all(
                not any(True for _ in self._untolerated(item_validator, item, root, allowed))
                for item in error.instance
            )
        return True

    def request_errors(
        self, path: str, body: Any, *, lenient: Leniency = False, method: str | None = None
    ) -> list[Violation]:
        """Violations of ``path``'s request schema by ``body``."""
        return self.errors(self._request_schema(path, method), body, lenient=lenient)

    def response_errors(
        self,
        path: str,
        body: Any,
        status: str = "200",
        *,
        lenient: Leniency = False,
        content_type: str = "application/json",
        method: str | None = None,
    ) -> list[Violation]:
        """Violations of ``path``'s ``status`` response schema by ``body``."""
        schema = self._response_schema(path, str(status), content_type, method)
        return self.errors(schema, body, lenient=lenient)

    def validate_request(
        self, path: str, body: Any, *, lenient: Leniency = False, method: str | None = None
    ) -> None:
        """Raise :class:`ConformanceError` listing every violation of the request schema."""
        violations = self.request_errors(path, body, lenient=lenient, method=method)
        if violations:
            raise ConformanceError(f"request to {path}", violations)

    def validate_response(
        self,
        path: str,
        body: Any,
        status: str = "200",
        *,
        lenient: Leniency = False,
        content_type: str = "application/json",
        method: str | None = None,
    ) -> None:
        """Raise :class:`ConformanceError` listing every violation of the response schema."""
        violations = self.response_errors(
            path, body, status, lenient=lenient, content_type=content_type, method=method
        )
        if violations:
            raise ConformanceError(f"{status} response of {path}", violations)


@functools.cache
def _load_cached(path: Path) -> OzonSpec:
    with path.open(encoding="utf-8") as fh:
        return OzonSpec(json.load(fh), source=path)


# --------------------------------------------------------------------------------------------
# Retired methods (API-NOTES.md)
# --------------------------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"`([^`]+)`")
_METHOD_IN_CODE = re.compile(r"^(?:(?:GET|POST)\s+)?(/v\d+/\S+)$")
# A successor named after an arrow ("→ `/v2/...`") is the replacement, not a retired method.
_SUCCESSOR = re.compile(r"→\s*`[^`]*`")
# Prose outside the "Retired" paragraphs: "`/v4/product/info/prices` was removed 2025-02-18",
# "`POST /v1/posting/fbs/package-label/create` (single `task_id`) is deprecated", "(retired)".
_RETIRED_IN_PROSE = re.compile(
    r"`([^`]+)`(?:\s*\((?:[^()`]|`[^`]*`)*\))?\s+(?:is|are|was|were)\s+\**"
    r"(?:deprecated|removed|disabled|retired|switched off)"
    r"|`([^`]+)`\s*\(retired\)"
)
_RETIRED_TABLE_HEADER = re.compile(r"^\|\s*capability\s*\|.*\|\s*retired", re.IGNORECASE)


def expand_method_shorthand(text: str, known: Iterable[str] = ()) -> set[str]:
    """Expand one method mention from the notes into full paths.

    ``/v1/carriage/create|approve`` → both paths; ``/v2/posting/fbs/digital/act/*`` → every
    ``known`` path under that prefix; placeholders such as ``/v2/...`` expand to nothing.
    """
    match = _METHOD_IN_CODE.match(text.strip())
    if not match or "..." in match[1]:
        return set()
    path = match[1].rstrip(".,;")
    if path.endswith("/*"):
        prefix = path[:-1]
        return {k for k in known if k.startswith(prefix) and len(k) > len(prefix)}
    head, _, last = path.rpartition("/")
    return {f"{head}/{alt}" for alt in last.split("|") if alt}


def _split_table_row(line: str) -> list[str]:
    """Split a Markdown table row on ``|`` outside code spans (``/v1/carriage/get|cancel``)."""
    cells, cell, in_code = [], "", False
    for char in line.strip().strip("|"):
        if char == "`":
            in_code = not in_code
        if char == "|" and not in_code:
            cells.append(cell.strip())
            cell = ""
        else:
            cell += char
    cells.append(cell.strip())
    return cells


def _retired_mentions(notes: str) -> list[str]:
    """Code spans naming retired methods: "Retired:" paragraphs, the table, and prose."""
    mentions: list[str] = []
    lines = notes.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("Retired:"):
            paragraph = [line]
            i += 1
            while i < len(lines) and lines[i].strip() and lines[i][0] not in "#|-":
                paragraph.append(lines[i])
                i += 1
            mentions += _CODE_SPAN.findall(_SUCCESSOR.sub("", "\n".join(paragraph)))
            continue
        if _RETIRED_TABLE_HEADER.match(line):
            column = len(_split_table_row(line)) - 1
            i += 2  # skip the header separator
            while i < len(lines) and lines[i].startswith("|"):
                cells = _split_table_row(lines[i])
                if column < len(cells):
                    mentions += _CODE_SPAN.findall(_SUCCESSOR.sub("", cells[column]))
                i += 1
            continue
        i += 1
    for match in _RETIRED_IN_PROSE.finditer(notes):
        mentions += [g for g in match.groups() if g]
    return mentions


def retired_methods(notes_path: Path | str, known: Iterable[str] = ()) -> set[str]:
    """Every method API-NOTES.md names as retired, deprecated, removed or disabled.

    Args:
        notes_path: ``API-NOTES.md``.
        known: further method paths (e.g. ``spec.methods()``) to expand ``…/*`` mentions over;
            paths mentioned anywhere in the notes are always used.
    """
    notes = Path(notes_path).read_text(encoding="utf-8")
    mentioned: set[str] = set(known)
    for span in _CODE_SPAN.findall(notes):
        if "*" not in span:
            mentioned |= expand_method_shorthand(span)
    retired: set[str] = set()
    for mention in _retired_mentions(notes):
        retired |= expand_method_shorthand(mention, mentioned)
    return retired


def assert_methods_current(methods: Iterable[str], spec: OzonSpec, retired: Iterable[str]) -> None:
    """Fail naming every method that is not in Ozon's spec or that the notes call retired."""
    retired_set = set(retired)
    problems = []
    for method in sorted(set(methods)):
        if not spec.has_method(method):
            problems.append(f"{method}: not in Ozon's spec")
        if method in retired_set:
            problems.append(f"{method}: retired (API-NOTES.md)")
    if problems:
        raise AssertionError(
            f"{len(problems)} Ozon method problem(s):\n" + "\n".join(f"  - {p}" for p in problems)
        )
