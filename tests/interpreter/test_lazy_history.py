"""The interpreter records history as compact records and builds AWS's event dicts only when read
(targets/asl/interpreter/history.py). These tests pin that this changes nothing a reader can see: events built
while the execution runs (after every scheduler step, as an eager recorder would) equal the ones built at the
end, on every shipped example case and on definitions that take the retry, catch, failure, Map, Parallel, Wait
and Assign paths; a value changed after the event cannot change it; the run result reads like a RunResult;
the MAX_HISTORY_EVENTS count is the same with history on and off; and a long-lived interpreter keeps no
finished execution's scheduler entries while still answering for its executions."""

from __future__ import annotations

import copy
import json
import pickle
import random
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.testing import spec as testspec
from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, Prepared, TaskRunner
from flowc.targets.asl.interpreter.engine import MAX_HISTORY_EVENTS
from flowc.targets.local import Mock, RunResult

from tests.helpers import WORKFLOWS

LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
_MESSAGE_ID = re.compile(r'MessageId\\?"\s*:\s*\\?"[0-9a-f-]{36}')  # moto's SNS answers carry random ids


def _eager(interp: Interpreter) -> None:
    """Build every started execution's events after each scheduler step: what eager recording gave. Every
    sleep goes through the queue (a step per task attempt, as before sleeps ran on inline), which the lazy run
    compared against does not: the two scheduling paths are compared too."""
    sched = interp.sched
    sched.inline_sleeps = False
    step = sched._step
    started: list[Any] = []
    start = interp.start

    def tracking_start(*args: Any, **kwargs: Any) -> Any:
        execution = start(*args, **kwargs)
        started.append(execution)
        return execution

    def eager_step(*args: Any) -> None:
        step(*args)
        for execution in started:
            execution.history.events  # noqa: B018 - reading builds the events recorded so far

    interp.start = tracking_start  # type: ignore[method-assign]
    sched._step = eager_step  # type: ignore[method-assign]


def _histories(interp: Interpreter, run: RunResult) -> str:
    """The run result (events included) and every execution's history, as text (moto's ids masked)."""
    data = {"run": run.model_dump(mode="json"),
            "executions": [{"arn": e.arn, "events": e.history.events, "describe": e.describe()}
                           for e in interp.executions]}
    return _MESSAGE_ID.sub("MessageId=<id>", json.dumps(data, sort_keys=True))


def _example_cases() -> list[Any]:
    cases = []
    for path in sorted(WORKFLOWS.glob("*.tests.yaml")) + sorted(WORKFLOWS.glob("asl_only/*.tests.yaml")):
        spec = testspec.load(path)
        for case in spec.cases:
            if "asl" in case.targets:
                cases.append(pytest.param(spec, case, id=f"{path.name}::{case.name}"))
    return cases


def _run_case(spec: Any, case: Any, eager: bool) -> str:
    mocks = {k: Mock(v) for k, v in case.mocks.items()}
    result = testspec.compiled(spec.flow)
    interp = Prepared(result).build(mocks=mocks, seed=case.seed)
    if eager:
        _eager(interp)
    backend = interp.services  # type: ignore[attr-defined]
    if backend is not None and hasattr(backend, "open"):
        backend.open()
    try:
        run = interp.run(testspec.workflow_of(spec, result), case.input)
    finally:
        if backend is not None and hasattr(backend, "close"):
            backend.close()
    return _histories(interp, run)


@pytest.mark.parametrize(("spec", "case"), _example_cases())
def test_example_histories_built_late_equal_the_ones_built_as_they_happen(spec: Any, case: Any) -> None:
    assert _run_case(spec, case, eager=False) == _run_case(spec, case, eager=True)


def _flaky(times: int):
    calls = {"n": 0}

    def handler(event: Any, context: Any = None) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            raise RuntimeError(f"attempt {calls['n']}")
        return {"got": event, "n": calls["n"]}
    return handler


