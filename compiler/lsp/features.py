"""The language server's features as plain functions of a document's text.

The index is read from the text with a few line patterns, not from the parse tree: while someone types, the
file is usually not valid, and completion, hover and go-to-definition must still work. Diagnostics come from the
real analysis (`pipeline.analyse` over the buffer), so they are exactly what `flowc check` says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flowc.compiler.lsp.docs import KEYWORDS

_WORKFLOW = re.compile(r"^(\s*)workflow\s+([A-Za-z_][\w-]*)")
_STEP = re.compile(r'^(\s*)(?:"([^"]+)"|([A-Za-z_][\w-]*))\s*:\s*([A-Za-z_][\w.-]*)?')
_RESOURCE = re.compile(r"^\s*(function|table|topic|queue|bus|activity|bucket|machine)\s+([A-Za-z_][\w-]*)")
_WORD = re.compile(r'"[^"\n]*"|[A-Za-z_][\w.-]*')
_NOT_STEPS = {"if", "elif", "else", "case", "default", "branch", "do", "then"}


@dataclass(frozen=True)
class Place:
    name: str
    kind: str  # workflow | step | function | table | ...
    line: int  # 0-based
    col: int
    end_col: int
    detail: str = ""
    container: str | None = None  # the workflow a step belongs to


@dataclass
class Index:
    workflows: list[Place] = field(default_factory=list)
    steps: list[Place] = field(default_factory=list)
    resources: list[Place] = field(default_factory=list)

    def find(self, name: str) -> Place | None:
        for group in (self.steps, self.resources, self.workflows):
            for place in group:
                if place.name == name:
                    return place
        return None


def index(text: str) -> Index:
    out = Index()
    workflow: str | None = None
    for number, line in enumerate(text.splitlines()):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if m := _WORKFLOW.match(line):
            workflow = m.group(2)
            out.workflows.append(Place(workflow, "workflow", number, m.start(2), m.end(2)))
            continue
        if m := _RESOURCE.match(line):
            out.resources.append(Place(m.group(2), m.group(1), number, m.start(2), m.end(2), line.strip(), workflow))
            continue
        if (m := _STEP.match(line)) and (m.group(3) or "") not in _NOT_STEPS and m.group(4) != "//":
            name = m.group(2) or m.group(3)
            start = m.start(2) - 1 if m.group(2) else m.start(3)
            out.steps.append(Place(name, "step", number, start, start + len(name) + (2 if m.group(2) else 0),
                                   m.group(4) or "", workflow))
    return out


def word_at(text: str, line: int, col: int) -> tuple[str, int, int] | None:
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return None
    for m in _WORD.finditer(lines[line]):
        if m.start() <= col <= m.end():
            return m.group().strip('"'), m.start(), m.end()
    return None


def hover(text: str, line: int, col: int) -> str | None:
    found = word_at(text, line, col)
    if found is None:
        return None
    word = found[0]
    place = index(text).find(word)
    if place is not None and place.kind == "step":
        return f"**step** `{place.name}`" + (f" — {place.detail}" if place.detail else "") + \
            (f"\n\n{KEYWORDS[place.detail]}" if place.detail in KEYWORDS else "")
    if place is not None and place.kind != "workflow":
        return f"**{place.kind}** `{place.name}`\n\n`{place.detail}`"
    if place is not None:
        return f"**workflow** `{place.name}`"
    head = word.split(".")[0]
    if word in integration_names():
        return f"**integration** `{word}`"
    if head in KEYWORDS:
        return KEYWORDS[head]
    return None


def definition(text: str, line: int, col: int) -> Place | None:
    found = word_at(text, line, col)
    if found is None:
        return None
    place = index(text).find(found[0])
    if place is None or (place.line == line and place.col <= col <= place.end_col):
        return None
    return place


@cache
def keywords() -> tuple[str, ...]:
    """Every keyword of the grammar (read from dsl/flow.lark, so the list never drifts from the language)."""
    from flowc.dsl import parser

    grammar = Path(parser.__file__).with_name("flow.lark").read_text(encoding="utf-8")
    return tuple(sorted(set(re.findall(r'"([a-z_][a-z_0-9]*)"', grammar))))


@cache
def integration_names() -> tuple[str, ...]:
    from flowc.compiler.integrations import INTEGRATIONS

    return tuple(sorted(INTEGRATIONS))


def completion(text: str, line: int, col: int) -> list[tuple[str, str]]:
    """(label, kind) candidates: step names after `goto`, declared resources, integrations, keywords."""
    lines = text.splitlines()
    current = lines[line][:col] if 0 <= line < len(lines) else ""
    prefix = re.search(r"[\w.-]*$", current).group()
    idx = index(text)
    steps = [(p.name, "step") for p in idx.steps]
    resources = [(p.name, p.kind) for p in idx.resources]
    workflows = [(p.name, "workflow") for p in idx.workflows]
    if re.search(r"\bgoto\s+[\w-]*$", current):
        pool = steps
    elif re.search(r"\b(invoke|start)\s+[\w-]*$", current):
        pool = resources + workflows
    else:
        pool = ([(w, "keyword") for w in keywords()] + [(n, "integration") for n in integration_names()]
                + resources + steps)
    seen: set[str] = set()
    out = []
    for label, kind in pool:
        if label.startswith(prefix) and label not in seen:
            seen.add(label)
            out.append((label, kind))
    return out


@dataclass(frozen=True)
class Problem:
    line: int  # 0-based
    col: int
    end_line: int
    end_col: int
    severity: str  # error | warning | info
    code: str
    message: str


def diagnostics(path: Path, text: str) -> list[Problem]:
    """What `flowc check` says of this buffer (its imports read from disk), for this file only: every rule at
    its `[tool.flowc.lint]` severity (the configuration the server finds from where it runs)."""
    from flowc.compiler.lint.config import ConfigError, LintConfig, load_config
    from flowc.compiler.lint.runner import Options, analyse_flow
    from flowc.compiler.rules import all_rules

    key = path.resolve()
    try:
        config = load_config()
        config.validate(all_rules())
    except ConfigError:
        config = LintConfig()
    analysis = analyse_flow([path], Options(config), {str(path): text}, {key: text})
    out = []
    for d in analysis.diagnostics:
        try:
            same = Path(d.span.file).resolve() == key
        except (OSError, ValueError):
            same = False
        if not same:
            continue
        line = max(d.span.line - 1, 0)
        col = max(d.span.col - 1, 0)
        end_line = max((d.span.end_line or d.span.line) - 1, line)
        end_col = max((d.span.end_col or d.span.col) - 1, col + 1 if end_line == line else 0)
        message = d.message + (f"\nhelp: {d.hint}" if d.hint else "")
        out.append(Problem(line, col, end_line, end_col, d.severity.value, d.code, message))
    return out
