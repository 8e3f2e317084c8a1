"""What the SQS target cannot reproduce faithfully, as compile errors (FLOW701-FLOW707, docs in
`compiler/rules/flow70*.py`). A workflow that passes `check` behaves the same on both targets; one that does
not is refused with a reason, never compiled into something that behaves differently."""

from __future__ import annotations

import json
import re

from flowc.compiler import ir
from flowc.compiler.result import CompileResult
from flowc.dsl.diagnostics import Diagnostic, Span
from flowc.targets.sqs import plan as P

SERVICES = {"lambda", "dynamodb", "sns", "sqs", "events", "states"}
# Context fields with no counterpart in an SQS chain: task tokens (no callbacks) and the execution role (each
# function has its own role; a made-up ARN would be silently different).
_MISSING_CONTEXT = re.compile(r"(?:\$\$|\$states\.context)\.(Task\b|Execution\.RoleArn\b)")


def check(result: CompileResult) -> list[Diagnostic]:
    if result.program is None:
        return []
    out: list[Diagnostic] = []
    program = result.program
    for wf in program.workflows.values():
        emitted = result.asl.get(wf.name)
        for state in wf.graph.walk():
            out += _state(program, wf, state, emitted)
    if not [d for d in out if d.is_error]:
        out += _environment(result)
    return out


def _span(state: ir.State, *keys: str) -> Span:
    for key in keys:
        if key in state.spans:
            return state.spans[key]
    return state.span


def _state(program: ir.Program, wf: ir.Workflow, state: ir.State, emitted) -> list[Diagnostic]:
    out: list[Diagnostic] = []
    task = state.task
    if task is not None:
        if task.mode == "callback":
            out.append(Diagnostic("FLOW701", f"'{state.name}' waits for a task token (.waitForTaskToken), which "
                                             "the SQS target cannot reproduce", _span(state, "task"),
                                  hint="make the step request-response, or keep this workflow on --target asl"))
        elif task.integration == "activity":
            out.append(Diagnostic("FLOW702", f"'{state.name}' runs an activity, which the SQS target has no "
                                             "endpoint for", _span(state, "task"),
                                  hint="invoke a function instead, or keep this workflow on --target asl"))
        elif task.integration == "resource":
            resource = task.resource or ""
            service = resource.split(":")[1] if resource.startswith("aws-sdk:") else None
            if service is None or task.mode != "request":
                out.append(Diagnostic("FLOW705", f"'{state.name}' calls {resource}"
                                                 f"{'' if task.mode == 'request' else ' (' + task.mode + ')'}, "
                                                 "which the SQS runtime does not emulate", _span(state, "task"),
                                      hint="use a request-response aws-sdk:service:action call, or keep this "
                                           "workflow on --target asl"))
        elif task.integration == "states.startExecution" and task.target not in program.workflows \
                and task.mode != "request":
            out.append(Diagnostic("FLOW705", f"'{state.name}' waits for the external state machine "
                                             f"{task.target}, which the SQS runtime would have to poll",
                                  _span(state, "task"),
                                  hint="start it without waiting, or make it a workflow of this compilation"))
        if state.credentials is not None:
            out.append(Diagnostic("FLOW706", f"'{state.name}' assumes a role (credentials), which the SQS "
                                             "runtime does not do", _span(state, "credentials", "task")))
    if state.map is not None and state.map.distributed and (
            state.map.reader is not None or state.map.batcher is not None or state.map.writer is not None):
        which = [n for n, v in (("reader", state.map.reader), ("batch", state.map.batcher),
                                ("writer", state.map.writer)) if v is not None]
        out.append(Diagnostic("FLOW703", f"distributed Map '{state.name}' uses {', '.join(which)} (S3 item "
                                         "reading/batching/writing), which the SQS target does not support",
                              _span(state, "reader", "batcher", "writer"),
                              hint="load the items in a step before the Map and map over them"))
    if emitted is not None and task is not None and task.mode == "callback":
        return out  # the token is the callback's own business: FLOW701 said it already
    body = _asl_state(emitted.definition if emitted is not None else {}, state.name)
    missing = _MISSING_CONTEXT.search(json.dumps(_own_fields(body)))
    if missing:
        what = "the task token" if missing.group(1).startswith("Task") else "the execution role ARN"
        out.append(Diagnostic("FLOW704", f"'{state.name}' reads {what} from the context object, which does not "
                                         "exist on the SQS target", state.span))
    return out


def _own_fields(body: dict) -> dict:
    return {k: v for k, v in body.items() if k not in ("Branches", "ItemProcessor", "Iterator")}


def _asl_state(definition: dict, name: str) -> dict:
    for state_name, body in definition.get("States", {}).items():
        if state_name == name:
            return body
        for sub in [*body.get("Branches", ()), body.get("ItemProcessor") or body.get("Iterator") or {}]:
            found = _asl_state(sub, name)
            if found:
                return found
    return {}


def _environment(result: CompileResult) -> list[Diagnostic]:
    """FLOW707: a function's environment (its routing table) must fit Lambda's 4 KB."""
    out: list[Diagnostic] = []
    plan = P.ProgramPlan(result)
    for wf in plan.workflows.values():
        functions = [(wf.ingress_function, wf.routes, wf.inline_substitutions, {})]
        # a handler step's function holds its handler function's name (the handler's own `env` is not here)
        functions += [(s.function_logical, s.routes, s.substitutions,
                       {s.handler_function: "x" * 64} if s.handler_function else {}) for s in wf.steps.values()]
        for logical, routes, subs, env in functions:
            size = 400 + sum(len(q) + P.QUEUE_NAME_ESTIMATE for q in routes) + sum(len(k) + 120 for k in subs)
            size += sum(len(str(k)) + len(str(v)) for k, v in env.items())
            if size > P.ENV_LIMIT:
                out.append(Diagnostic("FLOW707", f"{logical} would need about {size} bytes of environment for "
                                                 f"its {len(routes)} routes; Lambda allows {P.ENV_LIMIT}",
                                      wf.workflow.span, hint="split the workflow into a parent and children"))
    return out
