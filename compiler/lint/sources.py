"""Raw ASL sources: JSON and YAML parsed with positions, duplicate keys and YAML 1.1 traps kept.

Rules run on plain dicts and lists, and report by JSON pointer; this module keeps,
for every pointer, where its key and its value start and end in the text, so a
finding on ``/States/Charge/Next`` lands on the line and column of that value.

JSON is read by a small scanner (strings via the C ``scanstring`` of the standard
library) that never raises on bad input: it returns a located syntax error instead.
YAML is composed with ruamel (YAML 1.2, pure Python, no constructor) and the node
tree is turned into values here, which keeps every key, including duplicates, with
its position.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring
from typing import Any

from flowc.compiler.lint.records import Plain
from flowc.dsl.diagnostics import Span
from flowc.dsl.limits import MAX_DOCUMENT_DEPTH, LimitError, check_number, depth_message

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
YAML_11_BOOLS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"])


def escape(name: Any) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")


class Duplicate(Plain):
    pointer: str  # the object's member pointer (the repeated key)
    first: tuple[int, int]  # offsets (or line/col) of the first occurrence of the key
    second: tuple[int, int]

    _fields = ("pointer", "first", "second")

    def __init__(self, pointer: str, first: tuple[int, int], second: tuple[int, int]) -> None:
        self.pointer = pointer
        self.first = first
        self.second = second


class YamlScalar(Plain):
    """A plain YAML scalar that YAML 1.1 parsers read as a boolean."""

    pointer: str
    text: str
    is_key: bool

    _fields = ("pointer", "text", "is_key")

    def __init__(self, pointer: str, text: str, is_key: bool) -> None:
        self.pointer = pointer
        self.text = text
        self.is_key = is_key


class SourceSyntaxError(Plain, Exception):
    message: str
    line: int
    col: int

    _fields = ("message", "line", "col")

    def __init__(self, message: str, line: int, col: int) -> None:
        self.message = message
        self.line = line
        self.col = col


class ParsedSource(Plain):
    """A parsed ASL file: the value, and where each pointer's key and value are."""

    file: str
    text: str
    value: Any
    kind: str  # json | yaml
    error: SourceSyntaxError | None
    duplicates: list[Duplicate]
    yaml_booleans: list[YamlScalar]
    # pointer -> (start, end) as offsets (json) or (line, col) pairs (yaml, 1-based)
    _values: dict[str, tuple[Any, Any]]
    _keys: dict[str, tuple[Any, Any]]
    _lines: list[int] | None

    _fields = ("file", "text", "value", "kind", "error", "duplicates", "yaml_booleans", "_values", "_keys", "_lines",
               "_scalars", "_lazy")

    def __init__(self, file: str, text: str, value: Any = None, kind: str = "json",
                 error: SourceSyntaxError | None = None, duplicates: list[Duplicate] | None = None,
                 yaml_booleans: list[YamlScalar] | None = None, _values: dict[str, tuple[Any, Any]] | None = None,
                 _keys: dict[str, tuple[Any, Any]] | None = None, _lines: list[int] | None = None,
                 _scalars: set[str] | None = None, _lazy: Any = None) -> None:
        self.file = file
        self.text = text
        self.value = value
        self.kind = kind
        self.error = error
        self.duplicates = [] if duplicates is None else duplicates
        self.yaml_booleans = [] if yaml_booleans is None else yaml_booleans
        self._values = {} if _values is None else _values
        self._keys = {} if _keys is None else _keys
        self._lines = _lines
        self._scalars = set() if _scalars is None else _scalars
        self._lazy = _lazy

    # -- positions ---------------------------------------------------------------------
    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            starts, at, find = [0], 0, self.text.find
            while (at := find("\n", at) + 1) > 0:
                starts.append(at)
            self._lines = starts
        line = bisect.bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def _span(self, where: tuple[Any, Any] | None) -> Span | None:
        if where is None:
            return None
        start, end = where
        if self.kind == "json":
            (l1, c1), (l2, c2) = self._line_col(start), self._line_col(end)
        else:
            (l1, c1), (l2, c2) = start, end
        return Span(self.file, l1, c1, l2, c2)

    def _lookup(self, pointer: str) -> None:
        if self._lazy is not None and pointer not in self._values:
            found = self._lazy.find(pointer)
            if found is not None:
                key, value = found
                self._values[pointer] = value
                if key is not None:
                    self._keys[pointer] = key

    def value_span(self, pointer: str) -> Span | None:
        self._lookup(pointer)
        return self._span(self._values.get(pointer))

    def key_span(self, pointer: str) -> Span | None:
        self._lookup(pointer)
        return self._span(self._keys.get(pointer))

    def locate(self, pointer: str) -> Span | None:
        """Scalars are located at their value, containers at their key (where they start)."""
        self._lookup(pointer)
        where = self._values.get(pointer)
        if where is not None and self.kind == "json" and self.text[where[0]] not in "{[":
            return self._span(where)
        if where is not None and self.kind == "yaml" and pointer in self._scalars:
            return self._span(where)
        return self.key_span(pointer) or self._span(where)

    def position(self, where: tuple[Any, Any]) -> Span | None:
        return self._span(where)

    _scalars: set[str]
    _lazy: Any  # a _JsonLocator when positions are found on demand


