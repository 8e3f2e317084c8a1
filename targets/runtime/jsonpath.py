"""JSONPath as Step Functions runs it: Jayway semantics on plain dicts and lists.

A hand-written scanner and recursive-descent parser turn a path into a tuple of steps;
evaluation walks plain JSON values. Parsed paths are cached because an interpreter
evaluates the same few strings for every state of every execution.

Semantics follow the Jayway JsonPath library that Step Functions uses (AWS developer
guide, "Using JSONPath paths"), including the quirks observed on the real service:

* a *definite* path (only single names, single indexes, or a multi-name leaf) yields one
  value and raises :class:`PathNotFound` when nothing is there; any other path yields
  the list of its matches;
* a missing property raises only while every earlier step was definite; after a
  wildcard, slice, filter or deep scan, misses are skipped (``$.missing[*]`` raises,
  ``$[*].missing`` is ``[]``);
* ``['a','b']`` as the last step returns an object of the present properties; anywhere
  else it fails ("Multi properties can only be used as path leafs", seen on AWS);
* a single negative index (``$.a[-1]``) is accepted by the parser but never matches, as
  reported for real executions (only the console simulator resolves it); slices with
  negative bounds (``[-1:]``, ``[:-1]``) and the script index ``[(@.length-1)]`` work;
* path functions (``.length()``, ``.sum()``) parse but never match at run time;
* a filter over an array tests every element, scalars included (Jayway's own tests:
  ``$.contents[?(@ == 2)]`` on ``[1,2,3]`` is ``[2]``); the Reference Path restriction on
  ``@`` applies to ResultPath-like fields, which accept no filter at all.

Variables (``$name``) and the context object (``$$``) are roots like ``$``.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

from ._record import Record, field, record
from .errors import RESULT_PATH_MATCH_FAILURE, RUNTIME, StatesError

__all__ = [
    "JsonPath", "PathNotFound", "PathSetError", "PathSyntaxError", "evaluate", "json_equal",
    "parse_path", "parse_reference_path", "set_at",
]

INPUT = "$"
CONTEXT = "$$"


class PathSyntaxError(ValueError):
    """A path Step Functions would reject; ``offset`` indexes the offending character."""

    def __init__(self, message: str, offset: int):
        super().__init__(f"{message} (at offset {offset})")
        self.message = message
        self.offset = offset


class PathNotFound(StatesError):
    """Nothing at a definite path: the service reports it as ``States.Runtime``."""

    def __init__(self, cause: str):
        super().__init__(RUNTIME, cause)


class PathSetError(StatesError):
    """ResultPath cannot be applied to the input (``States.ResultPathMatchFailure``)."""

    def __init__(self, cause: str):
        super().__init__(RESULT_PATH_MATCH_FAILURE, cause)


# --------------------------------------------------------------------------- values


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def json_equal(a: Any, b: Any) -> bool:
    """JSON equality: numbers compare by value, booleans are never numbers."""
    if _is_number(a) and _is_number(b):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return a == b


def java_compare(a: str, b: str) -> int:
    """String order of Java's ``compareTo`` (UTF-16 code units), which ASL specifies."""
    ea, eb = a.encode("utf-16-be"), b.encode("utf-16-be")
    return (ea > eb) - (ea < eb)


