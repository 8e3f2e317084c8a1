"""Intrinsic functions (``States.Format(...)`` and friends) for JSONPath states.

``parse_intrinsic`` gives the linter a syntax error with an offset, ``check`` lists what
the service's validation would refuse (unknown names, arity, literal argument kinds),
and ``evaluate`` runs a call the way Step Functions does, raising
:class:`~.errors.IntrinsicFailure` (``States.IntrinsicFailure``) on bad values.

Sources: AWS developer guide, "Intrinsic functions for JSONPath states" (argument
rules, 10,000-character limits, ArrayRange's 1000 items, MathAdd's int32 range,
rounding of non-integers, shallow-only JsonMerge, the four escapes and "nest up to
10 intrinsic functions within a field"); paths inside arguments need bracket notation
for names outside letters, digits and ``_`` (same page). Observed service behaviour
where the guide is silent: ``States.Format`` prints arrays as ``[a, b]`` and objects as
``{k=v}`` (Java ``toString``), ``StringSplit`` splits on every delimiter character and
drops empty strings, non-integers round half up like Java's ``Math.round``.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
from collections.abc import Callable, Mapping
from typing import Any

from ._record import Record, field, record
from .errors import IntrinsicFailure
from .jsonpath import JsonPath, PathSyntaxError, json_equal, parse_path

__all__ = [
    "FUNCTIONS", "Call", "IntrinsicFailure", "IntrinsicSyntaxError", "Literal", "PathArg", "check",
    "evaluate", "is_intrinsic", "parse_intrinsic",
]

MAX_CALLS_PER_FIELD = 10
MAX_STRING_CHARS = 10_000
MAX_RANGE_ITEMS = 1000
INT32_MIN, INT32_MAX = -(2 ** 31), 2 ** 31 - 1


_MAX_NUMBER_CHARS = 400


class IntrinsicSyntaxError(ValueError):
    """An intrinsic invocation that does not parse; ``offset`` indexes the text."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} (at offset {offset})")
        self.message = message
        self.offset = offset


# --------------------------------------------------------------------------- syntax tree


@record
class Literal(Record):
    """A string, number, boolean or null argument.

    For strings, ``parts`` are the pieces around each *unescaped* ``{}``, which is what
    ``States.Format`` substitutes (``\\{\\}`` stays literal).
    """

    value: Any
    offset: int = field(compare=False)
    parts: tuple[str, ...] | None = None


@record
class PathArg(Record):
    path: JsonPath
    offset: int = field(compare=False)

    @property
    def text(self) -> str:
        return self.path.text


@record
class Call(Record):
    name: str
    args: tuple[Literal | PathArg | Call, ...]
    offset: int = field(compare=False)


Arg = Literal | PathArg | Call

# --------------------------------------------------------------------------- parser

