"""Every Ozon example payload is read by the client, or its method is one the product does not call.

An example of a method the client calls must parse into the client's model for that method (or be
refused for a listed reason, naming the offending field); push examples must become typed pushes;
any other example's method must be listed below, with why the product does not call it. A new
example, a new client method or a stale entry fails here instead of slipping through.
"""

from __future__ import annotations

import ast
import importlib
import json
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ValidationError

import resources.ozon
from resources.ozon.client import unwrap_file
from resources.ozon.errors import (
    OzonConflictError,
    OzonError,
    OzonForbiddenError,
    OzonNotFoundError,
    OzonRateLimitedError,
    OzonServerError,
    OzonValidationError,
    error_from_response,
)
from resources.ozon.models.push import PingReply, PushAck, PushErrorReply, UnknownPush
from resources.ozon.push import PUSH_MODELS, parse_push
from tests.support.openapi import OzonSpec, SpecError, retired_methods
from tests.support.ozon_models import (
    CLIENT_MODELS,
    FILE,
    REFUSED_REQUEST_EXAMPLES,
    MethodModels,
    client_paths,
)


class Why(StrEnum):
    """Why the product does not call a method Ozon publishes examples for."""

    RETIRED = "retired or deprecated (API-NOTES.md)"
    RFBS_ONLY = "rFBS only (the seller delivers); Novex is FBS"
    NOT_NEEDED = "not needed for Novex FBS"
    BETA = "beta"


_RFBS_RETURNS = "return requests of rFBS postings; FBS returns are read with /v1/returns/list"
_RFBS_DELIVERY = "rFBS with the seller's own delivery; under FBS Ozon moves postings on itself"
_BETA_PUSH = "beta notification API (April 2026); push URL and types are set in the cabinet"
_PICK_LISTS = "pick lists for warehouse staff; packing documents come from Novex's own systems"
_DISPUTE = "disputes over postings the sorting centre did not scan; handled by staff"
_COUNTRY = "country of origin, asked only for requirements.products_requiring_country"

