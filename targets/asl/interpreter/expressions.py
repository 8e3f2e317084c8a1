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
from flowc.targets.runtime import intrinsics, jsonpath, messages
from flowc.targets.runtime.errors import QUERY_EVALUATION_ERROR, RUNTIME, StatesError
from flowc.targets.runtime.jsonpath import NOT_FOUND, walk_simple

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


def copy_json_text(value: Any) -> tuple[Any, str]:
    """`copy_json(value)` and the JSON text it went through (the copy's snapshot, for its history event; text
    rather than orjson's bytes, which keep a 4 KiB buffer: see `history.snapshot`)."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError as err:
        raise StatesError(RUNTIME, f"value is not JSON-serialisable: {err}") from None
    return orjson.loads(text), text


def copy_from(value: Any, snap: Any) -> Any:
    """`copy_json(value)`, from `snap` when it is the value's orjson text (`history.snapshot`; its fallback
    encoder's bytes mean orjson refused the value, and `copy_json` says so)."""
    return orjson.loads(snap) if type(snap) is str else copy_json(value)


# --------------------------------------------------------------------------- JSONPath


def path_reader(text: str, field: str | None = None) -> Compiled:
    """`$.a.b` / `$$.x` / `$var.y`: the value, or States.Runtime when nothing is found."""
    try:
        parsed = jsonpath.parse_path(text)
    except jsonpath.PathSyntaxError as err:
        raise StatesError(RUNTIME, f"The value '{text}' is not a valid JSONPath: {err}") from None

    if parsed.root == "$" and parsed.simple is not None and not parsed.simple:
        return lambda env: env.data

    shown_context = parsed.root == "$$"

    def read(env: Env) -> Any:
        try:
            return parsed.evaluate(env.data, context=env.context, variables=env.variables)
        except jsonpath.PathNotFound:
            shown = env.context if shown_context else env.data
            raise StatesError(RUNTIME, messages.path_not_found(text, field, shown)) from None

    keys = parsed.simple
    if parsed.root != "$" or not keys:
        return read

    def read_simple(env: Env) -> Any:
        """`$.a.b[0]`: the most common reads, without `JsonPath.evaluate`'s environment; anything not found
        goes through `read` for its error."""
        node = walk_simple(env.data, keys)
        return read(env) if node is NOT_FOUND else node

    if not all(type(key) is str for key in keys):
        return read_simple
    if len(keys) == 1:
        (only,) = keys

        def read_name(env: Env) -> Any:
            """`$.a`: a key of a plain dict read directly (anything else, missing keys included, is
            `read_simple`'s: a dict subclass, whose `get` may differ from `in` and `[]`, too)."""
            node = env.data
            if type(node) is dict:
                node = node.get(only, NOT_FOUND)
                if node is not NOT_FOUND:
                    return node
            return read_simple(env)
        return read_name

    def read_names(env: Env) -> Any:
        """`$.a.b`, `$.a.b.c`: keys of plain dicts read directly, as `read_name`."""
        node = env.data
        for key in keys:
            if type(node) is not dict:
                return read_simple(env)
            node = node.get(key, NOT_FOUND)
            if node is NOT_FOUND:
                return read_simple(env)
        return node
    return read_names


def intrinsic_reader(text: str, field: str | None = None) -> Compiled:
    try:
        call = intrinsics.parse_intrinsic(text)
    except intrinsics.IntrinsicSyntaxError as err:
        raise StatesError(RUNTIME, f"The value '{text}' is not a valid intrinsic function: {err}") from None

    def run(env: Env) -> Any:
        try:
            return intrinsics.evaluate(call, env.data, context=env.context, variables=env.variables, rng=env.rng)
        except jsonpath.PathNotFound as err:
            raise StatesError(RUNTIME, messages.intrinsic_path_not_found(text, env.data, err.cause)) from None
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


_CURRENT_RNG: list[random.Random] = [random.Random(0)]


def _sfn_functions() -> dict[str, Callable[..., Any]]:
    """The functions Step Functions adds to JSONata ("Transforming data with JSONata", Step Functions-provided
    functions): $partition, $range, $hash, $random, $uuid, $parse. $random/$uuid draw from the run's RNG."""
    import hashlib
    import json as _json
    import uuid as _uuid

    algorithms = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}

    def partition(items: Any, size: Any) -> Any:
        items = list(items or [])
        size = int(size)
        if size <= 0:
            raise ValueError("$partition: the size must be a positive integer")
        return [items[i:i + size] for i in range(0, len(items), size)]

    def range_(start: Any, end: Any, step: Any = 1) -> Any:
        start, end, step = int(start), int(end), int(step)
        if step == 0:
            raise ValueError("$range: the step must not be 0")
        out = list(range(start, end + (1 if step > 0 else -1), step))
        if len(out) > 1000:
            raise ValueError("$range: at most 1000 items")
        return out

    def hash_(value: Any, algorithm: Any) -> Any:
        if algorithm not in algorithms:
            raise ValueError(f"$hash: unknown algorithm {algorithm}")
        text = value if isinstance(value, str) else _json.dumps(value, separators=(",", ":"))
        return hashlib.new(algorithms[algorithm], text.encode()).hexdigest()

    def random_(seed: Any = None) -> Any:
        return random.Random(seed).random() if seed is not None else _CURRENT_RNG[-1].random()

    def uuid_() -> Any:
        return str(_uuid.UUID(int=_CURRENT_RNG[-1].getrandbits(128), version=4))

    def parse(text: Any) -> Any:
        return _json.loads(text)

    return {"partition": partition, "range": range_, "hash": hash_, "random": random_, "uuid": uuid_,
            "parse": parse}


_SFN_FUNCTIONS: dict[str, Callable[..., Any]] = {}


@functools.lru_cache(maxsize=4096)
def _jsonata(body: str) -> Any:
    import jsonata

    compiled = jsonata.Jsonata(body)
    compiled.output_convert_nulls = False  # keep null (NULL_VALUE) apart from undefined (None)
    if not _SFN_FUNCTIONS:
        _SFN_FUNCTIONS.update(_sfn_functions())
    for name, fn in _SFN_FUNCTIONS.items():
        if "$" + name in body:
            compiled.register_lambda(name, fn)
    return compiled


def is_jsonata(value: Any) -> bool:
    return isinstance(value, str) and len(value) >= 4 and value.startswith("{%") and value.endswith("%}")


_NULL: Any = None


def _null() -> Any:
    global _NULL
    if _NULL is None:
        from jsonata.utils import Utils

        _NULL = Utils.NULL_VALUE
    return _NULL


def _to_jsonata(value: Any) -> Any:
    """JSON null as jsonata-python's NULL_VALUE (None means "undefined" to it)."""
    if value is None:
        return _null()
    if isinstance(value, dict):
        return {k: _to_jsonata(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_jsonata(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """jsonata-python values as JSON values; integral floats print as integers, as JavaScript does."""
    if value is None or value is _NULL:
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

    def run(env: Env, states: dict[str, Any]) -> Any:
        bindings = {k: _to_jsonata(v) for k, v in env.variables.items()} if env.variables else {}
        bindings["states"] = _to_jsonata(states)
        _CURRENT_RNG.append(env.rng)
        try:
            value = compiled.evaluate(None, bindings)
        except Exception as err:
            raise StatesError(QUERY_EVALUATION_ERROR, messages.jsonata_failed(body, field, err)) from None
        finally:
            _CURRENT_RNG.pop()
        if value is None:
            raise StatesError(QUERY_EVALUATION_ERROR, messages.jsonata_undefined(body, field))
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