PATHS: dict[str, tuple[dict[str, Any], Any]] = {
    "retry-then-succeed-then-catch": ({
        "StartAt": "Work", "States": {
            "Work": {"Type": "Task", "Resource": LAMBDA + "flaky", "ResultPath": "$.work",
                     "Retry": [{"ErrorEquals": ["RuntimeError"], "MaxAttempts": 2, "IntervalSeconds": 1}],
                     "Next": "Fails"},
            "Fails": {"Type": "Task", "Resource": LAMBDA + "broken", "TimeoutSeconds": 5,
                      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Wait"}],
                      "End": True},
            "Wait": {"Type": "Wait", "Seconds": 3, "Next": "Stop"},
            "Stop": {"Type": "Fail", "Error": "Done", "Cause": "caught and stopped"}}}, {"x": 1}),
    "map-and-parallel": ({
        "StartAt": "Fan", "States": {
            "Fan": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 2,
                    "ItemSelector": {"v.$": "$$.Map.Item.Value", "i.$": "$$.Map.Item.Index"},
                    "ItemProcessor": {"StartAt": "Twice", "States": {
                        "Twice": {"Type": "Task", "Resource": LAMBDA + "double", "End": True}}},
                    "ResultPath": "$.doubled", "Next": "Both"},
            "Both": {"Type": "Parallel", "End": True, "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": {"a": 1}, "End": True}}},
                {"StartAt": "B", "States": {"B": {"Type": "Task", "Resource": LAMBDA + "double",
                                                  "Parameters": {"v": 21}, "End": True}}}]}}},
        {"items": [1, 2, 3, 4, 5]}),
    "map-iteration-fails": ({
        "StartAt": "Fan", "States": {
            "Fan": {"Type": "Map", "ItemsPath": "$.items", "End": True,
                    "ItemProcessor": {"StartAt": "Check", "States": {
                        "Check": {"Type": "Choice", "Default": "Ok",
                                  "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Bad"}]},
                        "Ok": {"Type": "Pass", "End": True},
                        "Bad": {"Type": "Fail", "Error": "Two", "Cause": "no twos"}}}}}},
        {"items": [1, 2, 3]}),
    "assign-and-jsonata": ({
        "QueryLanguage": "JSONata", "StartAt": "Set", "States": {
            "Set": {"Type": "Pass", "Assign": {"total": "{% $states.input.a + 1 %}", "seen": [1, 2]},
                    "Output": {"b": "{% $states.input.a * 2 %}"}, "Next": "Use"},
            "Use": {"Type": "Pass", "Output": {"total": "{% $total %}", "b": "{% $states.input.b %}"},
                    "End": True}}}, {"a": 4}),
}


def _functions() -> dict[str, FunctionSpec]:
    def double(event: Any, context: Any = None) -> Any:
        return {"double": 2 * event["v"]}

    def broken(event: Any, context: Any = None) -> Any:
        raise ValueError("always")
    return {"flaky": FunctionSpec("flaky", _flaky(2)), "broken": FunctionSpec("broken", broken),
            "double": FunctionSpec("double", double)}


def _run_path(name: str, eager: bool, *, record_history: bool = True) -> tuple[Interpreter, RunResult]:
    definition, data = PATHS[name]
    interp = Interpreter(TaskRunner(functions=_functions()), seed=3, record_history=record_history)
    interp.add_machine("T", definition)
    if eager:
        _eager(interp)
    return interp, interp.run("T", copy.deepcopy(data))


@pytest.mark.parametrize("name", sorted(PATHS))
def test_failure_retry_catch_map_parallel_histories_built_late_equal_built_as_they_happen(name: str) -> None:
    late = _histories(*_run_path(name, eager=False))
    assert late == _histories(*_run_path(name, eager=True))
    types = {e["type"] for e in json.loads(late)["run"]["events"]}
    expected = {"retry-then-succeed-then-catch": {"LambdaFunctionFailed", "WaitStateExited", "ExecutionFailed"},
                "map-and-parallel": {"MapIterationSucceeded", "ParallelStateSucceeded"},
                "map-iteration-fails": {"MapIterationFailed", "MapStateFailed", "ExecutionFailed"},
                "assign-and-jsonata": {"PassStateExited"}}[name]
    assert expected <= types, types


