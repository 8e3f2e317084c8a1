"""AST -> `.flow` text: the one place that knows how each node is spelled.

`flowc import` builds an AST from existing ASL and prints it here; a formatter can print a parsed file
back the same way. The output is deterministic (same tree, same bytes) and re-parses to an equal tree:
names and keys are quoted only when the lexer would not read them as one word, strings are JSON
escaped, paths, intrinsics and JSONata are written as their own tokens. Objects that fit stay on one
line; longer ones are broken one entry per line (newlines inside brackets are not significant).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flowc.dsl import ast
from flowc.dsl.durations import format_duration

INDENT = "  "
WIDTH = 110
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(\.[A-Za-z_][A-Za-z0-9_\-]*)+")
# Words the grammar reads as keywords where a name could also stand (value position, statement start).
_VALUE_WORDS = frozenset({"true", "false", "null", "goto", "end"})
# Comparison operators that have a `==`-style spelling, by operand type.
_SUGAR = {"Equals": "==", "LessThan": "<", "LessThanEquals": "<=", "GreaterThan": ">",
          "GreaterThanEquals": ">="}
_TYPE_TESTS = {"IsPresent": "present", "IsNull": "null", "IsString": "string", "IsNumeric": "numeric",
               "IsBoolean": "boolean", "IsTimestamp": "timestamp"}
_RETRY_WRITERS = {"duration": lambda v: format_duration(v.seconds), "string": lambda v: string(v),
                  "word": str, "raw": lambda v: literal(v)}
_RETRY_FIELDS = (("interval", "duration"), ("attempts", "raw"), ("backoff", "raw"), ("max_delay", "duration"),
                 ("jitter", "word"), ("comment", "string"))


def name(text: str) -> str:
    """A step, resource or workflow name: bare when it lexes as one NAME, else a JSON string."""
    return text if _NAME.fullmatch(text) and text not in _VALUE_WORDS else json.dumps(text, ensure_ascii=False)


def key(text: str) -> str:
    return text if (_NAME.fullmatch(text) or _DOTTED.fullmatch(text)) and text not in _VALUE_WORDS else \
        json.dumps(text, ensure_ascii=False)


def error_name(text: str) -> str:
    return text if _NAME.fullmatch(text) or _DOTTED.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def literal(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        return str(value)
    return string(str(value))


# ------------------------------------------------------------------------------------------- values
def value(v: Any, indent: int = 0) -> str:
    """One value; `indent` is the column the value's line starts at (for breaking long objects)."""
    if isinstance(v, ast.LiteralValue):
        return literal(v.value)
    if isinstance(v, (ast.PathValue, ast.IntrinsicValue, ast.JsonataValue)):
        return v.text
    if isinstance(v, ast.TypedValue):
        return f"{v.type}({value(v.value, indent)})"
    if isinstance(v, ast.Duration):
        return format_duration(v.seconds)
    if isinstance(v, ast.NameRef):
        return name(v.name)
    if isinstance(v, ast.RefValue):
        return ref(v)
    if isinstance(v, ast.ObjectValue):
        parts = [f"{key(i.key)}: {value(i.value, indent + 1)}" for i in v.items]
        return _bracketed("{", "}", parts, indent, pad=True)
    if isinstance(v, ast.ArrayValue):
        return _bracketed("[", "]", [value(i, indent + 1) for i in v.items], indent, pad=False)
    raise TypeError(f"cannot print {type(v).__name__}")


def ref(v: ast.RefValue) -> str:
    """A resource named in a value, as written: `Alerts` or `Alerts.arn` (both front ends take only names)."""
    return v.name if v.attribute is None else f"{v.name}.{v.attribute}"


def _bracketed(open_: str, close: str, parts: list[str], indent: int, *, pad: bool) -> str:
    if not parts:
        return open_ + close
    inner = ", ".join(parts)
    one_line = f"{open_} {inner} {close}" if pad else f"{open_}{inner}{close}"
    if "\n" not in one_line and len(one_line) + indent * len(INDENT) <= WIDTH:
        return one_line
    lines = [open_]
    for part in parts:
        lines.append(INDENT * (indent + 1) + part + ",")
    lines.append(INDENT * indent + close)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------- conditions
def condition(c: Any, nested: bool = False) -> str:
    if isinstance(c, ast.JsonataCondition):
        return c.text
    if isinstance(c, ast.BoolOp):
        text = f" {c.op} ".join(condition(o, nested=True) for o in c.operands)
        return f"({text})" if nested else text
    if isinstance(c, ast.NotOp):
        inner = condition(c.operand, nested=True)
        return f"not {inner}"
    return compare(c)


