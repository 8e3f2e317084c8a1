"""Distinct declarations must not collapse into one generated name.

`function a_b` and `function aB` both become `ABFunction`; workflows `order_flow` and `OrderFlow` both
become `OrderFlowStateMachine`. Left alone, the template holds one resource for two declarations (a step
runs the other's handler) and `check` says ok. Every name a target derives from a declaration is
checked here, once, for both targets:

- CloudFormation logical IDs and the `${...}` substitution keys ASL refers to them by;
- file names (`<Workflow>.asl.json`, `flows/<Workflow>.json`), compared case-insensitively because
  macOS and Windows file systems are.

Physical names flowc sets (`${AWS::StackName}-<name>.fifo` for FIFO topics and queues, the state machine
names) keep the declared name as written, so distinct declarations keep distinct physical names.

A collision is FLOW202 at the later declaration, naming the earlier one. (The SQS target numbers the
per-step resources it derives itself, `OrderCheck`, `OrderCheck2`, ...: those never collapse.)
"""

from __future__ import annotations

from flowc.compiler import ir
from flowc.dsl.diagnostics import Diagnostic, Span
from flowc.targets import naming


def _declarations(program: ir.Program) -> list[tuple[str, str, Span]]:
    """(kind, name, span) of every declaration, in source order."""
    out = [(res.kind, res.name, res.span) for res in program.resources.values()]
    out += [("workflow", wf.name, wf.span) for wf in program.workflows.values()]
    return sorted(out, key=lambda d: (d[2].file, d[2].line, d[2].col, d[0], d[1]))


def _generated(kind: str, name: str) -> list[tuple[str, str]]:
    """(what, generated name) a declaration gives rise to; `what` says which kind of name it is."""
    out = [("logical ID", naming.logical_id(kind, name)), ("substitution", naming.substitution_key(kind, name))]
    if kind == "workflow":
        out += [("file name", f"{name}.asl.json".lower()), ("file name", f"flows/{name}.json".lower())]
    return out


def check_collisions(program: ir.Program) -> list[Diagnostic]:
    seen: dict[tuple[str, str], tuple[str, str, Span]] = {}
    out: list[Diagnostic] = []
    for kind, name, span in _declarations(program):
        reported = False
        for what, generated in _generated(kind, name):
            first = seen.setdefault((what, generated), (kind, name, span))
            if first[:2] == (kind, name) or reported:
                continue
            reported = True  # one diagnostic per declaration: the first name it shares
            out.append(Diagnostic(
                "FLOW202", f"{kind} '{name}' and {first[0]} '{first[1]}' (at {first[2]}) both become the "
                f"{what} '{generated}'", span, hint="rename one of them; generated names keep only letters "
                "and digits of a name, and files are compared ignoring case"))
    return out