def test_assigned_variables_are_recorded_as_json_text() -> None:
    _, run = _run_path("assign-and-jsonata", eager=False)
    exited = next(e for e in run.events if e["type"] == "PassStateExited")["stateExitedEventDetails"]
    assert exited["assignedVariables"] == {"total": "5", "seen": "[1,2]"}
    assert exited["assignedVariablesDetails"] == {"truncated": False}
    assert exited["output"] == '{"b":8}' and exited["outputDetails"] == {"truncated": False}


def test_changing_values_after_the_run_changes_no_event() -> None:
    """The events hold what the payloads were when they happened, not references to mutable values."""
    interp = Interpreter(TaskRunner(functions=_functions()), seed=1)
    interp.add_machine("T", {"StartAt": "Keep", "States": {
        "Keep": {"Type": "Pass", "Next": "Work"},
        "Work": {"Type": "Task", "Resource": LAMBDA + "double", "ResultPath": "$.r", "End": True}}})
    data = {"v": 2, "nested": {"k": [1]}}
    run = interp.run("T", data)
    execution = interp.executions[-1]
    data["v"] = 99  # the caller's input, which the first states pass along unchanged
    data["nested"]["k"].append(2)
    run.output["r"]["double"] = -1  # the output the caller got back (the last state's output itself)
    run.output["extra"] = True
    events = run.events
    by_type = {e["type"]: e for e in events}
    assert by_type["ExecutionStarted"]["executionStartedEventDetails"]["input"] == '{"v":2,"nested":{"k":[1]}}'
    assert by_type["PassStateEntered"]["stateEnteredEventDetails"]["input"] == '{"v":2,"nested":{"k":[1]}}'
    assert by_type["ExecutionSucceeded"]["executionSucceededEventDetails"]["output"] == \
        '{"v":2,"nested":{"k":[1]},"r":{"double":4}}'
    assert execution.history.events == events
    assert execution.describe()["Status"] == "SUCCEEDED"


def test_the_lazy_run_result_reads_like_a_run_result() -> None:
    interp, run = _run_path("map-and-parallel", eager=False)
    assert isinstance(run, RunResult) and repr(run).startswith("RunResult(")
    dumped = run.model_dump()
    assert list(dumped) == list(RunResult.model_fields)  # the declared order, events included
    assert dumped["events"] == interp.executions[0].history.events and dumped["events"]
    assert json.loads(run.model_dump_json())["events"] == json.loads(json.dumps(dumped["events"]))
    for other in (copy.copy(run), copy.deepcopy(run), pickle.loads(pickle.dumps(run)), run.model_copy()):
        assert other == run and other.events == run.events
    assert dict(run)["events"] == run.events
    rebuilt = RunResult(**run.model_dump())
    assert rebuilt.model_dump() == run.model_dump()
    _, second = _run_path("map-and-parallel", eager=False)
    assert second.events == run.events  # same seed, same virtual clock: the same history