NOT_CALLED: dict[str, tuple[Why, str]] = {
    "/v1/delivery-method/list": (Why.RETIRED, "disabled 2026-04-07"),
    "/v1/posting/carriage-available/list": (Why.RETIRED, "disabled 2026-03-20"),
    "/v1/posting/fbs/package-label/create": (Why.RETIRED, "deprecated; v2 creates label tasks"),
    "/v1/product/info/stocks-by-warehouse/fbs": (Why.RETIRED, "disabled 2026-04-07; v2 used"),
    "/v1/warehouse/list": (Why.RETIRED, "disabled 2026-04-07; /v2/warehouse/list used"),
    "/v2/posting/fbs/digital/act/check-status": (Why.RETIRED, "disabled 2026-03-22"),
    "/v2/posting/fbs/digital/act/get-pdf": (Why.RETIRED, "disabled 2026-03-22"),
    "/v3/posting/fbs/list": (Why.RETIRED, "off 2026-06-01; /v4/posting/fbs/list used"),
    "/v3/posting/fbs/unfulfilled/list": (Why.RETIRED, "off 2026-06-01; v4 used"),
    "/v1/returns/rfbs/action/set": (Why.RFBS_ONLY, _RFBS_RETURNS),
    "/v2/returns/rfbs/get": (Why.RFBS_ONLY, _RFBS_RETURNS),
    "/v2/returns/rfbs/list": (Why.RFBS_ONLY, _RFBS_RETURNS),
    "/v2/conditional-cancellation/list": (Why.RFBS_ONLY, "buyers' cancellation requests"),
    "/v2/delivery-method/list": (
        Why.RFBS_ONLY,
        "realFBS warehouses only; for FBS the warehouse id is the delivery method id",
    ),
    "/v2/fbs/posting/delivered": (Why.RFBS_ONLY, _RFBS_DELIVERY),
    "/v2/fbs/posting/delivering": (Why.RFBS_ONLY, _RFBS_DELIVERY),
    "/v2/fbs/posting/last-mile": (Why.RFBS_ONLY, _RFBS_DELIVERY),
    "/v2/fbs/posting/tracking-number/set": (Why.RFBS_ONLY, _RFBS_DELIVERY),
    "/v3/posting/multiboxqty/set": (
        Why.RFBS_ONLY,
        "scoped to rFBS Aggregator; FBS sends multi_box_qty with the marks (exemplar/set)",
    ),
    "/v1/notification/check": (Why.BETA, _BETA_PUSH),
    "/v1/notification/list": (Why.BETA, _BETA_PUSH),
    "/v1/notification/push-type/list": (Why.BETA, _BETA_PUSH),
    "/v1/notification/set": (Why.BETA, _BETA_PUSH),
    "/v1/assembly/fbs/posting/list": (Why.NOT_NEEDED, _PICK_LISTS),
    "/v1/assembly/fbs/product/list": (Why.NOT_NEEDED, _PICK_LISTS),
    "/v1/carriage/act-discrepancy/pdf": (Why.NOT_NEEDED, "issued to CIS sellers only"),
    "/v1/fbs/posting/product/exemplar/update": (
        Why.NOT_NEEDED,
        "corrects marks after packing; the client sends the complete set before packing",
    ),
    "/v1/posting/fbs/restrictions": (
        Why.NOT_NEEDED,
        "drop-off point weight/size/price limits; not checked by the packing flow",
    ),
    "/v1/posting/fbs/split": (
        Why.NOT_NEEDED,
        "splits without packing; the client splits by box while packing (ship, ship/package)",
    ),
    "/v1/product/info/description": (
        Why.NOT_NEEDED,
        "description text only; cards are read back with /v3/product/info/list and "
        "/v4/product/info/attributes",
    ),
    "/v1/product/info/warehouse/stocks": (
        Why.NOT_NEEDED,
        "one warehouse per call; /v2/product/info/stocks-by-warehouse/fbs reads them all",
    ),
    "/v4/product/info/stocks": (
        Why.NOT_NEEDED,
        "stock summed per scheme (FBS, FBO), not per warehouse; the v2 FBS read is used",
    ),
    "/v1/roles": (Why.NOT_NEEDED, "a key's roles; a missing role shows as the method's 403"),
    "/v2/posting/fbs/act/get-container-labels": (
        Why.NOT_NEEDED,
        "package-unit labels under trusted acceptance; handover uses act, waybill and barcode",
    ),
    "/v2/posting/fbs/arbitration": (Why.NOT_NEEDED, _DISPUTE),
    "/v2/posting/fbs/awaiting-delivery": (Why.NOT_NEEDED, _DISPUTE),
    "/v2/posting/fbs/get-by-barcode": (
        Why.NOT_NEEDED,
        "finds a posting by label barcode (scanners); the product has the posting numbers",
    ),
    "/v2/posting/fbs/product/country/list": (Why.NOT_NEEDED, _COUNTRY),
    "/v2/posting/fbs/product/country/set": (Why.NOT_NEEDED, _COUNTRY),
    "/v2/report/returns/create": (
        Why.NOT_NEEDED,
        "a returns report file; returns are read one by one with /v1/returns/list",
    ),
}

# The receiver's replies to Ozon (push/): what the client's reply models must reproduce.
PUSH_REPLIES: dict[str, type[BaseModel]] = {
    "TYPE_PING.response-ok.json": PingReply,
    "ack.response-ok.json": PushAck,
    "error.response.json": PushErrorReply,
}

# The exception the client raises for each documented error status.
ERROR_CLASSES: dict[int, type[OzonError]] = {
    400: OzonValidationError,
    403: OzonForbiddenError,
    404: OzonNotFoundError,
    409: OzonConflictError,
    429: OzonRateLimitedError,
    500: OzonServerError,
}

PARSED = "parsed by the client model"
REFUSED = "refused by the client model, as listed"
PUSH = "parsed as a push or push reply"
NOT_USED = "method not called by the product"


@dataclass(frozen=True)
class Verdict:
    """What became of one example file; ``problem`` says what is wrong, if anything."""

    name: str
    outcome: str = ""
    problem: str = ""


def example_files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.json"))


