"""Differential harness: the same definition, input and task behaviour on moto's Step Functions interpreter
(`tests.oracles.sfn.SfnOracle`) and on flowc's interpreter (`flowc.targets.asl.interpreter`).

What is compared: status, output, error, cause and the sequence of state names entered. Normalisations, each
a difference of environment rather than behaviour:

- execution ARNs carry random execution names (moto: uuid4, flowc: seeded) -> `<execution-arn>`;
- `StartDate`/`StopDate` of startExecution results are wall-clock (moto) vs virtual (flowc) -> `<date>`;
- a Lambda error's cause is the runtime's JSON: the oracle writes {"errorType", "errorMessage"}, flowc (like
  the AWS Python runtime) adds `stackTrace`: errorType and errorMessage are compared;
- states entered inside concurrent Parallel branches / Map iterations may interleave differently (moto runs
  them on threads): the multiset of names must match, and so must the order within each sequential graph
  (the top level and each Parallel branch; state names are unique in a state machine).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

_EXECUTION_ARN = re.compile(r"arn:aws:states:[a-z0-9-]+:\d{12}:(execution|express):[^\"\s,}\\]+")
_DATE_KEYS = ("StartDate", "StopDate")


@dataclass
class Outcome:
    status: str
    output: Any
    error: str | None
    cause: Any
    entered: list[str]

    def key(self) -> tuple:
        return (self.status, self.output, self.error, self.cause)

    def __str__(self) -> str:
        return (f"{self.status} output={json.dumps(self.output)[:400]} error={self.error} "
                f"cause={str(self.cause)[:400]} entered={self.entered}")


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def normalise(value: Any) -> Any:
    """Outputs compare with execution ARNs, random UUIDs (States.UUID, $uuid: seeded in flowc) and
    startExecution dates masked."""
    if value is None:
        return None
    text = _UUID.sub("<uuid>", _EXECUTION_ARN.sub("<execution-arn>", json.dumps(value)))
    return _dates(json.loads(text))


def _dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: ("<date>" if k in _DATE_KEYS and isinstance(v, (int, float)) else _dates(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates(v) for v in value]
    return value


_EVENT_ID = re.compile(r"\(entered at the event id #\d+\)")
_QUOTED_INPUT = re.compile(r"(could not be found in the input) '.*'( \(.*\))?$", re.S)


def normalise_cause(cause: str | None) -> Any:
    """Causes compare after: ARNs masked, the history event id masked (histories of the two engines number
    events differently around Map/Parallel), and the input quoted in a path error dropped (moto prints it
    with spaces and untruncated, flowc compact and cut at 200 characters, like the service)."""
    if not cause:
        return None
    try:
        data = json.loads(cause)
    except ValueError:
        text = _EVENT_ID.sub("(entered at the event id #N)", cause)
        text = _QUOTED_INPUT.sub(r"\1 <input>", text)
        return _EXECUTION_ARN.sub("<execution-arn>", text)
    if isinstance(data, dict) and "errorType" in data:
        return {"errorType": data.get("errorType"), "errorMessage": data.get("errorMessage")}
    if isinstance(data, dict) and "Cause" in data:  # a .sync child failure: DescribeExecution as the cause
        data = {**data, "Cause": normalise_cause(data.get("Cause"))}
    return normalise(data)


def graphs(definition: dict[str, Any]) -> list[tuple[frozenset[str], bool]]:
    """(state names of one graph, whether its order is deterministic) for every graph of a definition: the top
    level and Parallel branches are sequential; a Map's processor runs its iterations concurrently."""
    out: list[tuple[frozenset[str], bool]] = []

    def visit(graph: dict[str, Any], ordered: bool) -> None:
        states = graph.get("States", {})
        out.append((frozenset(states), ordered))
        for state in states.values():
            for branch in state.get("Branches", ()):
                visit(branch, ordered)
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if processor:
                visit(processor, False)
    visit(definition, True)
    return out


def outcome(status: str, output: Any, error: str | None, cause: str | None, events: list[dict[str, Any]]) -> Outcome:
    entered = [(e.get("stateEnteredEventDetails") or {}).get("name") for e in events
               if e["type"].endswith("StateEntered")]
    return Outcome(status, normalise(output) if status == "SUCCEEDED" else None,
                   error if status != "SUCCEEDED" else None,
                   normalise_cause(cause) if status != "SUCCEEDED" else None, entered)


def same(moto: Outcome, flowc: Outcome, definition: dict[str, Any] | None = None) -> list[str]:
    """Differences (empty when they agree). States entered: the same multiset, and for each sequential graph
    (the top level, Parallel branches outside Maps) the same order."""
    problems = []
    if moto.key() != flowc.key():
        problems.append(f"outcome differs:\n  moto : {moto}\n  flowc: {flowc}")
    entered_ok = sorted(moto.entered) == sorted(flowc.entered)
    if entered_ok and definition is not None:
        for names, ordered in graphs(definition):
            if ordered and [n for n in moto.entered if n in names] != [n for n in flowc.entered if n in names]:
                entered_ok = False
    elif definition is None:
        entered_ok = entered_ok and moto.entered == flowc.entered
    if not entered_ok:
        problems.append(f"states entered differ:\n  moto : {moto.entered}\n  flowc: {flowc.entered}")
    return problems


# -- running one side -----------------------------------------------------------------------------------------
def run_on_moto(oracle: Any, definition: dict[str, Any], data: Any, *,
                lambdas: dict[str, Callable[..., Any]], name: str = "Flow", type: str = "STANDARD",
                substitutions: dict[str, str] | None = None) -> Outcome:
    subs = dict(substitutions or {})
    for fn_name, handler in lambdas.items():
        subs.setdefault(f"Fn_{fn_name}", oracle.register_lambda(fn_name, handler))
    arn = oracle.deploy(definition, name=name, type=type, substitutions=subs)
    run = oracle.execute(arn, data, timeout=60)
    return outcome(run.status, run.output, run.error, run.cause, run.events)


def run_on_flowc(definition: dict[str, Any], data: Any, *, lambdas: dict[str, Callable[..., Any]],
                 name: str = "Flow", type: str = "STANDARD", substitutions: dict[str, str] | None = None,
                 seed: int = 0) -> tuple[Outcome, Any]:
    from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, TaskRunner
    from flowc.targets.asl.interpreter.program import substitute

    subs = dict(substitutions or {})
    functions = {}
    for fn_name, handler in lambdas.items():
        subs.setdefault(f"Fn_{fn_name}", f"arn:aws:lambda:us-east-1:123456789012:function:{fn_name}")
        functions[fn_name] = FunctionSpec(fn_name, handler, timeout_s=900)
    interp = Interpreter(TaskRunner(functions=functions, sdk_metadata=False), seed=seed)
    # The oracle deploys the definition with sorted keys (as CloudFormation hands it over), and templates are
    # evaluated in key order: give flowc the same text so the first failing field is the same one.
    interp.add_machine(name, json.loads(json.dumps(substitute(definition, subs), sort_keys=True)), type=type)
    run = interp.run(name, data)
    return outcome(run.status, run.output, run.error, run.cause, run.events), run