def compare(c: ast.Compare) -> str:
    var = c.variable.text
    op = c.op
    operand = c.operand
    lit = operand.value if isinstance(operand, ast.LiteralValue) else None
    if op in _TYPE_TESTS and isinstance(lit, bool):
        return f"{var} is {'' if lit else 'not '}{_TYPE_TESTS[op]}"
    if op == "StringMatches" and isinstance(lit, str):
        return f"{var} matches {string(lit)}"
    for family, ok in (("String", lambda x: isinstance(x, str)),
                       ("Numeric", lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)),
                       ("Boolean", lambda x: isinstance(x, bool))):
        suffix = op[len(family):] if op.startswith(family) else None
        if suffix in _SUGAR and isinstance(operand, ast.LiteralValue) and ok(lit):
            if family == "Boolean" and suffix != "Equals":
                break
            return f"{var} {_SUGAR[suffix]} {literal(lit)}"
    return f"{var} {op} {value(operand)}"


# ------------------------------------------------------------------------------------------ options
def option(o: ast.Option, indent: int) -> str:
    if o.name == "retry":
        return retry(o.value)
    if o.name == "catch":
        return catch(o.value, indent)
    if o.name in ("tolerate_count", "tolerate_percent"):
        v = o.value
        if isinstance(v, ast.LiteralValue):
            return f"tolerate {literal(v.value)}{'%' if o.name == 'tolerate_percent' else ''}"
        return f"tolerate {o.name.split('_')[1]} {v.text}"
    if o.value is None:
        return o.name
    return f"{o.name} {value(o.value, indent)}"


def retry(r: ast.RetrySpec) -> str:
    parts = ["retry " + ", ".join(error_name(e.name) for e in r.errors)]
    for field, kind in _RETRY_FIELDS:
        v = getattr(r, field)
        if v is None:
            continue
        parts.append(f"{field} {_RETRY_WRITERS[kind](v)}")
    return " ".join(parts)


def catch(c: ast.CatchSpec, indent: int) -> str:
    parts = ["catch " + ", ".join(error_name(e.name) for e in c.errors)]
    if c.into is not None:
        parts.append("into " + value(c.into))
    if c.output is not None:
        parts.append("output " + value(c.output, indent))
    if c.assign is not None:
        parts.append("assign " + value(c.assign, indent))
    if c.comment is not None:
        parts.append("comment " + string(c.comment))
    parts.append("goto " + name(c.target.name))
    return " ".join(parts)


# ---------------------------------------------------------------------------------------- statements
def statements(body: list, indent: int) -> list[str]:
    lines: list[str] = []
    pad = INDENT * indent
    for stmt in body:
        if isinstance(stmt, ast.Goto):
            lines.append(pad + ("end" if stmt.target is None else "goto " + name(stmt.target.name)))
        else:
            lines.extend(step(stmt, indent))
    return lines


def step(s: ast.Step, indent: int) -> list[str]:
    pad = INDENT * indent
    head, clauses = action(s.action, indent + 1)
    lines = [f"{pad}{name(s.name)}: {head}"]
    for o in s.options:
        lines.append(INDENT * (indent + 1) + option(o, indent + 1))
    lines.extend(clauses)
    return lines


def action(a: Any, indent: int) -> tuple[str, list[str]]:
    """The header text after `Name:` and the clause lines of a block step."""
    pad = INDENT * indent
    if isinstance(a, ast.TaskAction):
        return _task_head(a), []
    if isinstance(a, ast.PassAction):
        return "pass", []
    if isinstance(a, ast.SucceedAction):
        return "succeed", []
    if isinstance(a, ast.WaitAction):
        return ("wait until " if a.until else "wait ") + value(a.value, indent), []
    if isinstance(a, ast.FailAction):
        head = "fail"
        if a.error is not None:
            head += " " + value(a.error, indent)
        if a.cause is not None:
            head += " cause " + value(a.cause, indent)
        return head, []
    if isinstance(a, ast.ParallelAction):
        lines = []
        for branch in a.branches:
            lines.append(pad + "branch")
            lines.extend(statements(branch, indent + 1))
        return "parallel", lines
    if isinstance(a, ast.MapAction):
        head = "map" + (" distributed" if a.distributed else "")
        if a.items is not None:
            head += " " + value(a.items, indent)
        if a.item_var is not None:
            head += " as " + a.item_var.name + (f", {a.index_var.name}" if a.index_var is not None else "")
        return head, [pad + "do", *statements(a.body, indent + 1)]
    if isinstance(a, ast.ChooseAction):
        variable = switch_variable(a)
        if variable is not None:
            return f"switch {variable}", _switch_clauses(a, indent)
        return "choose", _choose_clauses(a, indent)
    raise TypeError(f"cannot print {type(a).__name__}")


def _task_head(a: ast.TaskAction) -> str:
    mode = f" {a.mode}" if a.mode else ""
    if a.integration == "call":
        resource = a.resource or ""
        return f"call {resource if _call_word(resource) else string(resource)}{mode}"
    target = f" {name(a.target.name)}" if a.target is not None else ""
    return f"{a.integration}{target}{mode}"