class _Undefined:
    """A filter operand whose path found nothing; compares unequal to everything."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Any = _Undefined()


class _Env:
    """The documents a path can start from (built per evaluation: a plain slotted class)."""

    __slots__ = ("context", "data", "variables")

    def __init__(self, data: Any, context: Any, variables: Mapping[str, Any] | None) -> None:
        self.data = data
        self.context = context
        self.variables = variables


NOT_FOUND: Any = object()  # what `walk_simple` answers for a key that is not there


def walk_simple(node: Any, keys: tuple) -> Any:
    """The value at a simple path's keys (names and indexes, e.g. `$.a.b[0]`) or NOT_FOUND: the most common
    read, walked without building an evaluation environment (the interpreter calls it on its hot path)."""
    for key in keys:
        if type(key) is str:
            if isinstance(node, dict) and key in node:
                node = node[key]
                continue
        elif isinstance(node, list) and key < len(node):
            node = node[key]
            continue
        return NOT_FOUND
    return node


def _root_value(root: str, variable: str | None, env: _Env, current: Any = UNDEFINED) -> Any:
    if root == INPUT:
        return env.data
    if root == CONTEXT:
        if env.context is None:
            raise PathNotFound("No context object to evaluate '$$'")
        return env.context
    if root == "@":
        return current
    if env.variables is None or variable not in env.variables:
        raise PathNotFound(f"Undefined variable '${variable}'")
    return env.variables[variable]


# --------------------------------------------------------------------------- steps

_Out = list


@record
class Step(Record):
    """One segment of a path; ``apply`` feeds matches of the rest of the path to ``out``."""

    offset: int = field(compare=False)
    definite: ClassVar[bool] = True
    reference: ClassVar[bool] = False

    def apply(self, node: Any, steps: tuple[Step, ...], i: int, env: _Env, out: _Out, upstream: bool) -> None:
        raise NotImplementedError

    def scan_matches(self, node: Any, env: _Env) -> bool:
        """Whether a deep scan should apply this step to ``node``."""
        return True


def _walk(steps: tuple[Step, ...], i: int, node: Any, env: _Env, out: _Out, upstream: bool) -> None:
    if i == len(steps):
        out.append(node)
    else:
        steps[i].apply(node, steps, i, env, out, upstream)


def _miss(upstream: bool, message: str) -> None:
    if upstream:
        raise PathNotFound(message)


@record
class Name(Step):
    key: str = ""
    reference: ClassVar[bool] = True

    def apply(self, node, steps, i, env, out, upstream):
        if isinstance(node, dict):
            if self.key in node:
                _walk(steps, i + 1, node[self.key], env, out, upstream)
            else:
                _miss(upstream, f"Missing property '{self.key}'")
        else:
            _miss(upstream, f"Expected an object with property '{self.key}' but found {_kind(node)}")

    def scan_matches(self, node, env):
        return isinstance(node, dict) and self.key in node


@record
class Length(Step):
    """``@.length`` in filters and script indexes: an array's size (Goessner JSONPath)."""

    def apply(self, node, steps, i, env, out, upstream):
        if isinstance(node, list):
            _walk(steps, i + 1, len(node), env, out, upstream)
        else:
            Name(self.offset, "length").apply(node, steps, i, env, out, upstream)


@record
class Names(Step):
    keys: tuple[str, ...] = ()

    def apply(self, node, steps, i, env, out, upstream):
        if i + 1 != len(steps):
            raise PathNotFound("Multi properties can only be used as path leafs")
        if not isinstance(node, dict):
            _miss(upstream, f"Expected an object with properties {list(self.keys)} but found {_kind(node)}")
            return
        out.append({key: node[key] for key in self.keys if key in node})

    def scan_matches(self, node, env):
        return isinstance(node, dict) and all(key in node for key in self.keys)


def _index(node: list, index: int, steps, i, env, out, upstream) -> None:
    # Out-of-range and negative single indexes never match (see module docstring).
    if 0 <= index < len(node):
        _walk(steps, i + 1, node[index], env, out, upstream)


@record
class Index(Step):
    index: int = 0
    reference: ClassVar[bool] = True

    def apply(self, node, steps, i, env, out, upstream):
        if isinstance(node, list):
            _index(node, self.index, steps, i, env, out, upstream)
        else:
            _miss(upstream, f"Expected an array for index [{self.index}] but found {_kind(node)}")

    def scan_matches(self, node, env):
        return isinstance(node, list)


@record
class Indexes(Step):
    indexes: tuple[int, ...] = ()
    definite: ClassVar[bool] = False

    def apply(self, node, steps, i, env, out, upstream):
        if isinstance(node, list):
            for index in self.indexes:
                _index(node, index, steps, i, env, out, False)
        else:
            _miss(upstream, f"Expected an array for indexes {list(self.indexes)} but found {_kind(node)}")

    def scan_matches(self, node, env):
        return isinstance(node, list)


@record
class Slice(Step):
    """``[from:to]`` with Jayway's arithmetic (only one-sided bounds are normalised)."""

    start: int | None = None
    stop: int | None = None
    definite: ClassVar[bool] = False

    def apply(self, node, steps, i, env, out, upstream):
        if not isinstance(node, list):
            _miss(upstream, f"Expected an array for a slice but found {_kind(node)}")
            return
        length = len(node)
        start, stop = self.start, self.stop
        if start is not None and stop is not None:
            indexes = range(start, min(length, stop))
        elif start is not None:
            indexes = range(max(0, length + start if start < 0 else start), length)
        else:
            end = stop if stop is not None else length
            indexes = range(0, min(length, length + end if end < 0 else end))
        for index in indexes:
            _index(node, index, steps, i, env, out, False)

    def scan_matches(self, node, env):
        return isinstance(node, list)