_WS = " \t\r\n"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_STRING_ESCAPES = {"'": "'", "{": "{", "}": "}", "\\": "\\"}
_WORDS = {"true": True, "false": False, "null": None}
_DELIMITERS = frozenset(_WS + ",)")


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def error(self, message: str, pos: int | None = None) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(message, self.pos if pos is None else pos)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1

    def parse(self) -> Call:
        self.skip_ws()
        call = self.parse_call()
        self.skip_ws()
        if self.pos != len(self.text):
            raise self.error(f"unexpected {self.peek()!r} after the closing ')'")
        return call

    def parse_call(self) -> Call:
        start = self.pos
        match = _NAME.match(self.text, self.pos)
        if not match or not match.group().startswith("States."):
            raise self.error("an intrinsic function call must start with 'States.'")
        self.pos = match.end()
        self.skip_ws()
        if self.peek() != "(":
            raise self.error(f"expected '(' after {match.group()}")
        self.pos += 1
        args: list[Arg] = []
        self.skip_ws()
        if self.peek() == ")":
            self.pos += 1
            return Call(match.group(), (), start)
        while True:
            self.skip_ws()
            args.append(self.parse_arg())
            self.skip_ws()
            ch = self.peek()
            if ch == ",":
                self.pos += 1
                continue
            if ch == ")":
                self.pos += 1
                return Call(match.group(), tuple(args), start)
            raise self.error("expected ',' or ')'" if ch else f"unclosed '(' of {match.group()}")

    def parse_arg(self) -> Arg:
        ch, start = self.peek(), self.pos
        if ch == "'":
            return self.parse_string()
        if ch == "$":
            return self.parse_path()
        number = _NUMBER.match(self.text, self.pos)
        if number:
            self.pos = number.end()
            self.expect_delimiter(start)
            text = number.group()
            if len(text) > _MAX_NUMBER_CHARS:  # int() refuses 4,300+ digits; no argument is that long
                raise self.error(f"number is {len(text)} characters long (at most {_MAX_NUMBER_CHARS})", start)
            return Literal(float(text) if number.group(1) or number.group(2) else int(text), start)
        for word, value in _WORDS.items():
            if self.text.startswith(word, self.pos):
                self.pos += len(word)
                if self.peek() and self.peek() not in _DELIMITERS:
                    break
                return Literal(value, start)
        self.pos = start
        if self.text.startswith("States.", self.pos):
            return self.parse_call()
        if not ch or ch in ",)":
            raise self.error("expected an argument")
        if ch == '"':
            raise self.error("string arguments use single quotes")
        raise self.error(f"unexpected {ch!r}; expected a 'string', number, true, false, null, path or call")

    def expect_delimiter(self, start: int) -> None:
        if self.peek() and self.peek() not in _DELIMITERS:
            raise self.error(f"invalid number {self.text[start:self.pos + 1]!r}", start)

    def parse_string(self) -> Literal:
        start = self.pos
        self.pos += 1
        text = self.text
        parts: list[str] = []
        chars: list[str] = []
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == "'":
                self.pos += 1
                parts.append("".join(chars))
                return Literal("{}".join(parts), start, tuple(parts))
            if ch == "\\":
                nxt = text[self.pos + 1: self.pos + 2]
                if nxt not in _STRING_ESCAPES:
                    raise self.error("a backslash must escape one of ' { } \\", self.pos)
                chars.append(_STRING_ESCAPES[nxt])
                self.pos += 2
                continue
            if ch == "{" and text.startswith("{}", self.pos):
                parts.append("".join(chars))
                chars = []
                self.pos += 2
                continue
            chars.append(ch)
            self.pos += 1
        raise self.error("unclosed string", start)

    def parse_path(self) -> PathArg:
        start, text = self.pos, self.text
        depth, quote = 0, ""
        while self.pos < len(text):
            ch = text[self.pos]
            if quote:
                if ch == "\\":
                    self.pos += 1
                elif ch == quote:
                    quote = ""
            elif depth and ch in "'\"":
                quote = ch
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            elif depth == 0 and ch in _DELIMITERS:
                break
            self.pos += 1
        try:
            path = parse_path(text[start:self.pos], base=start, strict_names=True)
        except PathSyntaxError as err:
            raise IntrinsicSyntaxError(f"invalid path: {err.message}", err.offset) from None
        return PathArg(path, start)


@functools.lru_cache(maxsize=4096)
def _parse_cached(text: str) -> Call:
    return _Parser(text).parse()


def parse_intrinsic(text: str) -> Call:
    """Parse ``States.Name(args...)``; raises :class:`IntrinsicSyntaxError`."""
    if not isinstance(text, str):
        raise IntrinsicSyntaxError(f"an intrinsic must be a string, not {type(text).__name__}", 0)
    return _parse_cached(text)


def is_intrinsic(text: Any) -> bool:
    """Whether a ``.$`` value is meant as an intrinsic call rather than a path."""
    return isinstance(text, str) and text.lstrip(_WS).startswith("States.")


# --------------------------------------------------------------------------- values