_RESOURCE = re.compile(r"[a-z][a-z0-9\-]*:[A-Za-z0-9\-]+(?::[A-Za-z0-9\-]+)?(?:\.(?:sync:2|sync|waitForTaskToken))?")


def _call_word(resource: str) -> bool:
    """`call lambda:invoke` reads better than the quoted string; both parse to the same resource."""
    return bool(_RESOURCE.fullmatch(resource))


_CASE_FAMILY = {str: "String", int: "Numeric", float: "Numeric", bool: "Boolean"}


def case_values(cond: Any, variable: str | None) -> list[Any] | None:
    """The literals of a `case` that means exactly `cond` (`$.x == v` or an `or` of those), else None."""
    tests = cond.operands if isinstance(cond, ast.BoolOp) and cond.op == "or" else [cond]
    values = []
    for t in tests:
        if not (isinstance(t, ast.Compare) and isinstance(t.operand, ast.LiteralValue)
                and (variable is None or t.variable.text == variable)):
            return None
        family = _CASE_FAMILY.get(type(t.operand.value))
        if family is None or t.op != family + "Equals":
            return None
        variable = t.variable.text
        values.append(t.operand.value)
    return values


def switch_variable(a: ast.ChooseAction) -> str | None:
    """The path a `choose` tests in every branch against literals (2+ branches): then it reads as a `switch`."""
    if len(a.branches) < 2 or a.no_match_error:
        return None
    first = a.branches[0].condition
    tests = first.operands if isinstance(first, ast.BoolOp) else [first]
    variable = getattr(getattr(tests[0], "variable", None), "text", None)
    if variable is None or any(case_values(b.condition, variable) is None for b in a.branches):
        return None
    return variable


def _switch_clauses(a: ast.ChooseAction, indent: int) -> list[str]:
    pad = INDENT * indent
    lines: list[str] = []
    for branch in a.branches:
        head = f"{pad}case " + ", ".join(literal(v) for v in case_values(branch.condition, None) or [])
        for o in branch.options:
            head += f" {o.name} {value(o.value, indent)}"
        lines.extend(_target(head, branch.body, indent))
    if a.default is not None:
        lines.extend(_target(pad + "default", a.default, indent))
    return lines


def _choose_clauses(a: ast.ChooseAction, indent: int) -> list[str]:
    pad = INDENT * indent
    lines: list[str] = []
    for i, branch in enumerate(a.branches):
        head = f"{pad}{'if' if i == 0 else 'elif'} {condition(branch.condition)}"
        for o in branch.options:
            head += f" {o.name} {value(o.value, indent)}"
        lines.extend(_target(head, branch.body, indent))
    if a.no_match_error:
        lines.append(pad + "else raise States.NoChoiceMatched")
    elif a.default is not None:
        lines.extend(_target(pad + "else", a.default, indent))
    return lines


def _target(head: str, body: list, indent: int) -> list[str]:
    if len(body) == 1 and isinstance(body[0], ast.Goto) and body[0].target is not None:
        return [f"{head} goto {name(body[0].target.name)}"]
    return [head, *statements(body, indent + 1)]


# -------------------------------------------------------------------------------------------- top level
def setting(s: ast.Setting) -> str:
    args = s.value if isinstance(s.value, list) else [s.value]
    return " ".join([s.name, *(value(a) if isinstance(a, ast.Node) else str(a) for a in args)])


def resource(r: ast.ResourceDecl) -> str:
    parts = [r.kind, name(r.name)]
    for p in r.props:
        parts.append(p.name if p.value is None else f"{p.name} {value(p.value)}")
    return " ".join(parts)


def trigger(t: ast.Trigger) -> str:
    parts = ["on", t.kind]
    for p in t.props:
        parts.append(value(p.value, 1) if not p.name else f"{p.name} {value(p.value, 1)}")
    return " ".join(parts)


def workflow(wf: ast.Workflow) -> list[str]:
    lines = [f"workflow {name(wf.name)}"]
    lines.extend(INDENT + setting(s) for s in wf.settings)
    if wf.resources:
        lines.append("")
        lines.extend(INDENT + resource(r) for r in wf.resources)
    if wf.triggers:
        lines.append("")
        lines.extend(INDENT + trigger(t) for t in wf.triggers)
    lines.append("")
    lines.extend(statements(wf.body, 1))
    return lines


def format_module(module: ast.Module, header: list[str] | None = None) -> str:
    """The whole file; `header` lines are written first as `#` comments."""
    lines = [f"# {h}".rstrip() for h in header or []]
    if lines:
        lines.append("")
    for imp in module.imports:
        lines.append(f"import {string(imp.path)}")
    if module.imports:
        lines.append("")
    for r in module.resources:
        lines.append(resource(r))
    if module.resources:
        lines.append("")
    for i, wf in enumerate(module.workflows):
        if i:
            lines.append("")
        lines.extend(workflow(wf))
    return "\n".join(lines) + "\n"