@record
class Wildcard(Step):
    definite: ClassVar[bool] = False

    def apply(self, node, steps, i, env, out, upstream):
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            return
        for child in children:
            _walk(steps, i + 1, child, env, out, False)


@record
class DeepScan(Step):
    """``..``: applies the next step to every container at or below the node, pre-order."""

    definite: ClassVar[bool] = False

    def apply(self, node, steps, i, env, out, upstream):
        selector = steps[i + 1]
        stack = [node]
        while stack:
            current = stack.pop()
            if not isinstance(current, (dict, list)):
                continue
            if selector.scan_matches(current, env):
                selector.apply(current, steps, i + 1, env, out, False)
            children = current.values() if isinstance(current, dict) else current
            stack.extend(reversed(list(children)))


@record
class Filter(Step):
    expr: _Expr = None  # type: ignore[assignment]
    text: str = ""
    definite: ClassVar[bool] = False

    def accepts(self, item: Any, env: _Env) -> bool:
        return bool(self.expr.eval(item, env))

    def apply(self, node, steps, i, env, out, upstream):
        if isinstance(node, dict):
            if self.accepts(node, env):
                _walk(steps, i + 1, node, env, out, False)
        elif isinstance(node, list):
            for item in node:  # Jayway tests every element of an array, scalars too
                if self.accepts(item, env):
                    _walk(steps, i + 1, item, env, out, False)
        else:
            _miss(upstream, f"Filter {self.text} can not be applied to {_kind(node)}")

    def scan_matches(self, node, env):
        return self.accepts(node, env)


@record
class ScriptIndex(Step):
    """``[(@.length-1)]``: an index computed from the array itself."""

    expr: _Expr = None  # type: ignore[assignment]

    def apply(self, node, steps, i, env, out, upstream):
        if not isinstance(node, list):
            _miss(upstream, f"Expected an array for a script index but found {_kind(node)}")
            return
        index = self.expr.eval(node, env)
        if _is_number(index) and math.isfinite(index) and index == int(index):
            _index(node, int(index), steps, i, env, out, upstream)

    def scan_matches(self, node, env):
        return isinstance(node, list)


@record
class Function(Step):
    """A Jayway path function such as ``.length()``; Step Functions never resolves them."""

    name: str = ""
    definite: ClassVar[bool] = False

    def apply(self, node, steps, i, env, out, upstream):
        raise PathNotFound(f"Path functions such as {self.name}() are not supported")


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if _is_number(value):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


# --------------------------------------------------------------------------- paths


@record
class JsonPath(Record):
    """A parsed path. ``root`` is ``$`` (input), ``$$`` (context), ``@`` or a variable."""

    text: str
    root: str
    steps: tuple[Step, ...]
    variable: str | None = None
    definite: bool = True
    simple: tuple[str | int, ...] | None = None

    @property
    def is_reference(self) -> bool:
        """Whether this is also a valid Reference Path (single-node steps only)."""
        return all(step.reference for step in self.steps)

    def evaluate(self, data: Any, *, context: Any = None,
                 variables: Mapping[str, Any] | None = None) -> Any:
        env = _Env(data, context, variables)
        return self._evaluate(env, UNDEFINED)

    def _evaluate(self, env: _Env, current: Any) -> Any:
        node = _root_value(self.root, self.variable, env, current)
        simple = self.simple
        if simple is not None:
            node = walk_simple(node, simple)
            if node is NOT_FOUND:
                raise PathNotFound(f"No results for path: {self.text}")
            return node
        out: list[Any] = []
        _walk(self.steps, 0, node, env, out, True)
        if not self.definite:
            return out
        if not out:
            raise PathNotFound(f"No results for path: {self.text}")
        return out[0]


def _is_simple(steps: tuple[Step, ...]) -> tuple[str | int, ...] | None:
    keys: list[str | int] = []
    for step in steps:
        if isinstance(step, Name):
            keys.append(step.key)
        elif isinstance(step, Index) and step.index >= 0:
            keys.append(step.index)
        else:
            return None
    return tuple(keys)


def _make_path(text: str, root: str, variable: str | None, steps: list[Step]) -> JsonPath:
    frozen = tuple(steps)
    definite = all(step.definite for step in frozen)
    return JsonPath(text, root, frozen, variable, definite, _is_simple(frozen) if definite else None)