def check_example(path: Path, root: Path, spec: OzonSpec) -> Verdict:
    """Parse one example with the client's model for its method, or find its method listed."""
    name = path.relative_to(root).as_posix()
    data: Any = json.loads(path.read_text(encoding="utf-8"))
    if name.startswith("push/"):
        return _check_push(name, path.name, data)
    try:
        method = spec.method_for_example(path.name)
    except SpecError as exc:
        return Verdict(name, problem=str(exc))
    if method in CLIENT_MODELS:
        return _check_client(name, method, CLIENT_MODELS[method], data)
    if method in NOT_CALLED:
        return Verdict(name, NOT_USED)
    return Verdict(
        name,
        problem=f"{method} is neither in tests/support/ozon_models.py (client) nor in NOT_CALLED",
    )


def _check_client(name: str, method: str, models: MethodModels, data: Any) -> Verdict:
    kind = name.rsplit("/", 1)[-1].split(".")[1]
    if kind == "request":
        return _check_request(name, method, models.request, data)
    if kind == "response":
        if models.response == FILE:
            content = unwrap_file(json.dumps(data).encode(), method)
            if content[:4] not in (b"%PDF", b"\x89PNG"):
                return Verdict(name, problem=f"file reply is neither PDF nor PNG: {content[:8]!r}")
            return Verdict(name, PARSED)
        try:
            models.response.model_validate(data)
        except ValidationError as exc:
            return Verdict(name, problem=f"{models.response.__name__} refused it: {exc}")
        return Verdict(name, PARSED)
    if kind.startswith("response-"):
        return _check_error_reply(name, method, int(kind.removeprefix("response-")), data)
    return Verdict(name, problem=f"neither a request nor a response example ({kind!r})")


def _check_request(name: str, method: str, model: type[BaseModel] | None, data: Any) -> Verdict:
    if model is None:
        return Verdict(name, problem=f"the client sends {method} no body, but Ozon documents one")
    refused = REFUSED_REQUEST_EXAMPLES.get(name)
    try:
        model.model_validate(data)
    except ValidationError as exc:
        if refused is None:
            return Verdict(name, problem=f"{model.__name__} refused it: {exc}")
        field, _why = refused
        fields = {".".join(str(p) for p in e["loc"]) for e in exc.errors()}
        if field not in fields or field not in str(exc):
            return Verdict(name, problem=f"refused for {sorted(fields)}, listed for {field!r}")
        return Verdict(name, REFUSED)
    if refused is not None:
        return Verdict(name, problem="listed in REFUSED_REQUEST_EXAMPLES but parses: unlist it")
    return Verdict(name, PARSED)


def _check_error_reply(name: str, method: str, status: int, data: Any) -> Verdict:
    error = error_from_response(method, status, json.dumps(data), {})
    expected = ERROR_CLASSES.get(status, OzonError)
    if not isinstance(error, expected):
        return Verdict(name, problem=f"became {type(error).__name__}, not {expected.__name__}")
    if (error.status, error.code, error.message) != (status, data.get("code"), data["message"]):
        return Verdict(name, problem=f"lost status, code or message: {error!r}")
    return Verdict(name, PARSED)


def _check_push(name: str, file_name: str, data: Any) -> Verdict:
    reply = PUSH_REPLIES.get(file_name)
    if reply is not None:
        try:
            reply.model_validate(data)
        except ValidationError as exc:
            return Verdict(name, problem=f"{reply.__name__} refused it: {exc}")
        return Verdict(name, PUSH)
    message_type = file_name.split(".", 1)[0]
    if not message_type.startswith("TYPE_"):
        return Verdict(name, problem="neither a TYPE_* push nor a listed push reply")
    if data.get("message_type") == "string":
        # Ozon documents two pushes with the placeholder "string" as their type (SOURCES.md).
        data = {**data, "message_type": message_type}
    if data.get("message_type") != message_type:
        return Verdict(name, problem=f"carries message_type {data.get('message_type')!r}")
    try:
        push = parse_push(data)
    except (ValidationError, ValueError) as exc:
        return Verdict(name, problem=f"parse_push refused it: {exc}")
    if isinstance(push, UnknownPush) or type(push) is not PUSH_MODELS.get(message_type):
        return Verdict(name, problem=f"parsed into {type(push).__name__}, not a typed push")
    return Verdict(name, PUSH)


