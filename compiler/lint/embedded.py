"""State machine definitions embedded in deployment templates, linted in place.

- Serverless Framework (`serverless.yml`, serverless-step-functions): `stepFunctions.stateMachines.<name>.definition`;
- SAM: `AWS::Serverless::StateMachine` `Definition` (an object);
- CloudFormation: `AWS::StepFunctions::StateMachine` `Definition` (an object) or `DefinitionString` (a JSON string,
  a `Fn::Sub` of one, or a `Fn::Join` of its pieces).

Each definition becomes an `AslDocument` whose positions are positions in the template: an object definition
is a sub-tree of the parsed template (pointers are prefixed); a string definition is parsed on its own and its
positions are mapped back into the string (line for line in a YAML block scalar, piece by piece in a
`Fn::Join`). `DefinitionSubstitutions` names count as known placeholders, and the workflow type comes from
`Type` / `StateMachineType` / `type`.
"""

from __future__ import annotations

import bisect
from typing import Any

from flowc.compiler.lint.records import Plain
from flowc.compiler.lint.sources import Duplicate, ParsedSource, YamlScalar, escape, parse_json
from flowc.dsl.diagnostics import Span

SAM_MACHINE = "AWS::Serverless::StateMachine"
CFN_MACHINE = "AWS::StepFunctions::StateMachine"
TEMPLATE_MARKERS = (SAM_MACHINE, CFN_MACHINE)
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml", "serverless.json")


class Embedded(Plain):
    """One definition found in a template."""

    label: str  # where it is, for messages: "Resources.Orders" / "stepFunctions.stateMachines.orders"
    definition: Any
    source: Any  # a ParsedSource-like view whose positions are in the template
    tool: str  # "serverless" | "sam" | "cloudformation"
    workflow_type: str | None
    substitution_names: frozenset[str]
    substitutions: dict[str, str]  # the literal (string) values among them

    _fields = ("label", "definition", "source", "tool", "workflow_type", "substitution_names", "substitutions")

    def __init__(self, label: str, definition: Any, source: Any, tool: str, workflow_type: str | None = None,
                 substitution_names: frozenset[str] | None = None, substitutions: dict[str, str] | None = None) -> None:
        self.label = label
        self.definition = definition
        self.source = source
        self.tool = tool
        self.workflow_type = workflow_type
        self.substitution_names = frozenset() if substitution_names is None else substitution_names
        self.substitutions = {} if substitutions is None else substitutions


def is_serverless(file: str) -> bool:
    return file.replace("\\", "/").rsplit("/", 1)[-1].lower() in SERVERLESS_NAMES


def looks_like_template(text: str, file: str) -> bool:
    """Cheap test on the raw text (discovery): a Serverless service with step functions, or a template with
    a state machine resource."""
    if is_serverless(file):
        return "stepFunctions" in text
    return any(marker in text for marker in TEMPLATE_MARKERS) and "Resources" in text


def find_definitions(src: ParsedSource) -> list[Embedded]:
    value = src.value
    if not isinstance(value, dict):
        return []
    found: list[Embedded] = []
    machines = (value.get("stepFunctions") or {}).get("stateMachines") if isinstance(value.get("stepFunctions"),
                                                                                      dict) else None
    if isinstance(machines, dict):
        for name, machine in machines.items():
            if isinstance(machine, dict) and "definition" in machine:
                pointer = f"/stepFunctions/stateMachines/{escape(name)}/definition"
                kind = machine.get("type")
                found.append(_embed(src, pointer, machine["definition"], f"stepFunctions.stateMachines.{name}",
                                    "serverless", kind.upper() if isinstance(kind, str) else None, {}))
    resources = value.get("Resources")
    if isinstance(resources, dict):
        for logical, res in resources.items():
            if not isinstance(res, dict) or res.get("Type") not in TEMPLATE_MARKERS:
                continue
            props = res.get("Properties")
            if not isinstance(props, dict):
                continue
            sam = res["Type"] == SAM_MACHINE
            kind = props.get("Type" if sam else "StateMachineType")
            subs = props.get("DefinitionSubstitutions")
            base = f"/Resources/{escape(logical)}/Properties"
            for key in ("Definition", "DefinitionString"):
                if key in props:
                    found.append(_embed(src, f"{base}/{key}", props[key], f"Resources.{logical}",
                                        "sam" if sam else "cloudformation",
                                        kind.upper() if isinstance(kind, str) else None,
                                        subs if isinstance(subs, dict) else {}))
    return [e for e in found if e is not None]