# --------------------------------------------------------------------------- scanner

_WS = " \t\r\n"
_ESCAPES = {"'": "'", '"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
# Where a dot-name ends inside ?(...) filters and (...) script indexes.
_NAME_STOPS = {
    "plain": frozenset(".[("),
    "filter": frozenset(_WS + ".[]()<>=!&|,~"),
    "script": frozenset(_WS + ".[]()<>=!&|,~+-"),
}
_STRICT_NAME = re.compile(r"[A-Za-z0-9_\u0080-\U0010FFFF]+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?")
_INT = re.compile(r"\s*(-?\d+)\s*")


def _is_var_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


class _Parser:
    """Recursive descent over one path; ``mode`` picks how dot-names end.

    ``plain``: Jayway rules (anything but ``.``, ``[``, ``(`` and blanks, so hyphens
    and unicode work); ``strict``: the member-name-shorthand characters the guide
    requires inside intrinsic arguments; ``filter``: names stop at operators too.
    """

    def __init__(self, text: str, base: int = 0, mode: str = "plain"):
        self.text = text
        self.pos = 0
        self.base = base
        self.mode = mode

    # -- helpers
    def error(self, message: str, pos: int | None = None) -> PathSyntaxError:
        return PathSyntaxError(message, self.base + (self.pos if pos is None else pos))

    def peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.text[index] if index < len(self.text) else ""

    def skip_ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos] in _WS:
            self.pos += 1

    def expect(self, ch: str, what: str | None = None) -> None:
        self.skip_ws()
        if self.peek() != ch:
            found = repr(self.peek()) if self.peek() else "end of path"
            raise self.error(f"expected {what or repr(ch)} but found {found}")
        self.pos += 1

    # -- whole path
    def parse(self) -> JsonPath:
        text = self.text
        start = self.pos
        if self.peek() != "$" and not (self.mode in ("filter", "script") and self.peek() == "@"):
            raise self.error("a path must start with '$'")
        root, variable = self.peek(), None
        self.pos += 1
        if root == "$" and self.peek() == "$":
            root = CONTEXT
            self.pos += 1
        elif root == "$" and _is_var_start(self.peek()):
            begin = self.pos
            while self.pos < len(text) and (text[self.pos] == "_" or text[self.pos].isalnum()):
                self.pos += 1
            root, variable = "var", text[begin:self.pos]
        steps = self.parse_steps()
        return _make_path(text[start:self.pos], root, variable, steps)

    def at_path_end(self) -> bool:
        if self.pos >= len(self.text):
            return True
        return self.mode in ("filter", "script") and self.peek() not in ".["

    def parse_steps(self) -> list[Step]:
        steps: list[Step] = []
        while not self.at_path_end():
            ch, offset = self.peek(), self.pos
            if ch == "." and self.peek(1) == ".":
                self.pos += 2
                if self.peek() == ".":
                    raise self.error("'...' is not valid")
                if self.pos >= len(self.text) or self.peek() in _WS:
                    raise self.error("a path must not end with '..'")
                steps.append(DeepScan(offset))
                steps.append(self.parse_selector(after_dot=True))
            elif ch == ".":
                self.pos += 1
                if self.pos >= len(self.text) or self.peek() in _WS:
                    raise self.error("a path must not end with '.'")
                steps.append(self.parse_selector(after_dot=True))
            elif ch == "[":
                steps.append(self.parse_bracket())
            else:
                raise self.error(f"expected '.' or '[' but found {ch!r}")
            if isinstance(steps[-1], Function) and not self.at_path_end():
                raise self.error("a path function must be the last step")
        return steps

    def parse_selector(self, after_dot: bool) -> Step:
        ch, offset = self.peek(), self.pos
        if ch == "[":
            return self.parse_bracket()
        if ch == "*":
            self.pos += 1
            if not self.at_path_end() and self.peek() not in ".[":
                raise self.error("expected '.' or '[' after '*'")
            return Wildcard(offset)
        return self.parse_name()

    def parse_name(self) -> Step:
        text, offset = self.text, self.pos
        if self.mode == "strict":
            match = _STRICT_NAME.match(text, self.pos)
            if not match:
                raise self.error("use bracket notation ['name'] for names with characters other than "
                                 "letters, digits and '_'")
            self.pos = match.end()
            if self.peek() and self.peek() not in ".[":
                raise self.error("use bracket notation ['name'] for names with characters other than "
                                 "letters, digits and '_'")
        else:
            stop = _NAME_STOPS[self.mode]
            while self.pos < len(text) and text[self.pos] not in stop:
                if text[self.pos] in _WS:
                    raise self.error("use bracket notation ['my name'] for names with blanks")
                self.pos += 1
        name = text[offset:self.pos]
        if not name:
            raise self.error("expected a property name")
        if self.peek() == "(" and self.mode != "strict":
            self.skip_function_args()
            return Function(offset, name)
        if self.mode in ("filter", "script") and name == "length":
            return Length(offset)
        return Name(offset, name)

    def skip_function_args(self) -> None:
        depth, begin = 0, self.pos
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            self.pos += 1
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return
        raise self.error("arguments to a path function are not closed", begin)

    # -- brackets
    def parse_bracket(self) -> Step:
        offset = self.pos
        self.pos += 1
        self.skip_ws()
        ch = self.peek()
        if ch in ("'", '"'):
            keys = [self.parse_quoted()]
            self.skip_ws()
            while self.peek() == ",":
                self.pos += 1
                self.skip_ws()
                if self.peek() not in ("'", '"'):
                    raise self.error("expected a quoted property name")
                keys.append(self.parse_quoted())
                self.skip_ws()
            self.expect("]")
            return Name(offset, keys[0]) if len(keys) == 1 else Names(offset, tuple(keys))
        if ch == "*":
            self.pos += 1
            self.expect("]")
            return Wildcard(offset)
        if ch == "?":
            self.pos += 1
            self.expect("(", "'(' after '?'")
            expr = _ExprParser(self, "filter").parse_or()
            self.expect(")")
            self.expect("]")
            return Filter(offset, expr, self.text[offset:self.pos])
        if ch == "(":
            self.pos += 1
            expr = _ExprParser(self, "script").parse_sum()
            self.expect(")")
            self.expect("]")
            return ScriptIndex(offset, expr)
        if ch.isdigit() or ch in "-:":
            return self.parse_indexes(offset)
        if not ch:
            raise self.error("unclosed '['")
        raise self.error(f"unexpected {ch!r} in brackets; expected a quoted name, index, '*', '?(' or '('")

    def parse_quoted(self) -> str:
        quote, begin = self.peek(), self.pos
        self.pos += 1
        chars: list[str] = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(chars)
            if ch == "\\":
                nxt = text[self.pos + 1: self.pos + 2]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[self.pos + 2: self.pos + 6]):
                    chars.append(chr(int(text[self.pos + 2: self.pos + 6], 16)))
                    self.pos += 6
                    continue
                if nxt in _ESCAPES:
                    chars.append(_ESCAPES[nxt])
                    self.pos += 2
                    continue
                raise self.error(f"invalid escape '\\{nxt}'")
            chars.append(ch)
            self.pos += 1
        raise self.error(f"unclosed string, missing {quote}", begin)

    def parse_indexes(self, offset: int) -> Step:
        end = self.text.find("]", self.pos)
        if end < 0:
            raise self.error("unclosed '['")
        body = self.text[self.pos:end]
        body_at = self.pos
        if ":" in body:
            parts = body.split(":")
            if len(parts) > 3:
                raise self.error("a slice has at most 'start:end:step'", body_at)
            bounds: list[int | None] = []
            for part in parts[:2]:
                if part.strip() == "":
                    bounds.append(None)
                elif _INT.fullmatch(part):
                    bounds.append(int(part))
                else:
                    raise self.error(f"invalid slice bound {part.strip()!r}", body_at)
            if len(parts) == 3 and parts[2].strip() and not _INT.fullmatch(parts[2]):
                raise self.error(f"invalid slice step {parts[2].strip()!r}", body_at)
            self.pos = end + 1
            return Slice(offset, bounds[0], bounds[1])
        indexes: list[int] = []
        for part in body.split(","):
            if not _INT.fullmatch(part):
                raise self.error(f"invalid array index {part.strip()!r}", body_at)
            indexes.append(int(part))
        self.pos = end + 1
        return Index(offset, indexes[0]) if len(indexes) == 1 else Indexes(offset, tuple(indexes))


