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
from dataclasses import dataclass, field
from json.decoder import scanstring
from typing import Any

from dsl.diagnostics import Span

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
YAML_11_BOOLS = frozenset(["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF"])


def escape(name: Any) -> str:
    return str(name).replace("~", "~0").replace("/", "~1")


@dataclass
class Duplicate:
    pointer: str  # the object's member pointer (the repeated key)
    first: tuple[int, int]  # offsets (or line/col) of the first occurrence of the key
    second: tuple[int, int]


@dataclass
class YamlScalar:
    """A plain YAML scalar that YAML 1.1 parsers read as a boolean."""

    pointer: str
    text: str
    is_key: bool


@dataclass
class SourceSyntaxError(Exception):
    message: str
    line: int
    col: int


@dataclass
class ParsedSource:
    """A parsed ASL file: the value, and where each pointer's key and value are."""

    file: str
    text: str
    value: Any = None
    kind: str = "json"  # json | yaml
    error: SourceSyntaxError | None = None
    duplicates: list[Duplicate] = field(default_factory=list)
    yaml_booleans: list[YamlScalar] = field(default_factory=list)
    # pointer -> (start, end) as offsets (json) or (line, col) pairs (yaml, 1-based)
    _values: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _keys: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    _lines: list[int] | None = None

    # -- positions ---------------------------------------------------------------------
    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]
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

    def value_span(self, pointer: str) -> Span | None:
        return self._span(self._values.get(pointer))

    def key_span(self, pointer: str) -> Span | None:
        return self._span(self._keys.get(pointer))

    def locate(self, pointer: str) -> Span | None:
        """Scalars are located at their value, containers at their key (where they start)."""
        where = self._values.get(pointer)
        if where is not None and self.kind == "json" and self.text[where[0]] not in "{[":
            return self._span(where)
        if where is not None and self.kind == "yaml" and pointer in self._scalars:
            return self._span(where)
        return self.key_span(pointer) or self._span(where)

    def position(self, where: tuple[Any, Any]) -> Span | None:
        return self._span(where)

    _scalars: set[str] = field(default_factory=set)


# ============================================================================ JSON


class _JsonScanner:
    def __init__(self, src: ParsedSource):
        self.src = src
        self.text = src.text

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
        if ch == "{":
            result, pos = self.obj(pos + 1, pointer)
        elif ch == "[":
            result, pos = self.arr(pos + 1, pointer)
        elif ch == '"':
            result, pos = self.string(pos)
        else:
            m = _NUMBER.match(text, pos)
            if m and m.end() > pos:
                number = m.group()
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


def parse_json(text: str, file: str) -> ParsedSource:
    src = ParsedSource(file, text, kind="json")
    if text.startswith("\ufeff"):
        text = src.text = " " + text[1:]
    scanner = _JsonScanner(src)
    try:
        src.value, pos = scanner.value(0, "")
        pos = scanner.ws(pos)
        if pos < len(text):
            raise scanner.fail("extra data after the JSON value", pos)
    except SourceSyntaxError as err:
        src.error = err
    except RecursionError:
        src.error = SourceSyntaxError("nesting is too deep", 1, 1)
    return src


# ============================================================================ YAML

_CFN_TAGS = {"!Ref": "Ref", "!Condition": "Condition"}


def _scalar(node: Any) -> Any:
    tag = str(node.tag)
    text = node.value
    if tag.endswith(":str") or node.style is not None:
        return text
    try:
        if tag.endswith(":int"):
            cleaned = text.replace("_", "")
            if cleaned.startswith(("0o", "-0o")):
                return int(cleaned.replace("0o", ""), 8)
            return int(cleaned, 0) if cleaned.lstrip("-+").startswith(("0x", "0b")) else int(cleaned)
        if tag.endswith(":float"):
            low = text.lower().replace("_", "")
            if low in (".inf", "+.inf"):
                return float("inf")
            if low == "-.inf":
                return float("-inf")
            if low == ".nan":
                return float("nan")
            return float(low)
    except ValueError:
        return text
    if tag.endswith(":bool"):
        return text.lower() == "true"
    if tag.endswith(":null"):
        return None
    return text


class _YamlBuilder:
    def __init__(self, src: ParsedSource):
        self.src = src
        self.depth = 0

    @staticmethod
    def pos(mark: Any) -> tuple[int, int]:
        return (mark.line + 1, mark.column + 1)

    def build(self, node: Any, pointer: str) -> Any:
        from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

        self.depth += 1
        if self.depth > 200:
            raise RecursionError
        try:
            self.src._values[pointer] = (self.pos(node.start_mark), self.pos(node.end_mark))
            tag = str(node.tag)
            custom = tag.startswith("!") and not tag.startswith("!!")
            if isinstance(node, ScalarNode):
                self.src._scalars.add(pointer)
                if node.style is None and node.value in YAML_11_BOOLS and not custom:
                    self.src.yaml_booleans.append(YamlScalar(pointer, node.value, False))
                value = node.value if custom else _scalar(node)
            elif isinstance(node, SequenceNode):
                value = [self.build(item, f"{pointer}/{i}") for i, item in enumerate(node.value)]
            elif isinstance(node, MappingNode):
                value = {}
                key_at: dict[str, tuple] = {}
                for knode, vnode in node.value:
                    key = knode.value if isinstance(knode, ScalarNode) else str(self.build(knode, pointer + "/~key"))
                    key = str(key)
                    member = f"{pointer}/{escape(key)}"
                    where = (self.pos(knode.start_mark), self.pos(knode.end_mark))
                    if isinstance(knode, ScalarNode) and knode.style is None and key in YAML_11_BOOLS:
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


def parse_yaml(text: str, file: str) -> ParsedSource:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    src = ParsedSource(file, text, kind="yaml")
    yaml = YAML(typ="safe", pure=True)
    try:
        node = yaml.compose(text)
    except MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        message = " ".join(str(p) for p in (err.context, err.problem) if p) or "invalid YAML"
        src.error = SourceSyntaxError(message, (mark.line + 1) if mark else 1, (mark.column + 1) if mark else 1)
        return src
    except (YAMLError, ValueError, TypeError) as err:
        src.error = SourceSyntaxError(f"invalid YAML: {err}", 1, 1)
        return src
    except RecursionError:
        src.error = SourceSyntaxError("nesting is too deep", 1, 1)
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