def _describe(verdicts: list[Verdict]) -> str:
    return "\n".join(f"  - {v.name}: {v.problem}" for v in verdicts)


def test_every_example_is_read_by_the_client_or_its_method_is_not_called(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    verdicts = [check_example(p, ozon_examples, spec) for p in example_files(ozon_examples)]
    problems = [v for v in verdicts if v.problem]
    assert not problems, f"{len(problems)} example(s) not accounted for:\n" + _describe(problems)
    counts = Counter(v.outcome for v in verdicts)
    assert counts[REFUSED] == len(REFUSED_REQUEST_EXAMPLES), counts
    assert counts[PUSH] == len(list((ozon_examples / "push").glob("*.json"))), counts
    # Most of what Ozon documents for FBS is what the product really calls.
    assert counts[PARSED] + counts[REFUSED] > counts[NOT_USED], counts


def test_a_new_example_or_push_type_without_a_model_is_reported(
    spec: OzonSpec, tmp_path: Path
) -> None:
    (tmp_path / "push").mkdir()
    unlisted = tmp_path / "v1-product-pictures-import.request.json"
    unknown_push = tmp_path / "push" / "TYPE_POSTING_SHIPPED.json"
    no_method = tmp_path / "v9-posting-teleport.request.json"
    broken = tmp_path / "v2-posting-fbs-cancel.request.json"
    unlisted.write_text("{}")
    unknown_push.write_text('{"message_type": "TYPE_POSTING_SHIPPED", "posting_number": "1"}')
    no_method.write_text("{}")
    broken.write_text('{"posting_number": "1", "cancel_reason_id": "none"}')
    verdicts = {
        v.name: v.problem
        for v in (
            check_example(p, tmp_path, spec) for p in [unlisted, unknown_push, no_method, broken]
        )
    }
    assert "/v1/product/pictures/import is neither" in verdicts[unlisted.name]
    assert "UnknownPush, not a typed push" in verdicts["push/TYPE_POSTING_SHIPPED.json"]
    assert "matches 0 spec paths" in verdicts[no_method.name]
    assert "CancelRequest refused it" in verdicts[broken.name]
    assert "cancel_reason_id" in verdicts[broken.name]


def test_not_called_methods_are_reasoned_current_and_still_documented(
    spec: OzonSpec, ozon_notes_path: Path, ozon_examples: Path
) -> None:
    retired = retired_methods(ozon_notes_path, spec.methods())
    with_examples = {
        spec.method_for_example(p.name)
        for p in example_files(ozon_examples)
        if not p.relative_to(ozon_examples).as_posix().startswith("push/")
    }
    assert not set(NOT_CALLED) & set(CLIENT_MODELS), "a listed method is called by the client"
    assert all(spec.has_method(m) for m in NOT_CALLED)
    assert set(NOT_CALLED) <= with_examples, f"stale: {set(NOT_CALLED) - with_examples}"
    assert all(reason.strip() for _, reason in NOT_CALLED.values())
    said_retired = {m for m, (why, _) in NOT_CALLED.items() if why is Why.RETIRED}
    # "Retired" must agree with API-NOTES.md both ways.
    assert said_retired == set(NOT_CALLED) & retired, (
        f"listed retired but current: {said_retired - retired}; "
        f"retired per the notes but listed otherwise: {(set(NOT_CALLED) & retired) - said_retired}"
    )


def test_refused_request_examples_are_examples_of_client_methods(
    spec: OzonSpec, ozon_examples: Path
) -> None:
    for name, (field, why) in REFUSED_REQUEST_EXAMPLES.items():
        assert (ozon_examples / name).is_file(), f"{name}: no such example"
        assert ".request." in name and field and why
        assert spec.method_for_example(name) in CLIENT_MODELS, name


def test_the_model_table_names_every_method_the_client_calls() -> None:
    assert set(CLIENT_MODELS) == client_paths(), (
        f"missing from tests/support/ozon_models.py: {client_paths() - set(CLIENT_MODELS)}; "
        f"not a client method: {set(CLIENT_MODELS) - client_paths()}"
    )


# --------------------------------------------------------------------------------------------
# The table against the service modules' own calls
# --------------------------------------------------------------------------------------------


class Unresolved(Exception):
    """A call's request body is built in a way this reader does not follow."""


Scopes = list[ast.FunctionDef]


def _model_class(module: Any, name: str) -> type[BaseModel] | None:
    value = getattr(module, name, None)
    return value if isinstance(value, type) and issubclass(value, BaseModel) else None


def _request_model(expr: ast.expr, scopes: Scopes, module: Any) -> type[BaseModel] | None:
    """The model a request body expression is built from (None for an empty ``{}``)."""
    if isinstance(expr, ast.Dict) and not expr.keys:
        return None
    if isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Name) and func.id == "body" and expr.args:
            return _request_model(expr.args[0], scopes, module)
        if isinstance(func, ast.Name) and (model := _model_class(module, func.id)):
            return model
        if isinstance(func, ast.Attribute) and func.attr in ("model_validate", "model_copy"):
            if isinstance(func.value, ast.Name) and (model := _model_class(module, func.value.id)):
                return model
            return _request_model(func.value, scopes, module)
    if isinstance(expr, ast.Name):
        for scope in reversed(scopes):
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == expr.id for t in node.targets
                ):
                    return _request_model(node.value, scopes, module)
            for arg in scope.args.args + scope.args.kwonlyargs:
                annotation = arg.annotation
                if (
                    arg.arg == expr.id
                    and isinstance(annotation, ast.Name)
                    and (model := _model_class(module, annotation.id))
                ):
                    return model
    raise Unresolved(ast.unparse(expr))