# --------------------------------------------------------------------------- filter expressions


@record
class _Expr(Record):
    def eval(self, current: Any, env: _Env) -> Any:
        raise NotImplementedError


@record
class _Literal(_Expr):
    value: Any

    def eval(self, current, env):
        return self.value


@record
class _Regex(_Expr):
    pattern: re.Pattern[str]

    def eval(self, current, env):
        return self.pattern


@record
class _PathOperand(_Expr):
    path: JsonPath

    def eval(self, current, env):
        try:
            return self.path._evaluate(env, current)
        except PathNotFound:
            return UNDEFINED

    def exists(self, current: Any, env: _Env) -> bool:
        return self.eval(current, env) is not UNDEFINED


@record
class _Exists(_Expr):
    operand: _PathOperand

    def eval(self, current, env):
        return self.operand.exists(current, env)


@record
class _Not(_Expr):
    operand: _Expr

    def eval(self, current, env):
        return not self.operand.eval(current, env)


@record
class _Logic(_Expr):
    op: str
    left: _Expr
    right: _Expr

    def eval(self, current, env):
        if self.op == "&&":
            return bool(self.left.eval(current, env)) and bool(self.right.eval(current, env))
        return bool(self.left.eval(current, env)) or bool(self.right.eval(current, env))


@record
class _Compare(_Expr):
    op: str
    left: _Expr
    right: _Expr

    def eval(self, current, env):
        return _COMPARATORS[self.op](self.left.eval(current, env), self.right.eval(current, env))


