"""What a trigger's `input {...}` may hold, per trigger: checked at compile time, never guessed.

- `on event`: JSONPaths into the event (`$.detail.id`) become an EventBridge input transformer; a bare
  path is the rule's `InputPath`. EventBridge reads dot-notation paths only: no `$$` context, intrinsics
  or JSONata.
- `on schedule`: the input is fixed JSON (a schedule has no event to read paths from).
- `on http`: the execution input is the request body as sent; there is no input to write.
Resources named in the input render as their name/ARN/URL (chosen by the key, as everywhere).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flowc.compiler import refs
from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, Span

# The JSONPath subset EventBridge input paths accept: dot notation with names (letters, digits, `_`, `-`)
# and array indices.
EVENT_PATH = re.compile(r"\$(?:\.[A-Za-z0-9_\-]+|\[\d+\])*")
MAX_EVENT_PATHS = 100  # InputPathsMap entries (EventBridge quota)

Report = Callable[[Diagnostic], None]
KindOf = Callable[[str], "str | None"]


def check(trigger: str, value: Any, kind_of: KindOf, report: Report, span: Span) -> Any:
    """The input value with every resource reference's attribute settled; problems reported."""
    if trigger == "http":
        report(Diagnostic("FLOW101", "an http trigger has no `input`: the execution input is the request body",
                          span, hint="reshape the body in the workflow's first step (e.g. `Start: pass with {...}`)"))
        return None
    paths: list[ast.PathValue] = []
    checked = _walk(value, None, kind_of, report, paths)
    if trigger == "schedule":
        for path in paths:
            report(Diagnostic("FLOW101", f"a schedule trigger's input is fixed JSON: '{path.text}' has no event "
                                         "to read from", path.span,
                              hint="read the start time in the workflow instead: $$.Execution.StartTime"))
        return checked
    for path in paths:
        if path.text.startswith("$$"):
            report(Diagnostic("FLOW101", f"'{path.text}' is a context path: an event trigger's input reads the "
                                         "event only", path.span, hint="e.g. $.detail, $.time, $.source"))
        elif not EVENT_PATH.fullmatch(path.text):
            report(Diagnostic("FLOW101", f"EventBridge cannot read '{path.text}': input paths are dot notation "
                                         "with array indices", path.span, hint="e.g. $.detail.items[0].id"))
    if len(paths) > MAX_EVENT_PATHS:
        report(Diagnostic("FLOW101", f"{len(paths)} paths in one event input; EventBridge allows "
                                     f"{MAX_EVENT_PATHS}", span, hint="pass a larger part of the event, e.g. $.detail"))
    return checked


def check_pattern(value: Any, kind_of: KindOf, report: Report) -> Any:
    """An event pattern is literal JSON, where a resource's name may stand (`{ bucket: { name: [Exports] } }`)."""
    paths: list[ast.PathValue] = []
    checked = _walk(value, None, kind_of, report, paths)
    for path in paths:
        report(Diagnostic("FLOW101", f"an event pattern matches literal values: '{path.text}' is not read here",
                          path.span, hint='to match a string that starts with $, quote it: "$..."'))
    return checked


def _walk(value: Any, key: str | None, kind_of: KindOf, report: Report, paths: list[ast.PathValue]) -> Any:
    if isinstance(value, ast.PathValue):
        paths.append(value)
        return value
    if isinstance(value, (ast.IntrinsicValue, ast.JsonataValue)):
        what = "intrinsic functions" if isinstance(value, ast.IntrinsicValue) else "JSONata"
        report(Diagnostic("FLOW101", f"{what} cannot run in a trigger's input: it is built before the "
                                     "execution starts", value.span,
                          hint="pass the event's fields and compute in the workflow's first step"))
        return value
    if isinstance(value, ast.RefValue):
        kind = kind_of(value.name)
        if kind is None:
            report(Diagnostic("FLOW201", f"'{value.name}' is not a declared resource or workflow", value.span,
                              hint=f'quote it for a string: "{value.name}"'))
            return ast.LiteralValue(span=value.span, value=value.name)
        attribute, problem = refs.choose(kind, key, value.attribute, name=value.name)
        if problem is not None:
            report(Diagnostic("FLOW101", problem, value.span))
        return ast.RefValue(span=value.span, name=value.name, attribute=attribute)
    if isinstance(value, ast.ObjectValue):
        return ast.ObjectValue(span=value.span, items=[
            ast.ObjectItem(key=i.key, key_span=i.key_span, value=_walk(i.value, i.key, kind_of, report, paths))
            for i in value.items])
    if isinstance(value, ast.ArrayValue):
        return ast.ArrayValue(span=value.span, items=[_walk(v, key, kind_of, report, paths) for v in value.items])
    if isinstance(value, ast.TypedValue):
        report(Diagnostic("FLOW101", "DynamoDB-typed values are for DynamoDB steps, not trigger inputs", value.span))
    return value