def _callback(**fields: Any) -> tuple[Interpreter, RunResult]:
    """An execution left waiting for a task token (its handler does not answer)."""
    interp = Interpreter(TaskRunner(functions={"noop": FunctionSpec("noop", lambda event, context=None: None)}))
    interp.add_machine("T", {**fields, "StartAt": "Wait", "States": {"Wait": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": LAMBDA + "noop", "Payload": {"t.$": "$$.Task.Token"}}, "End": True}}})
    return interp, interp.run("T", {"a": 1})


def test_a_result_taken_while_running_keeps_the_events_of_that_moment() -> None:
    interp, early = _callback()
    assert early.status == "RUNNING"
    count = len(interp.executions[0].history.events)
    token = interp.waiting_tokens[0]
    interp.send_task_success(token, {"ok": True})
    interp.resume()
    execution = interp.executions[0]
    assert execution.status == "SUCCEEDED"
    assert len(early.events) == count < len(execution.history.events)
    assert execution.history.events[:count] == early.events


def _loop() -> dict[str, Any]:
    """A loop that runs into the history limit (Standard) after a known number of events."""
    return {"StartAt": "Count", "States": {
        "Count": {"Type": "Pass", "Parameters": {"n.$": "States.MathAdd($.n, 1)"}, "Next": "Again"},
        "Again": {"Type": "Choice", "Default": "Count",
                  "Choices": [{"Variable": "$.n", "NumericGreaterThanEquals": 1_000_000, "Next": "Done"}]},
        "Done": {"Type": "Succeed"}}}


def test_the_history_limit_counts_the_same_with_history_on_and_off() -> None:
    runs = []
    for record in (True, False):
        interp = Interpreter(record_history=record)
        interp.add_machine("T", _loop())
        runs.append(interp.run("T", {"n": 0}))
    on, off = runs
    assert on.status == off.status == "FAILED"
    assert (on.error, on.cause) == (off.error, off.cause)
    assert "maximum number of history events" in on.cause
    assert on.states_entered == off.states_entered
    assert len(on.events) == on.events[-1]["id"] and MAX_HISTORY_EVENTS - 5 < len(on.events) <= MAX_HISTORY_EVENTS
    assert off.events == []


def test_a_long_lived_interpreter_keeps_no_spent_deadlines_and_still_answers_for_every_execution() -> None:
    interp = Interpreter(TaskRunner(functions=_functions()), seed=2)
    interp.add_machine("T", {"StartAt": "Work", "States": {
        "Work": {"Type": "Task", "Resource": LAMBDA + "double", "End": True}}})
    runs = [interp.run("T", {"v": i}) for i in range(50)]
    assert interp.sched._heap == []  # each execution's one-year deadline went with its execution
    assert len(interp.executions) == 50
    first = interp.executions[0]
    assert first.describe()["Output"] == '{"double":0}'
    assert first.history.events == runs[0].events and first.states_entered == ("Work",)
    assert [c["input"] for c in interp.tasks.calls][:2] == [{"v": 0}, {"v": 1}]


def test_a_deadline_of_a_waiting_execution_stays() -> None:
    interp, run = _callback(TimeoutSeconds=60)
    assert run.status == "RUNNING"
    assert len(interp.sched._heap) == 1  # the waiting execution's deadline (passive: the run stopped)
    interp.resume()
    assert len(interp.sched._heap) == 1 and interp.executions[0].status == "RUNNING"
    interp.sched.at(interp.clock.t + 61, lambda: None)  # something happens after the deadline
    interp.resume()
    assert interp.executions[0].status == "TIMED_OUT"
    assert interp.executions[0].history.events[-1]["type"] == "ExecutionTimedOut"


def test_execution_names_are_the_seeded_uuid4s() -> None:
    interp = Interpreter(seed=11)
    rng = random.Random(11)
    for _ in range(200):
        assert interp.new_name() == str(uuid.UUID(int=rng.getrandbits(128), version=4))


def test_the_example_cases_cover_failures_and_child_executions() -> None:
    """The example parametrisation above is not vacuous: it has failing runs, retries and child executions."""
    cases = [p.values[1] for p in _example_cases()]
    assert len(cases) >= 15
    assert any(c.expect.get("status") == "FAILED" for c in cases)
    assert any("FetchEmployee" in c.mocks for c in cases)
    assert Path(WORKFLOWS / "user_fanout.tests.yaml").exists()


def test_events_read_through_a_run_result_belong_to_it_not_to_the_interpreter() -> None:
    """A caller reading every run's events must not make the long-lived interpreter keep them all."""
    interp, run = _run_path("map-and-parallel", eager=False)
    history = interp.executions[0].history
    events = run.events
    assert events and history._built is None  # built for the result only
    assert history.events == events and history.events is not events
    assert run.events is events  # built once per result