@record
class _Arith(_Expr):
    op: str
    left: _Expr
    right: _Expr

    def eval(self, current, env):
        a, b = self.left.eval(current, env), self.right.eval(current, env)
        if not (_is_number(a) and _is_number(b)):
            return UNDEFINED
        return a + b if self.op == "+" else a - b


def _loose_equal(a: Any, b: Any) -> bool:
    """Jayway ``==``: numbers and numeric strings compare as numbers."""
    if a is UNDEFINED or b is UNDEFINED or isinstance(a, re.Pattern) or isinstance(b, re.Pattern):
        return False
    if (_is_number(a) and isinstance(b, str)) or (isinstance(a, str) and _is_number(b)):
        try:
            return float(a) == float(b)
        except ValueError:
            return False
    return json_equal(a, b)


def _strict_equal(a: Any, b: Any) -> bool:
    return a is not UNDEFINED and b is not UNDEFINED and json_equal(a, b)


def _ordered(test: Callable[[int], bool]) -> Callable[[Any, Any], bool]:
    def compare(a: Any, b: Any) -> bool:
        if _is_number(a) and _is_number(b):
            return test((a > b) - (a < b))
        if isinstance(a, str) and isinstance(b, str):
            return test(java_compare(a, b))
        return False
    return compare


def _regex(a: Any, b: Any) -> bool:
    if isinstance(b, re.Pattern) and isinstance(a, str):
        return b.fullmatch(a) is not None
    if isinstance(a, re.Pattern) and isinstance(b, str):
        return a.fullmatch(b) is not None
    return False


def _contains(items: Any, value: Any) -> bool:
    return isinstance(items, list) and any(json_equal(x, value) for x in items)


def _size(a: Any, b: Any) -> bool:
    return isinstance(a, (str, list)) and _is_number(b) and len(a) == b


def _empty(a: Any, b: Any) -> bool:
    return isinstance(a, (str, list)) and isinstance(b, bool) and (len(a) == 0) == b


def _has(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return b in a
    return _contains(a, b)


_COMPARATORS: dict[str, Callable[[Any, Any], bool]] = {
    "==": _loose_equal,
    "!=": lambda a, b: not _loose_equal(a, b),
    "===": _strict_equal,
    "!==": lambda a, b: not _strict_equal(a, b),
    "<": _ordered(lambda c: c < 0),
    "<=": _ordered(lambda c: c <= 0),
    ">": _ordered(lambda c: c > 0),
    ">=": _ordered(lambda c: c >= 0),
    "=~": _regex,
    "in": lambda a, b: _contains(b, a),
    "nin": lambda a, b: isinstance(b, list) and not _contains(b, a),
    "contains": _has,
    "subsetof": lambda a, b: isinstance(a, list) and isinstance(b, list) and all(_contains(b, x) for x in a),
    "anyof": lambda a, b: isinstance(a, list) and isinstance(b, list) and any(_contains(b, x) for x in a),
    "noneof": lambda a, b: isinstance(a, list) and isinstance(b, list) and not any(_contains(b, x) for x in a),
    "size": _size,
    "empty": _empty,
}
_SYMBOLIC_OPS = ("===", "!==", "==", "!=", "<=", ">=", "=~", "<", ">")
_WORD_OPS = ("subsetof", "contains", "noneof", "anyof", "empty", "size", "nin", "in")
_REGEX_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE, "u": 0}