# ============================================================================ JSON


class _JsonScanner:
    def __init__(self, src: ParsedSource):
        self.src = src
        self.text = src.text
        self.depth = 0

    def fail(self, message: str, pos: int) -> SourceSyntaxError:
        line, col = self.src._line_col(min(pos, len(self.text)))
        return SourceSyntaxError(message, line, col)

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    def value(self, pos: int, pointer: str) -> tuple[Any, int]:
        text = self.text
        pos = self.ws(pos)
        if pos >= len(text):
            raise self.fail("unexpected end of file: expected a value", pos)
        ch = text[pos]
        start = pos
        if ch in "{[":
            self.depth += 1
            if self.depth > MAX_DOCUMENT_DEPTH:
                raise self.fail(depth_message(MAX_DOCUMENT_DEPTH), pos)
            result, pos = (self.obj if ch == "{" else self.arr)(pos + 1, pointer)
            self.depth -= 1
        elif ch == '"':
            result, pos = self.string(pos)
        else:
            m = _NUMBER.match(text, pos)
            if m and m.end() > pos:
                number = m.group()
                try:
                    check_number(number)
                except LimitError as err:
                    raise self.fail(err.message, pos) from None
                result = float(number) if (m.group(1) or m.group(2)) else int(number)
                pos = m.end()
            else:
                for word, literal in _LITERALS.items():
                    if text.startswith(word, pos):
                        result, pos = literal, pos + len(word)
                        break
                else:
                    snippet = text[pos:pos + 12].split("\n")[0]
                    raise self.fail(f"unexpected {snippet!r}: expected a JSON value", pos)
        self.src._values[pointer] = (start, pos)
        return result, pos

    def string(self, pos: int) -> tuple[str, int]:
        try:
            return scanstring(self.text, pos + 1, True)
        except ValueError as err:
            where = getattr(err, "pos", pos)
            raise self.fail(f"invalid string: {getattr(err, 'msg', err)}", where) from None

    def obj(self, pos: int, pointer: str) -> tuple[dict, int]:
        text = self.text
        out: dict[str, Any] = {}
        key_at: dict[str, tuple[int, int]] = {}
        pos = self.ws(pos)
        if pos < len(text) and text[pos] == "}":
            return out, pos + 1
        while True:
            pos = self.ws(pos)
            if pos >= len(text) or text[pos] != '"':
                if pos < len(text) and text[pos] == "}":
                    raise self.fail("trailing comma before '}'", pos)
                raise self.fail("expected a quoted property name", pos)
            kstart = pos
            key, pos = self.string(pos)
            member = f"{pointer}/{escape(key)}"
            if key in key_at:
                self.src.duplicates.append(Duplicate(member, key_at[key], (kstart, pos)))
            key_at[key] = (kstart, pos)
            self.src._keys[member] = (kstart, pos)
            pos = self.ws(pos)
            if pos >= len(text) or text[pos] != ":":
                raise self.fail(f"expected ':' after property name {key!r}", pos)
            out[key], pos = self.value(pos + 1, member)
            pos = self.ws(pos)
            if pos < len(text) and text[pos] == ",":
                pos += 1
                continue
            if pos < len(text) and text[pos] == "}":
                return out, pos + 1
            raise self.fail("expected ',' or '}' after a property value", pos)

    def arr(self, pos: int, pointer: str) -> tuple[list, int]:
        text = self.text
        out: list[Any] = []
        pos = self.ws(pos)
        if pos < len(text) and text[pos] == "]":
            return out, pos + 1
        while True:
            item, pos = self.value(pos, f"{pointer}/{len(out)}")
            out.append(item)
            pos = self.ws(pos)
            if pos < len(text) and text[pos] == ",":
                nxt = self.ws(pos + 1)
                if nxt < len(text) and text[nxt] == "]":
                    raise self.fail("trailing comma before ']'", nxt)
                pos += 1
                continue
            if pos < len(text) and text[pos] == "]":
                return out, pos + 1
            raise self.fail("expected ',' or ']' after an array item", pos)


