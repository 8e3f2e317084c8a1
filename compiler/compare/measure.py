"""Where the per-execution numbers come from: one small adapter per source.

- `run_asl`: `flowc run` on the Step Functions target (the ASL interpreter, `flowc.targets.asl.interpreter`). Its
  `RunResult` carries the billed units (child executions included) and the run's history in AWS's event
  format; the children's histories are read from the interpreter.
- `run_sqs`: the SQS-chain simulator (`flowc.targets.sqs.simulator.simulate`), with the simulator's own event
  stream captured through its `observe` hook (per-execution state entries, retries, message sends).
- `billed_from_history`: Step Functions billed units read off execution histories in AWS's format, the
  way AWS bills them. It prices moto's histories in the agreement test, and fills the units an ASL executor
  did not count.
- `asl_from_sqs_trace`: when no ASL executor is installed, the Step Functions units are derived from the
  SQS run's state trace (same states entered, same retries), and the report says so.

Every adapter returns a `Measured`: the units, a target-neutral `Trace`, where the numbers came from, and
the error when the run could not be made.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from flowc.compiler.compare.analysis import WorkflowIndex
from flowc.compiler.result import CompileResult
from flowc.targets.local import BilledUnits, RunResult

CHUNK = 64 * 1024
SEED = 0


@dataclass
class ExecutionTrace:
    """What one execution (the root or a child) did, in terms both targets share."""

    workflow: str
    entered: list[str] = field(default_factory=list)  # state names, one per entry (Map iterations included)
    retries: Counter = field(default_factory=Counter)  # state -> retry attempts
    iterations: Counter = field(default_factory=Counter)  # Map/Parallel state -> iterations or branches run
    events: int = 0  # history events (Step Functions runs only)
    max_payload: int = 0  # bytes: the largest state input/output seen (Step Functions runs only)


@dataclass
class Trace:
    executions: list[ExecutionTrace] = field(default_factory=list)  # the root first

    @property
    def root(self) -> ExecutionTrace:
        return self.executions[0]

    def count(self, predicate) -> int:
        return sum(1 for ex in self.executions for name in ex.entered if predicate(ex.workflow, name))


@dataclass
class Measured:
    target: str  # asl | sqs
    source: str  # what produced the numbers, in words
    billed: BilledUnits = field(default_factory=BilledUnits)
    trace: Trace = field(default_factory=Trace)
    run: RunResult | None = None
    duration_ms: int = 0  # virtual time of the run (handlers, waits, retry delays), no per-hop overheads
    execution_ms: list[float] = field(default_factory=list)  # the same per execution, in trace order (root first)
    error: str | None = None
    hops: int = 0  # SQS: messages delivered to a function (each one an SQS -> Lambda hop)
    lambda_seconds: float = 0.0  # compute time of every invocation, summed
    raw_events: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None


# ------------------------------------------------------------------------------------------------------
# Step Functions: billed units from AWS-format histories
# ------------------------------------------------------------------------------------------------------
WRITE_ACTIONS = {"putItem", "updateItem", "deleteItem"}
READ_ACTIONS = {"getItem"}


def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _action(resource: str) -> str:
    """`putItem`, `arn:aws:states:::dynamodb:putItem`, `startExecution.sync:2` -> the action name."""
    for suffix in (".sync:2", ".sync", ".waitForTaskToken"):
        if resource.endswith(suffix):
            resource = resource[: -len(suffix)]
    return resource.rsplit(":", 1)[-1]


def billed_from_history(histories: list[list[dict[str, Any]]]) -> BilledUnits:
    """Standard-workflow billed units of the executions whose histories are given (root and children).

    A transition per state entered (inside Map iterations and Parallel branches too) and per retry, i.e. per
    task attempt after the first (AWS: "each retry will be charged as an additional state transition");
    ExecutionStarted/Succeeded are not transitions. Service calls are read from the Scheduled events.
    """
    units = BilledUnits()
    for events in histories:
        entered = attempts = 0
        task_states = 0
        for event in events:
            kind = event.get("type", "")
            details = _details(event)
            if kind.endswith("StateEntered"):
                entered += 1
                if kind == "TaskStateEntered":
                    task_states += 1
            elif kind in ("LambdaFunctionScheduled", "ActivityScheduled"):
                attempts += 1
                if kind == "LambdaFunctionScheduled":
                    units.lambda_invocations += 1
            elif kind == "TaskScheduled":
                attempts += 1
                _count_service(units, details)
            elif kind in ("LambdaFunctionScheduleFailed", "LambdaFunctionStartFailed", "TaskStartFailed"):
                pass
        units.state_transitions += entered + max(0, attempts - task_states)
    return units


def _count_service(units: BilledUnits, details: dict[str, Any]) -> None:
    rtype = details.get("resourceType", "")
    action = _action(details.get("resource", ""))
    try:
        params = json.loads(details.get("parameters") or "{}")
    except ValueError:
        params = {}
    if rtype == "lambda":
        units.lambda_invocations += 1
    elif rtype == "dynamodb":
        if action in WRITE_ACTIONS:
            units.dynamodb_writes += 1
        elif action in READ_ACTIONS:
            units.dynamodb_reads += 1
    elif rtype == "sns" and action == "publish":
        units.sns_publishes += 1
    elif rtype == "sqs" and action == "sendMessage":
        body = params.get("MessageBody", "")
        text = body if isinstance(body, str) else json.dumps(body)
        units.sqs_sends += 1
        units.sqs_requests += max(1, math.ceil(len(text.encode("utf-8")) / CHUNK))
    elif rtype == "events" and action == "putEvents":
        units.eventbridge_events += len(params.get("Entries") or [None])
    elif rtype == "states" and action == "startExecution":
        units.executions_started += 1


def trace_from_history(workflow: str, events: list[dict[str, Any]]) -> ExecutionTrace:
    ex = ExecutionTrace(workflow, events=len(events))
    current: list[str] = []  # the task state each attempt belongs to (history order within a line)
    maps: list[str] = []  # Map states entered and not yet exited
    attempts: Counter = Counter()
    for event in events:
        kind = event.get("type", "")
        details = _details(event)
        for key in ("input", "output"):
            text = details.get(key)
            if isinstance(text, str):
                ex.max_payload = max(ex.max_payload, len(text.encode("utf-8")))
        if kind.endswith("StateEntered"):
            ex.entered.append(details.get("name", ""))
            if kind == "TaskStateEntered":
                current.append(details.get("name", ""))
            elif kind == "MapStateEntered":
                maps.append(details.get("name", ""))
        elif kind == "MapIterationStarted" and (details.get("name") or maps):
            ex.iterations[details.get("name") or maps[-1]] += 1
        elif kind == "MapStateExited" and maps:
            maps.remove(details.get("name", maps[-1])) if details.get("name") in maps else maps.pop()
        elif kind in ("LambdaFunctionScheduled", "TaskScheduled", "ActivityScheduled") and current:
            attempts[current[-1]] += 1
        elif kind == "TaskStateExited" and current:
            current.pop()
    entries = Counter(ex.entered)
    ex.retries = Counter({k: v - entries[k] for k, v in attempts.items() if v > entries[k]})
    return ex


# ------------------------------------------------------------------------------------------------------
# the ASL target: `flowc run` (flowc.targets.asl.interpreter)
# ------------------------------------------------------------------------------------------------------
def run_asl(result: CompileResult, workflow: str, data: Any, *, mocks: dict[str, Any] | None = None
            ) -> Measured | None:
    """Run on the ASL interpreter (`flowc.targets.asl.interpreter`); None when it is not installed.

    The interpreter's `build` is used rather than `run_workflow` so that the histories of the child
    executions (each its own history on AWS) can be read too; the service backend is opened and closed the
    way `run_workflow` does it.
    """
    source = "flowc run (ASL interpreter)"
    try:
        from flowc.targets.asl.interpreter import build
    except ImportError:
        return None
    try:
        interp = build(result, seed=SEED, mocks=mocks)
        backend = getattr(interp, "services", None)
        try:
            if backend is not None and hasattr(backend, "open"):
                backend.open()
            run: RunResult = interp.run(workflow, data)
            children = [(ex.machine.name, list(ex.history.events), ex) for ex in interp.executions[1:]]
            spans = [_span_ms(ex) for ex in interp.executions]
            express = any(getattr(ex, "express", False) for ex in interp.executions)
        finally:
            if backend is not None and hasattr(backend, "close"):
                backend.close()
    except Exception as err:  # a run that cannot be made is reported, not raised
        return Measured("asl", source, error=f"{type(err).__name__}: {err}")
    root = trace_from_history(workflow, run.events)
    traces = [root]
    for name, events, ex in children:
        child = trace_from_history(name, events)
        child.max_payload = max(child.max_payload, int(getattr(ex, "max_data_bytes", 0) or 0))
        traces.append(child)
    billed = run.billed
    histories = [run.events, *[events for _, events, _ in children]]
    if billed == BilledUnits() and run.events:
        billed = billed_from_history(histories)
    elif express:
        # Express executions bill requests and duration, so the meter counts no transitions for them; the
        # Standard column prices the same run as Standard executions: transitions from the histories
        billed = billed.model_copy(update={"state_transitions": billed_from_history(histories).state_transitions})
    measured = Measured("asl", source, billed, Trace(traces), run, run.duration_ms)
    measured.execution_ms = [float(run.duration_ms), *spans[1:]]
    return measured


def _span_ms(execution: Any) -> float:
    """Virtual milliseconds between an execution's start and stop (0 when it never stopped)."""
    stop = getattr(execution, "stop_time", None)
    start = getattr(execution, "start_time", None)
    return round((stop - start) * 1000.0, 3) if stop is not None and start is not None else 0.0