class _ExprParser:
    """Filter (``?(...)``) and script (``(...)``) expressions, sharing the path scanner."""

    def __init__(self, outer: _Parser, mode: str):
        self.p = outer
        self.mode = mode

    def parse_or(self) -> _Expr:
        left = self.parse_and()
        while self._take("||"):
            left = _Logic("||", left, self.parse_and())
        return left

    def parse_and(self) -> _Expr:
        left = self.parse_unary()
        while self._take("&&"):
            left = _Logic("&&", left, self.parse_unary())
        return left

    def parse_unary(self) -> _Expr:
        p = self.p
        p.skip_ws()
        if p.peek() == "!" and p.peek(1) != "=":
            p.pos += 1
            return _Not(self.parse_unary())
        if p.peek() == "(":
            p.pos += 1
            inner = self.parse_or()
            p.expect(")")
            return inner
        left = self.parse_operand()
        op = self._operator()
        if op is None:
            if isinstance(left, _PathOperand):
                return _Exists(left)
            if isinstance(left, _Literal) and isinstance(left.value, bool):
                return left
            raise p.error("expected a comparison operator")
        return _Compare(op, left, self.parse_operand())

    def parse_sum(self) -> _Expr:
        left = self.parse_operand()
        while True:
            self.p.skip_ws()
            op = self.p.peek()
            if op not in "+-" or not op:
                return left
            self.p.pos += 1
            left = _Arith(op, left, self.parse_operand())

    def _take(self, token: str) -> bool:
        p = self.p
        p.skip_ws()
        if p.text.startswith(token, p.pos):
            p.pos += len(token)
            return True
        return False

    def _operator(self) -> str | None:
        p = self.p
        p.skip_ws()
        for op in _SYMBOLIC_OPS:
            if p.text.startswith(op, p.pos):
                p.pos += len(op)
                return op
        for op in _WORD_OPS:
            end = p.pos + len(op)
            if p.text.startswith(op, p.pos) and (end >= len(p.text) or not p.text[end].isalnum()):
                p.pos = end
                return op
        return None

    def parse_operand(self) -> _Expr:
        p = self.p
        p.skip_ws()
        ch, start = p.peek(), p.pos
        if ch in ("@", "$"):
            sub = _Parser(p.text, p.base, self.mode)
            sub.pos = p.pos
            path = sub.parse()
            p.pos = sub.pos
            return _PathOperand(path)
        if ch in ("'", '"'):
            return _Literal(p.parse_quoted())
        if ch == "/":
            return self.parse_regex()
        if ch == "[":
            return _Literal(self.parse_list())
        match = _NUMBER.match(p.text, p.pos)
        if match:
            p.pos = match.end()
            number = match.group()
            return _Literal(float(number) if match.group(1) or match.group(2) else int(number))
        for word, value in (("true", True), ("false", False), ("null", None)):
            if p.text.startswith(word, p.pos):
                p.pos += len(word)
                return _Literal(value)
        if not ch:
            raise p.error("unexpected end of expression")
        raise p.error(f"unexpected {ch!r} in expression", start)

    def parse_list(self) -> list[Any]:
        p = self.p
        p.pos += 1
        items: list[Any] = []
        p.skip_ws()
        if p.peek() == "]":
            p.pos += 1
            return items
        while True:
            item = self.parse_operand()
            if not isinstance(item, _Literal):
                raise p.error("list items must be literals")
            items.append(item.value)
            p.skip_ws()
            if p.peek() == ",":
                p.pos += 1
                continue
            p.expect("]")
            return items

    def parse_regex(self) -> _Expr:
        p = self.p
        begin = p.pos
        p.pos += 1
        chars: list[str] = []
        while p.pos < len(p.text) and p.text[p.pos] != "/":
            if p.text[p.pos] == "\\" and p.pos + 1 < len(p.text):
                chars.append(p.text[p.pos: p.pos + 2])
                p.pos += 2
                continue
            chars.append(p.text[p.pos])
            p.pos += 1
        if p.peek() != "/":
            raise p.error("unclosed regular expression", begin)
        p.pos += 1
        flags = 0
        while p.peek() and p.peek() in _REGEX_FLAGS:
            flags |= _REGEX_FLAGS[p.peek()]
            p.pos += 1
        try:
            return _Regex(re.compile("".join(chars), flags))
        except re.error as err:
            raise p.error(f"invalid regular expression: {err}", begin) from None