ANY, STRING, NUMBER, BOOLEAN, ARRAY, OBJECT = "any", "string", "number", "boolean", "array", "object"
_ARTICLE = {ANY: "any value", STRING: "a string", NUMBER: "a number", BOOLEAN: "a boolean",
            ARRAY: "an array", OBJECT: "an object", "null": "null"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_KIND_TESTS: dict[str, Callable[[Any], bool]] = {
    ANY: lambda v: True,
    STRING: lambda v: isinstance(v, str),
    NUMBER: _is_number,
    BOOLEAN: lambda v: isinstance(v, bool),
    ARRAY: lambda v: isinstance(v, list),
    OBJECT: lambda v: isinstance(v, dict),
}


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    for kind in (BOOLEAN, NUMBER, STRING, ARRAY, OBJECT):
        if _KIND_TESTS[kind](value):
            return kind
    return ANY


def _round(value: float) -> int:
    """Java ``Math.round``: halves go up (2.5 -> 3, -2.5 -> -2)."""
    return math.floor(value + 0.5)


def _finite(value: Any) -> bool:
    return _is_number(value) and math.isfinite(value)


def _integer(value: Any, fname: str, what: str) -> int:
    if not _is_number(value) or not math.isfinite(value):
        raise IntrinsicFailure(f"{fname}: {what} must be an integer, got {json.dumps(value)}")
    return value if isinstance(value, int) else _round(value)


def _limit(value: str, fname: str) -> str:
    if len(value) > MAX_STRING_CHARS:
        raise IntrinsicFailure(f"{fname}: the input exceeds {MAX_STRING_CHARS} characters")
    return value


# --------------------------------------------------------------------------- implementations


class _Runtime:
    """What running an intrinsic may need besides its arguments (built per evaluation: a plain slotted class)."""

    __slots__ = ("rng",)

    def __init__(self, rng: random.Random | None) -> None:
        self.rng = rng


def _format_value(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(_format_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_format_value(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


def _format(args: list[Any], rt: _Runtime, parts: tuple[str, ...]) -> str:
    values = args[1:]
    if len(parts) - 1 != len(values):
        raise IntrinsicFailure(f"States.Format: the template has {len(parts) - 1} '{{}}' placeholders "
                               f"but {len(values)} values were given")
    out = [parts[0]]
    for value, part in zip(values, parts[1:], strict=True):
        out.append(_format_value(value))
        out.append(part)
    return "".join(out)


def _string_to_json(args: list[Any], rt: _Runtime) -> Any:
    try:
        return json.loads(args[0])
    except ValueError as err:
        raise IntrinsicFailure(f"States.StringToJson: not valid JSON: {err}") from None


def _json_to_string(args: list[Any], rt: _Runtime) -> str:
    return json.dumps(args[0], separators=(",", ":"), ensure_ascii=False)


def _array_partition(args: list[Any], rt: _Runtime) -> list[list[Any]]:
    items, size = args[0], _integer(args[1], "States.ArrayPartition", "the chunk size")
    if size <= 0:
        raise IntrinsicFailure("States.ArrayPartition: the chunk size must be a positive integer")
    return [items[i:i + size] for i in range(0, len(items), size)]


def _array_range(args: list[Any], rt: _Runtime) -> list[int]:
    start, end, step = (_integer(v, "States.ArrayRange", what)
                        for v, what in zip(args, ("start", "end", "step"), strict=True))
    if step == 0:
        raise IntrinsicFailure("States.ArrayRange: the step must not be 0")
    count = 0 if (end - start) * step < 0 else (end - start) // step + 1
    if count > MAX_RANGE_ITEMS:
        raise IntrinsicFailure(f"States.ArrayRange: {count} items is more than the {MAX_RANGE_ITEMS} allowed")
    return [start + i * step for i in range(count)]


def _array_get_item(args: list[Any], rt: _Runtime) -> Any:
    items, index = args
    if not _is_number(index) or not math.isfinite(index) or index != int(index):
        raise IntrinsicFailure(f"States.ArrayGetItem: the index must be an integer, got {json.dumps(index)}")
    if not 0 <= index < len(items):
        raise IntrinsicFailure(f"States.ArrayGetItem: index {int(index)} is out of bounds for an array "
                               f"of length {len(items)}")
    return items[int(index)]


def _array_unique(args: list[Any], rt: _Runtime) -> list[Any]:
    unique: list[Any] = []
    for item in args[0]:
        if not any(json_equal(item, seen) for seen in unique):
            unique.append(item)
    return unique


# base64, hashlib and uuid are imported where a function needs them: linting parses intrinsics
# without running them, and a lint process pays for every module it imports.
def _base64_encode(text: Any) -> str:
    import base64

    return base64.b64encode(_limit(text, "States.Base64Encode").encode("utf-8")).decode("ascii")


def _base64_decode(args: list[Any], rt: _Runtime) -> str:
    import base64
    import binascii

    data = _limit(args[0], "States.Base64Decode")
    try:
        return base64.b64decode(data, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError) as err:
        raise IntrinsicFailure(f"States.Base64Decode: not valid Base64 text: {err}") from None


_HASHES: dict[str, str] = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
                           "SHA-512": "sha512"}


def _hash(args: list[Any], rt: _Runtime) -> str:
    data, algorithm = _limit(args[0], "States.Hash"), args[1]
    if algorithm not in _HASHES:
        raise IntrinsicFailure(f"States.Hash: unknown algorithm {algorithm!r}; use one of {', '.join(_HASHES)}")
    import hashlib

    return hashlib.new(_HASHES[algorithm], data.encode("utf-8")).hexdigest()


def _json_merge(args: list[Any], rt: _Runtime) -> dict[str, Any]:
    if args[2] is not False:
        raise IntrinsicFailure("States.JsonMerge: only shallow merging is supported; the third argument "
                               "must be false")
    return {**args[0], **args[1]}


def _math_random(args: list[Any], rt: _Runtime) -> int:
    start = _integer(args[0], "States.MathRandom", "the start")
    end = _integer(args[1], "States.MathRandom", "the end")
    if end <= start:
        raise IntrinsicFailure("States.MathRandom: the end must be greater than the start")
    if len(args) == 3:
        return random.Random(_integer(args[2], "States.MathRandom", "the seed")).randrange(start, end)
    return (rt.rng or random).randrange(start, end)


def _math_add(args: list[Any], rt: _Runtime) -> int:
    a, b = (_integer(v, "States.MathAdd", "each argument") for v in args)
    for value in (a, b):
        if not INT32_MIN <= value <= INT32_MAX:
            raise IntrinsicFailure(f"States.MathAdd: {value} is outside {INT32_MIN}..{INT32_MAX}")
    return a + b


def _string_split(args: list[Any], rt: _Runtime) -> list[str]:
    text, delimiters = args
    if not delimiters:
        return [text] if text else []
    return [part for part in re.split("[" + re.escape(delimiters) + "]", text) if part]


def _uuid(args: list[Any], rt: _Runtime) -> str:
    import uuid

    if rt.rng is None:
        return str(uuid.uuid4())
    return str(uuid.UUID(int=rt.rng.getrandbits(128), version=4))


# --------------------------------------------------------------------------- static checks


def _check_format(call: Call) -> list[str]:
    first = call.args[0] if call.args else None
    if isinstance(first, Literal) and first.parts is not None and len(first.parts) - 1 != len(call.args) - 1:
        return [f"States.Format has {len(first.parts) - 1} '{{}}' placeholders but {len(call.args) - 1} values"]
    return []


def _literal(call: Call, index: int) -> tuple[bool, Any]:
    if index < len(call.args) and isinstance(call.args[index], Literal):
        return True, call.args[index].value  # type: ignore[union-attr]
    return False, None


def _check_json_to_string(call: Call) -> list[str]:
    return ["States.JsonToString takes a path, not a literal"] if _literal(call, 0)[0] else []


def _check_positive(fname: str, index: int, what: str) -> Callable[[Call], list[str]]:
    def check_arg(call: Call) -> list[str]:
        known, value = _literal(call, index)
        if known and _finite(value) and _round(value) <= 0:
            return [f"{fname}: {what} must be a positive integer"]
        return []
    return check_arg


def _check_range(call: Call) -> list[str]:
    known = [_literal(call, i) for i in range(3)]
    if not known[2][0] or not _finite(known[2][1]):
        return []
    step = _round(known[2][1])
    if step == 0:
        return ["States.ArrayRange: the step must not be 0"]
    if all(k and _finite(v) for k, v in known[:2]):
        start, end = _round(known[0][1]), _round(known[1][1])
        count = 0 if (end - start) * step < 0 else (end - start) // step + 1
        if count > MAX_RANGE_ITEMS:
            return [f"States.ArrayRange would produce {count} items; at most {MAX_RANGE_ITEMS} are allowed"]
    return []


def _check_hash(call: Call) -> list[str]:
    known, value = _literal(call, 1)
    if known and isinstance(value, str) and value not in _HASHES:
        return [f"States.Hash: unknown algorithm {value!r}; use one of {', '.join(_HASHES)}"]
    return []


def _check_merge(call: Call) -> list[str]:
    known, value = _literal(call, 2)
    if known and value is not False:
        return ["States.JsonMerge: the third argument must be false (only shallow merging is supported)"]
    return []


def _check_int32(call: Call) -> list[str]:
    problems = []
    for index in range(2):
        known, value = _literal(call, index)
        if known and _finite(value) and not INT32_MIN <= _round(value) <= INT32_MAX:
            problems.append(f"States.MathAdd: {value} is outside {INT32_MIN}..{INT32_MAX}")
    return problems


# --------------------------------------------------------------------------- the table


@record
class FunctionSpec(Record):
    """Argument kinds, result kind and implementation of one intrinsic."""

    params: tuple[str, ...]
    returns: str
    impl: Callable[..., Any]
    optional: int = 0
    variadic: str | None = None
    checks: tuple[Callable[[Call], list[str]], ...] = ()

    def arity(self) -> tuple[int, float]:
        low = len(self.params) - self.optional
        return low, math.inf if self.variadic else len(self.params)


def _plain(fn: Callable[[Any], Any]) -> Callable[[list[Any], _Runtime], Any]:
    return lambda args, rt: fn(*args)


FUNCTIONS: dict[str, FunctionSpec] = {
    "States.Format": FunctionSpec((STRING,), STRING, _format, variadic=ANY, checks=(_check_format,)),
    "States.StringToJson": FunctionSpec((STRING,), ANY, _string_to_json),
    "States.JsonToString": FunctionSpec((ANY,), STRING, _json_to_string, checks=(_check_json_to_string,)),
    "States.Array": FunctionSpec((), ARRAY, lambda args, rt: list(args), variadic=ANY),
    "States.ArrayPartition": FunctionSpec(
        (ARRAY, NUMBER), ARRAY, _array_partition,
        checks=(_check_positive("States.ArrayPartition", 1, "the chunk size"),)),
    "States.ArrayContains": FunctionSpec(
        (ARRAY, ANY), BOOLEAN, _plain(lambda items, value: any(json_equal(x, value) for x in items))),
    "States.ArrayRange": FunctionSpec((NUMBER, NUMBER, NUMBER), ARRAY, _array_range, checks=(_check_range,)),
    "States.ArrayGetItem": FunctionSpec((ARRAY, NUMBER), ANY, _array_get_item),
    "States.ArrayLength": FunctionSpec((ARRAY,), NUMBER, _plain(len)),
    "States.ArrayUnique": FunctionSpec((ARRAY,), ARRAY, _array_unique),
    "States.Base64Encode": FunctionSpec(
        (STRING,), STRING,
        _plain(_base64_encode)),
    "States.Base64Decode": FunctionSpec((STRING,), STRING, _base64_decode),
    "States.Hash": FunctionSpec((STRING, STRING), STRING, _hash, checks=(_check_hash,)),
    "States.JsonMerge": FunctionSpec((OBJECT, OBJECT, BOOLEAN), OBJECT, _json_merge, checks=(_check_merge,)),
    "States.MathRandom": FunctionSpec((NUMBER, NUMBER, NUMBER), NUMBER, _math_random, optional=1),
    "States.MathAdd": FunctionSpec((NUMBER, NUMBER), NUMBER, _math_add, checks=(_check_int32,)),
    "States.StringSplit": FunctionSpec((STRING, STRING), ARRAY, _string_split),
    "States.UUID": FunctionSpec((), STRING, _uuid),
}


def _count_calls(call: Call) -> int:
    return 1 + sum(_count_calls(arg) for arg in call.args if isinstance(arg, Call))


def _arity_problem(name: str, spec: FunctionSpec, count: int) -> str | None:
    low, high = spec.arity()
    if low <= count <= high:
        return None
    if high == math.inf:
        wanted = f"at least {low} argument{'s' if low != 1 else ''}"
    elif low == high:
        wanted = f"{low} argument{'s' if low != 1 else ''}"
    else:
        wanted = f"{low} to {int(high)} arguments"
    return f"{name} takes {wanted}, got {count}"


def _static_kind(arg: Arg) -> str | None:
    if isinstance(arg, Literal):
        return _kind_of(arg.value)
    if isinstance(arg, Call) and arg.name in FUNCTIONS:
        return FUNCTIONS[arg.name].returns
    return None


def _check_call(call: Call, problems: list[str]) -> None:
    spec = FUNCTIONS.get(call.name)
    if spec is None:
        problems.append(f"unknown intrinsic function {call.name}")
    else:
        arity = _arity_problem(call.name, spec, len(call.args))
        if arity:
            problems.append(arity)
        else:
            for index, arg in enumerate(call.args):
                wanted = spec.params[index] if index < len(spec.params) else spec.variadic
                actual = _static_kind(arg)
                if wanted not in (None, ANY) and actual not in (None, ANY, wanted):
                    problems.append(f"argument {index + 1} of {call.name} must be {_ARTICLE[wanted]}, "
                                    f"not {_ARTICLE[actual]}")
            for extra in spec.checks:
                problems.extend(extra(call))
    for arg in call.args:
        if isinstance(arg, Call):
            _check_call(arg, problems)


def check(call: Call | str) -> list[str]:
    """Problems Step Functions would report for a parsed call (empty when it is valid)."""
    if isinstance(call, str):
        call = parse_intrinsic(call)
    problems: list[str] = []
    count = _count_calls(call)
    if count > MAX_CALLS_PER_FIELD:
        problems.append(f"{count} intrinsic functions in one field; at most {MAX_CALLS_PER_FIELD} are allowed")
    _check_call(call, problems)
    return problems


# --------------------------------------------------------------------------- evaluation


class _Scope:
    """The documents an intrinsic's paths read and its runtime (built per evaluation: a plain slotted class)."""

    __slots__ = ("context", "data", "runtime", "variables")

    def __init__(self, data: Any, context: Any, variables: Mapping[str, Any] | None, runtime: _Runtime) -> None:
        self.data = data
        self.context = context
        self.variables = variables
        self.runtime = runtime


def _eval_arg(arg: Arg, scope: _Scope) -> Any:
    if isinstance(arg, Literal):
        return arg.value
    if isinstance(arg, PathArg):
        return arg.path.evaluate(scope.data, context=scope.context, variables=scope.variables)
    return _eval_call(arg, scope)


def _eval_call(call: Call, scope: _Scope) -> Any:
    spec = FUNCTIONS.get(call.name)
    if spec is None:
        raise IntrinsicFailure(f"unknown intrinsic function {call.name}")
    arity = _arity_problem(call.name, spec, len(call.args))
    if arity:
        raise IntrinsicFailure(arity)
    args = [_eval_arg(arg, scope) for arg in call.args]
    for index, value in enumerate(args):
        wanted = spec.params[index] if index < len(spec.params) else spec.variadic or ANY
        if not _KIND_TESTS[wanted](value):
            raise IntrinsicFailure(f"{call.name}: argument {index + 1} must be {_ARTICLE[wanted]}, "
                                   f"got {_ARTICLE[_kind_of(value)]}")
    if spec.impl is _format:
        first = call.args[0]
        parts = first.parts if isinstance(first, Literal) and first.parts is not None \
            else tuple(args[0].split("{}"))
        return _format(args, scope.runtime, parts)
    return spec.impl(args, scope.runtime)


def evaluate(call_or_text: Call | str, data: Any, *, context: Any = None,
             variables: Mapping[str, Any] | None = None, rng: random.Random | None = None) -> Any:
    """Run an intrinsic. ``rng`` makes ``MathRandom`` (without seed) and ``UUID`` repeatable.

    Raises :class:`IntrinsicFailure` for bad argument values and
    :class:`~.jsonpath.PathNotFound` (``States.Runtime``) for a missing path argument.
    """
    call = parse_intrinsic(call_or_text) if isinstance(call_or_text, str) else call_or_text
    return _eval_call(call, _Scope(data, context, variables, _Runtime(rng)))
