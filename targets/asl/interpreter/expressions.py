"""Fields of a state compiled once into small closures: paths, payload templates, intrinsics, JSONata.

Every compiled value is `fn(env) -> value` where `env` is an `Env` (the state's data, the context object,
the variables, `$states` for JSONata, the run's RNG). Parsing happens here, once per definition, so the
hot loop only walks closures. Error texts follow the service's wording (see `targets/runtime/payload.py`).
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Callable, Mapping
from typing import Any

import orjson

from targets.runtime import intrinsics, jsonpath
from targets.runtime.errors import QUERY_EVALUATION_ERROR, RUNTIME, StatesError

Compiled = Callable[["Env"], Any]


class Env:
    """What an expression can see. `states` is JSONata's `$states` (built lazily)."""

    __slots__ = ("context", "data", "error_output", "result", "rng", "variables")

    def __init__(self, data: Any, context: Any, variables: Mapping[str, Any] | None, rng: random.Random,
                 result: Any = None, error_output: Any = None):
        self.data = data
        self.context = context
        self.variables = variables
        self.rng = rng
        self.result = result
        self.error_output = error_output

    def states(self, with_result: bool = False, with_error: bool = False) -> dict[str, Any]:
        out = {"input": self.data, "context": self.context}
        if with_result:
            out["result"] = self.result
        if with_error:
            out["errorOutput"] = self.error_output
        return out


def preview(value: Any, limit: int = 200) -> str:
    text = dumps(value)
    return text if len(text) <= limit else text[:limit] + "..."