def _full_scan(src: ParsedSource) -> None:
    scanner = _JsonScanner(src)
    text = src.text
    try:
        src.value, pos = scanner.value(0, "")
        pos = scanner.ws(pos)
        if pos < len(text):
            raise scanner.fail("extra data after the JSON value", pos)
    except SourceSyntaxError as err:
        src.error = err
    except RecursionError:
        src.error = SourceSyntaxError("nesting is too deep", 1, 1)


class _Duplicates(Exception):
    pass


def _no_duplicates(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _Duplicates
    return out


def _bounded_int(text: str) -> int:
    check_number(text)  # LimitError is a ValueError's sibling: caught as one below
    return int(text)


def _finite_float(text: str) -> float:
    check_number(text)
    return float(text)


def _too_deep(text: str) -> int | None:
    """Where containers nest deeper than MAX_DOCUMENT_DEPTH (rules walk the value recursively), if they do."""
    if text.count("[") + text.count("{") <= MAX_DOCUMENT_DEPTH:
        return None
    depth = 0
    for m in _NEXT_BRACKET.finditer(text):
        if m.group(1) in "[{":
            depth += 1
            if depth > MAX_DOCUMENT_DEPTH:
                return m.start(1)
        else:
            depth -= 1
    return None


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str, file: str) -> ParsedSource:
    """The C parser gives the value; positions are found on demand (`_JsonLocator`). Files with a syntax
    error or a duplicate key are scanned in full instead, for located messages and both positions."""
    import json

    src = ParsedSource(file, text, kind="json")
    if text.startswith("\ufeff"):
        text = src.text = " " + text[1:]
    deep = _too_deep(text)
    if deep is not None:  # located without recursion (the scanner would recurse as deep as the text)
        src.error = SourceSyntaxError(depth_message(MAX_DOCUMENT_DEPTH), *src._line_col(deep))
        return src
    try:
        src.value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant,
                               parse_int=_bounded_int, parse_float=_finite_float)
    except (ValueError, _Duplicates, RecursionError):
        _full_scan(src)  # finds the problem again, with its position
        return src
    src._lazy = _JsonLocator(text)
    return src


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_SCALAR = re.compile(r"[^\s,\]}]+")
_KEY = re.compile(r'[ \t\n\r]*("[^"\\]*(?:\\.[^"\\]*)*")[ \t\n\r]*:[ \t\n\r]*')
_SEP = re.compile(r"[ \t\n\r]*([,}\]])")
_NEXT_BRACKET = re.compile(r'[^"\[\]{}]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^"\[\]{}]*)*([\[\]{}])')