def _embed(src: ParsedSource, pointer: str, value: Any, label: str, tool: str, kind: str | None,
           subs: dict) -> Embedded | None:
    names = frozenset(str(k) for k in subs)
    literal = {str(k): v for k, v in subs.items() if isinstance(v, str)}
    if (isinstance(value, dict) and not _is_intrinsic(value)) or not isinstance(value, (dict, str)):
        # an object is the definition; a list, number or null is a wrong one the rules report as such
        return Embedded(label, value, PrefixedSource(src, pointer), tool, kind, names, literal)
    if isinstance(value, dict) and not ({"Fn::Sub", "Fn::Join"} & set(value)):
        return None  # Fn::If, Ref...: decided at deploy time, nothing to read here
    text, view = _string_definition(src, pointer, value)
    if text is None:
        return None
    if view.inner.error is not None:
        return Embedded(label, None, view, tool, kind, names, literal)
    return Embedded(label, view.inner.value, view, tool, kind, names, literal)


def _is_intrinsic(value: dict) -> bool:
    return len(value) == 1 and next(iter(value)) in ("Fn::Sub", "Fn::Join", "Ref", "Fn::GetAtt", "Fn::If")


# ------------------------------------------------------------------------------------------ views


class PrefixedSource:
    """A definition that is a sub-tree of the parsed template: pointers are relative to `prefix`."""

    def __init__(self, base: ParsedSource, prefix: str):
        self.base, self.prefix = base, prefix
        self.file, self.text, self.kind, self.error = base.file, base.text, base.kind, None
        inside = prefix + "/"
        self.duplicates = [Duplicate(d.pointer[len(prefix):], d.first, d.second) for d in base.duplicates
                           if d.pointer.startswith(inside)]
        self.yaml_booleans = [YamlScalar(s.pointer[len(prefix):], s.text, s.is_key) for s in base.yaml_booleans
                              if s.pointer.startswith(inside)]

    def value_span(self, pointer: str) -> Span | None:
        return self.base.value_span(self.prefix + pointer)

    def key_span(self, pointer: str) -> Span | None:
        return self.base.key_span(self.prefix + pointer) if pointer else self.base.key_span(self.prefix)

    def locate(self, pointer: str) -> Span | None:
        return self.base.locate(self.prefix + pointer)

    def position(self, where: Any) -> Span | None:
        return self.base.position(where)


class StringSource:
    """A definition held in a string of the template, parsed on its own; spans are mapped back."""

    def __init__(self, outer: ParsedSource, inner: ParsedSource, mapper):
        self.outer, self.inner, self.map = outer, inner, mapper
        self.file, self.text, self.kind = outer.file, inner.text, "json"
        self.error = inner.error
        self.duplicates = inner.duplicates
        self.yaml_booleans: list[YamlScalar] = []

    def _mapped(self, span: Span | None) -> Span | None:
        return None if span is None else self.map(span)

    def value_span(self, pointer: str) -> Span | None:
        return self._mapped(self.inner.value_span(pointer))

    def key_span(self, pointer: str) -> Span | None:
        return self._mapped(self.inner.key_span(pointer))

    def locate(self, pointer: str) -> Span | None:
        return self._mapped(self.inner.locate(pointer))

    def position(self, where: Any) -> Span | None:
        return self._mapped(self.inner.position(where))