def _service_calls() -> list[tuple[str, str, MethodModels]]:
    """(where, path, models) of every ``self._client._post…`` call in resources/ozon."""
    calls: list[tuple[str, str, MethodModels]] = []
    folder = Path(resources.ozon.__file__).parent
    for source in sorted(folder.glob("*.py")):
        module = importlib.import_module(f"resources.ozon.{source.stem}")

        def visit(node: ast.AST, scopes: Scopes, module: Any = module, where: str = source.name):
            if isinstance(node, ast.FunctionDef):
                scopes = [*scopes, node]
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("_post", "_post_bytes")
                and ast.unparse(node.func.value) == "self._client"
            ):
                path_arg, body_arg = node.args[0], node.args[1]
                assert isinstance(path_arg, ast.Attribute), f"{where}: path not a constant"
                path = getattr(module.constants, path_arg.attr)
                request = _request_model(body_arg, scopes, module)
                if node.func.attr == "_post_bytes":
                    response: type[BaseModel] | Literal["file"] = FILE
                else:
                    reply = node.args[2]
                    assert isinstance(reply, ast.Name), f"{where}: reply model not a name"
                    response = getattr(module, reply.id)
                calls.append((f"{where}:{node.lineno}", path, MethodModels(request, response)))
            for child in ast.iter_child_nodes(node):
                visit(child, scopes)

        visit(ast.parse(source.read_text(encoding="utf-8")), [])
    return calls


def test_the_model_table_matches_what_the_services_send_and_read() -> None:
    calls = _service_calls()
    assert {path for _, path, _ in calls} == set(CLIENT_MODELS), "a client method is never called"
    wrong = [
        f"{where} {path}: calls with {models}, the table says {CLIENT_MODELS[path]}"
        for where, path, models in calls
        if models != CLIENT_MODELS[path]
    ]
    assert not wrong, "\n".join(wrong)


def test_the_call_reader_follows_request_variables_and_refuses_the_unknown() -> None:
    tree = ast.parse(
        "def outer(request: ShipRequest):\n"
        "    def fetch():\n"
        "        page = request.model_copy()\n"
        "        return page\n"
    )
    outer = tree.body[0]
    assert isinstance(outer, ast.FunctionDef)
    fetch = outer.body[0]
    assert isinstance(fetch, ast.FunctionDef)
    postings = importlib.import_module("resources.ozon.postings")
    page = ast.Name(id="page")
    assert _request_model(page, [outer, fetch], postings) is postings.ShipRequest
    with pytest.raises(Unresolved, match="mystery"):
        _request_model(ast.Name(id="mystery"), [outer, fetch], postings)