# ------------------------------------------------------------------------------------------------------
# the SQS target: the simulator
# ------------------------------------------------------------------------------------------------------
def run_sqs(result: CompileResult, workflow: str, data: Any, *, mocks: dict[str, Any] | None = None) -> Measured:
    source = "SQS-chain simulator (moto SQS/DynamoDB, virtual clock)"
    try:
        from flowc.targets.sqs.simulator import simulate
    except ImportError as err:
        return Measured("sqs", source, error=f"the SQS target is not installed ({err})")
    captured: dict[str, list[dict[str, Any]]] = {}
    try:
        run = simulate(result, workflow, data, seed=SEED, mocks=mocks, observe=lambda snap: captured.setdefault(
            "events", list(snap.events)))
    except Exception as err:
        return Measured("sqs", source, error=f"{type(err).__name__}: {err}")
    raw = captured.get("events", [])
    trace = trace_from_sqs_events(workflow, raw)
    measured = Measured("sqs", source, run.billed, trace, run, run.duration_ms, raw_events=raw)
    measured.hops = run.billed.sqs_receives
    return measured


def trace_from_sqs_events(workflow: str, raw: list[dict[str, Any]]) -> Trace:
    """Per-execution traces from the simulator's event stream (root execution first)."""
    order: list[tuple[str, str]] = []
    traces: dict[tuple[str, str], ExecutionTrace] = {}
    seen: set[str] = set()
    for e in raw:
        if "execution" not in e or "workflow" not in e:
            continue
        key = (e["workflow"], e["execution"])
        if key not in traces:
            traces[key] = ExecutionTrace(e["workflow"])
            order.append(key)
        ex = traces[key]
        kind = e["type"]
        where = (*key, e.get("scope", ""), e.get("state", ""))
        if kind == "StateEntered" and e.get("key") not in seen:
            seen.add(e.get("key"))
            seen.add(where)
            ex.entered.append(e["state"])
        elif kind in ("TaskSucceeded", "TaskFailed") and not e.get("attempt") and where not in seen:
            # a task woken straight from a Wait has no StateEntered event in the runtime's stream (yet)
            seen.add(where)
            ex.entered.append(e["state"])
        elif kind == "TaskRetry":
            ex.retries[e["state"]] += 1
        elif kind == "ScatterStarted":
            ex.iterations[e["state"]] += int(e.get("total", 0))
    roots = [k for k in order if k[0] == workflow]
    ordered = roots[:1] + [k for k in order if k not in roots[:1]]
    return Trace([traces[k] for k in ordered]) if ordered else Trace([ExecutionTrace(workflow)])