def dumps(value: Any) -> str:
    """Compact JSON text (what the service prints), non-ASCII kept."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return jsonpath.dumps_compact(value)


def size(value: Any) -> int:
    try:
        return len(orjson.dumps(value))
    except TypeError:
        return len(jsonpath.dumps_compact(value).encode())


def copy_json(value: Any) -> Any:
    """A deep copy through JSON (what crossing a service boundary does): tuples become lists, etc."""
    try:
        return orjson.loads(orjson.dumps(value))
    except TypeError as err:
        raise StatesError(RUNTIME, f"value is not JSON-serialisable: {err}") from None


# --------------------------------------------------------------------------- JSONPath


def path_reader(text: str, field: str | None = None) -> Compiled:
    """`$.a.b` / `$$.x` / `$var.y`: the value, or States.Runtime when nothing is found."""
    try:
        parsed = jsonpath.parse_path(text)
    except jsonpath.PathSyntaxError as err:
        raise StatesError(RUNTIME, f"The value '{text}' is not a valid JSONPath: {err}") from None
    where = f" specified for the field '{field}'" if field else ""

    if parsed.root == "$" and parsed.simple is not None and not parsed.simple:
        return lambda env: env.data

    def read(env: Env) -> Any:
        try:
            return parsed.evaluate(env.data, context=env.context, variables=env.variables)
        except jsonpath.PathNotFound:
            raise StatesError(RUNTIME, f"The JSONPath '{text}'{where} could not be found in the input "
                                       f"'{preview(env.data)}'") from None
    return read


def intrinsic_reader(text: str, field: str | None = None) -> Compiled:
    try:
        call = intrinsics.parse_intrinsic(text)
    except intrinsics.IntrinsicSyntaxError as err:
        raise StatesError(RUNTIME, f"The value '{text}' is not a valid intrinsic function: {err}") from None

    def run(env: Env) -> Any:
        try:
            return intrinsics.evaluate(call, env.data, context=env.context, variables=env.variables, rng=env.rng)
        except jsonpath.PathNotFound as err:
            raise StatesError(RUNTIME, f"The JSONPath in '{text}' could not be found in the input "
                                       f"'{preview(env.data)}' ({err.cause})") from None
    return run


def dynamic(text: str, field: str | None = None) -> Compiled:
    """The value of a `.$` field: an intrinsic call or a path."""
    if intrinsics.is_intrinsic(text):
        return intrinsic_reader(text, field)
    return path_reader(text, field)


def _constant(value: Any) -> Compiled:
    return lambda env: value


def template(value: Any) -> Compiled:
    """A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign...)."""
    if isinstance(value, dict):
        if not _has_dynamic(value):
            return _constant(value)
        parts: list[tuple[str, Compiled]] = []
        for key, item in value.items():
            if key.endswith(".$"):
                if not isinstance(item, str):
                    raise StatesError(RUNTIME, f"The value for the field '{key}' must be a STRING that contains "
                                               f"a JSONPath but was {type(item).__name__}")
                parts.append((key[:-2], dynamic(item, key)))
            else:
                parts.append((key, template(item)))

        def build(env: Env) -> dict[str, Any]:
            return {key: fn(env) for key, fn in parts}
        return build
    if isinstance(value, list):
        if not _has_dynamic(value):
            return _constant(value)
        items = [template(item) for item in value]
        return lambda env: [fn(env) for fn in items]
    return _constant(value)


def _has_dynamic(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k.endswith(".$") or _has_dynamic(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_dynamic(v) for v in value)
    return False


def reference_path(text: str | None) -> jsonpath.JsonPath | None:
    if text is None:
        return None
    try:
        return jsonpath.parse_reference_path(text)
    except jsonpath.PathSyntaxError as err:
        raise StatesError(RUNTIME, f"Invalid ResultPath '{text}': {err}") from None


def apply_result_path(raw_input: Any, result: Any, path: jsonpath.JsonPath | None, text: str | None) -> Any:
    if text is None:
        return raw_input
    if text == "$":
        return result
    assert path is not None
    return jsonpath.set_at(raw_input, path, result)


# --------------------------------------------------------------------------- JSONata


@functools.lru_cache(maxsize=4096)
def _jsonata(body: str) -> Any:
    import jsonata

    return jsonata.Jsonata(body)


def is_jsonata(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


def _plain(value: Any) -> Any:
    """jsonata-python values as JSON values; integral floats print as integers, as JavaScript does."""
    if value is None:
        return None
    if isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and value == int(value) and abs(value) < 2 ** 53:
            return int(value)
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if callable(value):
        return {}
    return value


def jsonata_expression(text: str, field: str | None = None) -> Callable[[Env, dict[str, Any]], Any]:
    """`{% expr %}` -> fn(env, states) -> value (States.QueryEvaluationError on failure).

    jsonata-python returns None both for JSON null and for "undefined"; both become null here.
    """
    body = text[2:-2].strip()
    try:
        compiled = _jsonata(body)
    except Exception as err:
        raise StatesError(QUERY_EVALUATION_ERROR, f"The JSONata expression '{body}' is not valid: {err}") from None
    where = f" specified for the field '{field}'" if field else ""

    def run(env: Env, states: dict[str, Any]) -> Any:
        bindings = dict(env.variables) if env.variables else {}
        bindings["states"] = states
        try:
            value = compiled.evaluate(None, bindings)
        except Exception as err:
            raise StatesError(QUERY_EVALUATION_ERROR,
                              f"An error occurred while evaluating the JSONata expression '{body}'{where}: {err}"
                              ) from None
        return _plain(value)
    return run


def jsonata_template(value: Any, field: str | None = None) -> Callable[[Env, dict[str, Any]], Any]:
    """A JSONata-mode field: strings `{% %}` are expressions, everything else literal (nested)."""
    if is_jsonata(value):
        return jsonata_expression(value, field)
    if isinstance(value, dict):
        if not _has_jsonata(value):
            return lambda env, states: value
        parts = [(k, jsonata_template(v, field)) for k, v in value.items()]
        return lambda env, states: {key: fn(env, states) for key, fn in parts}
    if isinstance(value, list):
        if not _has_jsonata(value):
            return lambda env, states: value
        items = [jsonata_template(v, field) for v in value]
        return lambda env, states: [fn(env, states) for fn in items]
    return lambda env, states: value


def _has_jsonata(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_jsonata(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_jsonata(v) for v in value)
    return is_jsonata(value)


def mentions_context(value: Any) -> bool:
    """Whether a field could read the context object (`$$` or `$states.context`)."""
    if isinstance(value, str):
        return "$$" in value or "context" in value
    if isinstance(value, dict):
        return any(mentions_context(k) or mentions_context(v) for k, v in value.items())
    if isinstance(value, list):
        return any(mentions_context(v) for v in value)
    return False