def _string_definition(src: ParsedSource, pointer: str, value: Any) -> tuple[str | None, StringSource]:
    """The JSON text of a string definition and a view mapping its positions into the template."""
    if isinstance(value, dict) and "Fn::Sub" in value:
        sub = value["Fn::Sub"]
        text = sub if isinstance(sub, str) else (sub[0] if isinstance(sub, list) and sub and
                                                 isinstance(sub[0], str) else None)
        where = pointer + "/Fn::Sub" + ("" if isinstance(sub, str) else "/0")
        if src.value_span(where) is None:  # `!Sub |` short form: the tagged scalar is the value itself
            where = pointer
        return _scalar_view(src, where, text)
    if isinstance(value, dict) and "Fn::Join" in value:
        return _join_view(src, pointer, value["Fn::Join"])
    return _scalar_view(src, pointer, value if isinstance(value, str) else None)


def _scalar_view(src: ParsedSource, pointer: str, text: str | None) -> tuple[str | None, StringSource]:
    inner = parse_json(text or "", src.file)
    start = src.value_span(pointer) or Span(src.file, 1, 1)
    line_text = src.text.splitlines()[start.line - 1] if start.line - 1 < len(src.text.splitlines()) else ""
    rest = line_text[start.col - 1:].split("#", 1)[0].rstrip()
    block = src.kind == "yaml" and rest.endswith(("|", "|-", "|+")) and rest.split()[-1].startswith("|")

    if block:
        lines = src.text.splitlines()
        following = next((ln for ln in lines[start.line:] if ln.strip()), "")
        indent = len(following) - len(following.lstrip(" "))

        def mapper(span: Span) -> Span:
            return Span(src.file, start.line + span.line, span.col + indent,
                        start.line + (span.end_line or span.line), (span.end_col or span.col) + indent)
    else:
        def mapper(span: Span) -> Span:  # a one-line (escaped) string: the string itself is the place
            return Span(src.file, start.line, start.col, start.end_line or start.line, start.end_col or start.col)

    return text, StringSource(src, inner, mapper)


def _join_view(src: ParsedSource, pointer: str, join: Any) -> tuple[str | None, StringSource]:
    if not (isinstance(join, list) and len(join) == 2 and isinstance(join[0], str) and isinstance(join[1], list)):
        return None, StringSource(src, parse_json("", src.file), lambda s: s)
    delimiter, parts = join
    pieces, starts, offset = [], [], 0
    for i, part in enumerate(parts):
        # an intrinsic piece (a Ref, a GetAtt) stands inside a JSON string in practice: a placeholder keeps it one
        piece = part if isinstance(part, str) else "${" + f"Fn::Join[{i}]" + "}"
        starts.append(offset)
        pieces.append(piece)
        offset += len(piece) + len(delimiter)
    text = delimiter.join(pieces)
    inner = parse_json(text, src.file)
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    base = pointer + "/Fn::Join/1"

    def mapper(span: Span) -> Span:
        whole = src.value_span(pointer) or Span(src.file, 1, 1)
        if not starts:
            return whole
        at = line_starts[max(1, min(span.line, len(line_starts))) - 1] + max(1, span.col) - 1
        index = max(0, bisect.bisect_right(starts, at) - 1)
        part = src.value_span(f"{base}/{index}")
        if part is None:
            return whole
        quoted = src.text[_offset(src, part):][:1] in ("\"", "'")
        col = part.col + (1 if quoted else 0) + (at - starts[index])
        return Span(src.file, part.line, col, part.line, col + 1)

    return text, StringSource(src, inner, mapper)


def _offset(src: ParsedSource, span: Span) -> int:
    lines = src.text.split("\n")
    return max(0, min(len(src.text), sum(len(ln) + 1 for ln in lines[:span.line - 1]) + span.col - 1))