def asl_from_sqs_trace(sqs: Measured, indexes: dict[str, WorkflowIndex], memory: dict[str, int],
                       handler_seconds: float) -> Measured:
    """Step Functions units derived from the SQS run's trace: the same states entered and retries.

    Used only when no ASL executor is installed: a derivation, labelled as such in the report.
    """
    units = BilledUnits()
    lambda_seconds = 0.0
    for ex in sqs.trace.executions:
        index = indexes.get(ex.workflow)
        units.state_transitions += len(ex.entered) + sum(ex.retries.values())
        if index is None:
            continue
        for name in ex.entered:
            info = index.states.get(name)
            if info is None or info.state.task is None:
                continue
            calls = 1 + ex.retries.get(name, 0)
            integ = info.integration
            if integ == "lambda":
                units.lambda_invocations += calls
                fn = info.state.task.target or ""
                lambda_seconds += calls * handler_seconds
                units.lambda_gb_seconds += calls * handler_seconds * memory.get(fn, 128) / 1024.0
            elif integ in ("dynamodb.putItem", "dynamodb.updateItem", "dynamodb.deleteItem"):
                units.dynamodb_writes += calls
            elif integ == "dynamodb.getItem":
                units.dynamodb_reads += calls
            elif integ == "sns.publish":
                units.sns_publishes += calls
            elif integ == "sqs.sendMessage":
                units.sqs_sends += calls
                units.sqs_requests += calls
            elif integ == "events.putEvents":
                units.eventbridge_events += calls
            elif integ == "states.startExecution":
                units.executions_started += calls
    units.lambda_gb_seconds = round(units.lambda_gb_seconds, 9)
    root = sqs.trace.root
    trace = Trace([ExecutionTrace(ex.workflow, list(ex.entered), Counter(ex.retries), Counter(ex.iterations))
                   for ex in sqs.trace.executions])
    trace.executions[0].iterations = Counter(root.iterations)
    return Measured("asl", "derived from the SQS run's state trace (no ASL interpreter installed)", units, trace,
                    None, 0, lambda_seconds=lambda_seconds)