# --------------------------------------------------------------------------- public API


def _parse(text: str, base: int, mode: str) -> JsonPath:
    stripped = text.rstrip(_WS)
    parser = _Parser(stripped, base, mode)
    parser.pos = len(stripped) - len(stripped.lstrip(_WS))
    if not stripped:
        raise parser.error("empty path")
    path = parser.parse()
    if parser.pos != len(stripped):
        raise parser.error(f"unexpected {parser.peek()!r}")
    return path


@functools.lru_cache(maxsize=8192)
def _cached(text: str, base: int, mode: str) -> JsonPath:
    return _parse(text, base, mode)


def parse_path(text: str, *, base: int = 0, strict_names: bool = False) -> JsonPath:
    """Parse a JSONPath (``$``, ``$$`` or ``$var`` root); raises :class:`PathSyntaxError`.

    ``base`` is added to error offsets when the path sits inside a larger string;
    ``strict_names`` applies the intrinsic-argument rule (bracket notation for any
    name with characters other than letters, digits and ``_``).
    """
    if not isinstance(text, str):
        raise PathSyntaxError(f"a path must be a string, not {type(text).__name__}", base)
    return _cached(text, base, "strict" if strict_names else "plain")


def parse_reference_path(text: str, *, base: int = 0) -> JsonPath:
    """Parse a Reference Path: only ``.name``, ``['name']`` and ``[n]`` steps."""
    path = parse_path(text, base=base)
    for step in path.steps:
        if not step.reference:
            raise PathSyntaxError("a Reference Path may only use '.name', \"['name']\" and '[n]' steps "
                                  "(no wildcards, filters, slices, unions, deep scan or functions)",
                                  base + step.offset)
    return path


def evaluate(path: str | JsonPath, data: Any, *, context: Any = None,
             variables: Mapping[str, Any] | None = None) -> Any:
    """A definite path's value (or :class:`PathNotFound`); an indefinite path's match list."""
    if type(path) is str:
        path = _cached(path, 0, "plain")
    return path.evaluate(data, context=context, variables=variables)


def set_at(data: Any, ref_path: str | JsonPath, value: Any) -> Any:
    """``data`` with ``value`` written at a Reference Path, as ResultPath does.

    ``$`` replaces everything; missing objects along the way are created; the input is
    never mutated (only the containers on the path are copied). Raises
    :class:`PathSetError` when the input's shape does not allow the write.
    """
    path = ref_path if isinstance(ref_path, JsonPath) else parse_reference_path(ref_path)
    if path.root != INPUT:
        raise PathSetError(f"Cannot write to '{path.text}': only '$' paths can be written")
    if not path.is_reference:
        raise PathSetError(f"'{path.text}' is not a Reference Path")
    return _set(data, path.steps, 0, value, path.text)


def _set(node: Any, steps: tuple[Step, ...], i: int, value: Any, text: str) -> Any:
    if i == len(steps):
        return value
    step = steps[i]
    if isinstance(step, Name):
        if not isinstance(node, dict):  # name the node that is not an object, not the key it should hold
            raise PathSetError(f"Unable to apply ResultPath '{text}': '{_prefix(steps, i)}' is {_kind(node)}, "
                               f"not an object that can hold '{step.key}'")
        copy = dict(node)
        child = node.get(step.key, {}) if i + 1 < len(steps) else None
        copy[step.key] = _set(child, steps, i + 1, value, text)
        return copy
    index = step.index  # type: ignore[attr-defined]
    if not isinstance(node, list) or not 0 <= index < len(node):
        raise PathSetError(f"Unable to apply ResultPath '{text}': '{_prefix(steps, i)}' has no array element "
                           f"[{index}] ({_kind(node)})")
    copy_list = list(node)
    copy_list[index] = _set(node[index], steps, i + 1, value, text)
    return copy_list


def _prefix(steps: tuple[Step, ...], i: int) -> str:
    """The Reference Path of the node the first `i` steps reach, as written in messages."""
    parts = ["$"]
    for step in steps[:i]:
        parts.append(f".{step.key}" if isinstance(step, Name) else f"[{step.index}]")  # type: ignore[attr-defined]
    return "".join(parts)


def dumps_compact(value: Any) -> str:
    """JSON text without spaces, the way the service prints values in messages."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