class _JsonLocator:
    """Finds the key and value offsets of one JSON pointer in valid JSON text, skipping siblings by
    bracket matching (computed once, by a regex that steps from bracket to bracket)."""

    def __init__(self, text: str):
        self.text = text
        self._match: dict[int, int] | None = None
        self._found: dict[str, tuple] = {}  # pointer -> (key offsets, value start), prefixes included

    def brackets(self) -> dict[int, int]:
        if self._match is None:
            match: dict[int, int] = {}
            stack: list[int] = []
            for m in _NEXT_BRACKET.finditer(self.text):
                at = m.start(1)
                if m.group(1) in "[{":
                    stack.append(at)
                elif stack:
                    match[stack.pop()] = at
            self._match = match
        return self._match

    def skip(self, pos: int) -> int:
        ch = self.text[pos]
        if ch in "{[":
            return self.brackets()[pos] + 1
        m = (_STRING if ch == '"' else _SCALAR).match(self.text, pos)
        return m.end() if m else pos + 1

    def find(self, pointer: str) -> tuple[tuple[int, int] | None, tuple[int, int]] | None:
        import json

        text = self.text
        parts = pointer.split("/")[1:] if pointer else []
        start, key_at, pos = 0, None, None
        for i in range(len(parts), 0, -1):  # resume from the longest prefix already found
            hit = self._found.get("/" + "/".join(parts[:i]))
            if hit is not None:
                start, (key_at, pos) = i, hit
                break
        if pos is None:
            pos = _WS.match(text, 0).end()
        try:
            for i in range(start, len(parts)):
                raw = parts[i]
                part = raw.replace("~1", "/").replace("~0", "~")
                ch = text[pos]
                if ch == "{":
                    pos += 1
                    while True:
                        m = _KEY.match(text, pos)
                        if m is None:
                            return None
                        quoted = m.group(1)
                        if (quoted[1:-1] if "\\" not in quoted else json.loads(quoted)) == part:
                            key_at, pos = (m.start(1), m.end(1)), m.end()
                            break
                        sep = _SEP.match(text, self.skip(m.end()))
                        if sep is None or sep.group(1) != ",":
                            return None
                        pos = sep.end()
                elif ch == "[" and part.isdigit():
                    pos = _WS.match(text, pos + 1).end()
                    for _ in range(int(part)):
                        sep = _SEP.match(text, self.skip(pos))
                        if sep is None or sep.group(1) != ",":
                            return None
                        pos = _WS.match(text, sep.end()).end()
                    key_at = None
                else:
                    return None
                self._found["/" + "/".join(parts[: i + 1])] = (key_at, pos)
            return key_at, (pos, self.skip(pos))
        except (IndexError, KeyError, ValueError):
            return None


# ============================================================================ YAML

_CFN_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}


_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {".inf": float("inf"), "+.inf": float("inf"), "-.inf": float("-inf"), ".nan": float("nan")}


def _scalar(node: Any) -> Any:
    """A plain scalar resolved with the YAML 1.2 core schema (whatever the composing library assumed)."""
    text = node.value
    if node.style:  # quoted or block scalar (plain is None in ruamel, "" in libyaml)
        return text
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        if text.startswith("0o"):
            return int(text[2:], 8)
        return int(text, 16) if text.startswith("0x") else int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    if text.lower() in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text.lower()]
    return text


