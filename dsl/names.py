"""Names checked by the rules AWS applies, in every front end, before anything uses them.

A workflow name becomes a state machine name and a file name (`<Workflow>.asl.json`,
`flows/<Workflow>.json`); a step name becomes an ASL state name and appears in generated templates. The
`.flow` grammar only admits identifiers, but `.flow.yaml` admits any string, so `"../../x"`, `"/etc/x"`,
a 300-character name or a name with a newline must stop here, not in the output writer or a template.

Workflow names follow the Step Functions rules for state machine names (CreateStateMachine `name`): 1-80
characters, no white space, brackets `< > { } [ ]`, wildcards `? *`, special characters
`" # % \\ ^ | ~ ` $ & , ; : /` or control characters. State names: 1-80 characters (FLOW105 reports the
length), and flowc also refuses control characters in them (they break logs and generated files).
"""

from __future__ import annotations

import re

from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic

MAX_NAME = 80
_CONTROL = "\x00-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff"
_WORKFLOW_FORBIDDEN = re.compile(r"[\s<>{}\[\]?*\"#%\\^|~`$&,;:/" + _CONTROL + "]")
_CONTROL_CHARS = re.compile("[" + _CONTROL + "\u2028\u2029]")


def workflow_name_problem(name: str) -> str | None:
    """Why `name` cannot be a state machine (and file) name, or None."""
    if not name:
        return "a workflow name cannot be empty"
    if len(name) > MAX_NAME:
        return f"workflow name is {len(name)} characters long; Step Functions accepts at most {MAX_NAME}"
    if name in (".", ".."):
        return f"{name!r} cannot be a workflow name"
    bad = _WORKFLOW_FORBIDDEN.search(name)
    if bad:
        return (f"workflow name {name[:40]!r} contains {bad.group()!r}; a state machine name may not contain "
                "white space, brackets, wildcards, control characters or any of \" # % \\ ^ | ~ ` $ & , ; : /")
    return None


def plain_name_problem(kind: str, name: str) -> str | None:
    """Why a step or declaration name cannot be used, or None (length of steps is FLOW105's job)."""
    if not name:
        return f"a {kind} name cannot be empty"
    bad = _CONTROL_CHARS.search(name)
    if bad:
        return f"{kind} name {name[:40]!r} contains the control character {bad.group()!r}"
    return None


def _steps(body: list):
    """Every step of a statement list, at any depth (branches, cases, map bodies, parallel branches).

    Only statement lists hold steps, so this follows the actions that own them instead of every field
    of every node (values, options, spans): on a 10,000-step file that was a tenth of the parse.
    """
    for statement in body:
        if not isinstance(statement, ast.Step):
            continue
        yield statement
        action = statement.action
        kind = action.kind
        if kind == "choose":
            for branch in action.branches:
                yield from _steps(branch.body)
            if action.default is not None:
                yield from _steps(action.default)
        elif kind == "parallel":
            for branch in action.branches:
                yield from _steps(branch)
        elif kind == "map":
            yield from _steps(action.body)


def check_names(module: ast.Module) -> list[Diagnostic]:
    """FLOW101 (characters) and FLOW105 (length) for names no target could use."""
    out: list[Diagnostic] = []
    decls = list(module.resources)
    for wf in module.workflows:
        problem = workflow_name_problem(wf.name)
        if problem:
            out.append(Diagnostic("FLOW105" if len(wf.name) > MAX_NAME else "FLOW101", problem, wf.name_span))
        decls.extend(wf.resources)
        out.extend(Diagnostic("FLOW101", problem, step.name_span) for step in _steps(wf.body)
                   if (problem := plain_name_problem("step", step.name)))
    out.extend(Diagnostic("FLOW101", problem, decl.name_span) for decl in decls
               if (problem := plain_name_problem(decl.kind, decl.name)))
    return out