class _YamlBuilder:
    def __init__(self, src: ParsedSource):
        self.src = src
        self.depth = 0

    @staticmethod
    def pos(mark: Any) -> tuple[int, int]:
        return (mark.line + 1, mark.column + 1)

    def build(self, node: Any, pointer: str) -> Any:
        self.depth += 1
        if self.depth > MAX_DOCUMENT_DEPTH:
            raise RecursionError
        try:
            self.src._values[pointer] = (self.pos(node.start_mark), self.pos(node.end_mark))
            tag = str(node.tag)
            custom = tag.startswith("!") and not tag.startswith("!!")
            kind = type(node).__name__
            if kind == "ScalarNode":
                self.src._scalars.add(pointer)
                if not node.style and node.value in YAML_11_BOOLS and not custom:
                    self.src.yaml_booleans.append(YamlScalar(pointer, node.value, False))
                value = node.value if custom else _scalar(node)
            elif kind == "SequenceNode":
                value = [self.build(item, f"{pointer}/{i}") for i, item in enumerate(node.value)]
            elif kind == "MappingNode":
                value = {}
                key_at: dict[str, tuple] = {}
                for knode, vnode in node.value:
                    scalar_key = type(knode).__name__ == "ScalarNode"
                    key = knode.value if scalar_key else str(self.build(knode, pointer + "/~key"))
                    key = str(key)
                    member = f"{pointer}/{escape(key)}"
                    where = (self.pos(knode.start_mark), self.pos(knode.end_mark))
                    if scalar_key and not knode.style and key in YAML_11_BOOLS:
                        self.src.yaml_booleans.append(YamlScalar(member, key, True))
                    if key in key_at:
                        self.src.duplicates.append(Duplicate(member, key_at[key], where))
                    key_at[key] = where
                    self.src._keys[member] = where
                    value[key] = self.build(vnode, member)
            else:  # pragma: no cover - ruamel has no other node kinds
                value = None
            if custom:
                name = _CFN_TAGS.get(tag, "Fn::" + tag[1:])
                if name == "Fn::GetAtt" and isinstance(value, str):
                    value = value.split(".", 1)
                value = {name: value}
            return value
        finally:
            self.depth -= 1


def _compose(text: str) -> Any:
    """The node tree of the first document: libyaml through PyYAML when it is installed (about ten times
    faster), ruamel's pure-Python composer otherwise. Tags are ignored for plain scalars (resolved here with
    YAML 1.2), so both give the same values."""
    try:
        import yaml as pyyaml

        if pyyaml.__with_libyaml__:
            return pyyaml.compose(text, Loader=pyyaml.CSafeLoader)
    except ImportError:
        pass
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).compose(text)


def _yaml_error(err: Exception, text: str) -> SourceSyntaxError:
    from flowc.dsl.yaml_loader import reader_position

    parts = [str(p) for p in (getattr(err, "context", None), getattr(err, "problem", None)) if p]
    if not parts and getattr(err, "reason", None):  # a reader error: a character YAML does not allow
        char = getattr(err, "character", "")
        parts = [f"{err.reason} (#x{char if isinstance(char, int) else ord(char[:1] or ' '):04x})"]
    message = " ".join(parts) or f"invalid YAML: {err}"
    return SourceSyntaxError(message, *reader_position(err, text))


def parse_yaml(text: str, file: str) -> ParsedSource:
    from flowc.dsl.yaml_guard import check_yaml

    src = ParsedSource(file, text, kind="yaml")
    try:
        check_yaml(text)  # depth, alias bombs, recursive aliases, huge numbers: before anything expands
    except LimitError as err:
        src.error = SourceSyntaxError(err.message, err.line, err.col)
        return src
    try:
        node = _compose(text)
    except RecursionError:
        src.error = SourceSyntaxError("nesting is too deep", 1, 1)
        return src
    except Exception as err:  # ruamel / PyYAML errors (MarkedYAMLError, ReaderError...) and bad input
        src.error = _yaml_error(err, text)
        return src
    if node is None:
        src.value = None
        return src
    try:
        src.value = _YamlBuilder(src).build(node, "")
    except RecursionError:
        src.error = SourceSyntaxError("nesting is too deep (or a recursive alias)", 1, 1)
    return src


def parse_source(text: str, file: str) -> ParsedSource:
    lower = file.lower()
    if lower.endswith((".yaml", ".yml")):
        return parse_yaml(text, file)
    return parse_json(text, file)
