"""The interpreter's shortcuts for speed (benchmarks/bench_run.py) build what the long way builds: each test
runs or builds one thing both ways and compares everything a caller can see."""

from __future__ import annotations

import pickle
from typing import Any

import pytest
from flowc.targets.asl.interpreter import billing
from flowc.targets.local import BilledUnits


@pytest.mark.parametrize("data", [
    {},
    {"state_transitions": 6, "lambda_invocations": 2, "lambda_gb_seconds": 0.0125, "dynamodb_writes": 1,
     "sns_publishes": 1},
    {"express_requests": 1, "express_duration_ms": 100, "express_memory_mb": 64, "lambda_gb_seconds": 3},
    {"sqs_sends": 2, "sqs_requests": 2, "executions_started": 3, "eventbridge_events": 1},
])
def test_billed_units_built_without_validation_equal_validated_ones(data: dict[str, Any]) -> None:
    fast, slow = billing.units_of(dict(data)), BilledUnits(**data)
    assert type(fast) is BilledUnits and fast == slow
    assert fast.model_fields_set == slow.model_fields_set
    assert list(fast.__dict__) == list(slow.__dict__)  # the declared order: dumps follow it
    assert fast.model_dump() == slow.model_dump() and fast.model_dump_json() == slow.model_dump_json()
    assert fast.model_dump(exclude_unset=True) == slow.model_dump(exclude_unset=True)
    assert repr(fast) == repr(slow) and pickle.loads(pickle.dumps(fast)) == slow
    assert {k: type(v) for k, v in fast} == {k: type(v) for k, v in slow}
    assert fast.add(slow) == slow.add(slow)


def test_billed_units_of_an_unknown_counter_are_refused_as_before() -> None:
    with pytest.raises(ValueError, match="no_such_unit"):
        billing.units_of({"no_such_unit": 1})


def test_a_meter_freezes_into_billed_units() -> None:
    meter = billing.Meter()
    meter.add("state_transitions", 3)
    meter.add("lambda_gb_seconds", billing.lambda_gb_seconds(128, 0.05))
    meter.add("lambda_gb_seconds", billing.lambda_gb_seconds(128, 0.05))
    units = meter.units()
    assert units == BilledUnits(state_transitions=3, lambda_gb_seconds=0.0125)
    assert units.model_fields_set == {"state_transitions", "lambda_gb_seconds"}


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:"
_TIMING: dict[str, dict[str, Any]] = {
    "sequential": {"StartAt": "A", "States": {
        "A": {"Type": "Task", "Resource": LAMBDA + "echo", "ResultPath": "$.a", "Next": "W"},
        "W": {"Type": "Wait", "Seconds": 2, "Next": "B"},
        "B": {"Type": "Task", "Resource": LAMBDA + "slow", "TimeoutSeconds": 1,
              "Retry": [{"ErrorEquals": ["States.Timeout"], "MaxAttempts": 1, "IntervalSeconds": 1}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "C"}], "End": True},
        "C": {"Type": "Pass", "End": True}}},
    "ties-and-near-ties": {"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "W1", "States": {"W1": {"Type": "Wait", "Seconds": 1, "Next": "T1"},
                                     "T1": {"Type": "Task", "Resource": LAMBDA + "echo", "End": True}}},
        {"StartAt": "W2", "States": {"W2": {"Type": "Wait", "Seconds": 1, "Next": "T2"},
                                     "T2": {"Type": "Task", "Resource": LAMBDA + "slow", "End": True}}},
        {"StartAt": "M", "States": {"M": {
            "Type": "Map", "ItemsPath": "$.waits", "MaxConcurrency": 2, "End": True,
            "ItemProcessor": {"StartAt": "MW", "States": {
                "MW": {"Type": "Wait", "SecondsPath": "$", "Next": "MT"},
                "MT": {"Type": "Task", "Resource": LAMBDA + "echo", "End": True}}}}}}]}}},
    "execution-timeout-at-a-tie": {"TimeoutSeconds": 3, "StartAt": "W", "States": {
        "W": {"Type": "Wait", "Seconds": 2, "Next": "T"},
        "T": {"Type": "Task", "Resource": LAMBDA + "slow", "End": True}}},
}


def _timed_run(name: str, inline: bool) -> tuple[str, int]:
    from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, TaskRunner

    def echo(event: Any, context: Any = None) -> Any:
        return {"echo": event}

    def slow(event: Any, context: Any = None) -> Any:
        return {"slow": True}
    slow.flowc_duration = lambda: 1.0  # type: ignore[attr-defined]  # a tie with the 1 s waits and timeouts
    interp = Interpreter(TaskRunner(functions={"echo": FunctionSpec("echo", echo), "slow": FunctionSpec("slow", slow)}),
                         seed=5)
    interp.sched.inline_sleeps = inline
    queued = [0]
    resume = interp.sched._resume

    def counting(*args: Any, **kwargs: Any) -> None:
        queued[0] += 1
        resume(*args, **kwargs)
    interp.sched._resume = counting  # type: ignore[method-assign]
    interp.add_machine("T", _TIMING[name])
    runs = [interp.run("T", {"waits": [1, 0, 2, 1, 1], "x": i}) for i in range(2)]
    text = "\n".join(run.model_dump_json() for run in runs)
    text += "".join(str(e.history.events) + str(e.describe()) for e in interp.executions)
    return text + f"\nclock {interp.clock.t!r}", queued[0]


@pytest.mark.parametrize("name", sorted(_TIMING))
def test_sleeps_run_inline_as_they_would_through_the_queue(name: str) -> None:
    """A sleep that ends before anything else is due goes on in the same step: the same events, ids, times,
    results and clock as when every sleep is queued (ties with other threads and timers included)."""
    inline, inline_queued = _timed_run(name, inline=True)
    queued, all_queued = _timed_run(name, inline=False)
    assert inline == queued
    assert inline_queued < all_queued  # the shortcut was taken (and the comparison is not vacuous)


class _Sub(dict):
    """A dict subclass whose item access differs from `get` (as a defaultdict's does)."""

    def __getitem__(self, key: Any) -> Any:
        return "via-getitem"


_PATHS = ["$.a", "$.a.b", "$.a.b.c", "$.a.b.c.d", "$.a[0]", "$.a.b[1].c", "$.missing", "$.a.missing", "$.a.b.missing"]
_DATA = [
    {"a": {"b": {"c": {"d": 4}}}},
    {"a": {"b": [{"c": 1}, {"c": 2}]}},
    {"a": [10, 20]},
    {"a": None},
    {"a": {"b": None}},
    {"a": "text"},
    {"a": {"b": "text"}},
    [1, 2],
    "scalar",
    None,
    _Sub(a=_Sub(b=1)),
    {"a": _Sub(b=_Sub(c=3))},
]


def _reference_read(text: str, data: Any) -> tuple[str, Any]:
    from flowc.targets.runtime import jsonpath, messages

    try:
        return "value", jsonpath.parse_path(text).evaluate(data, context=None, variables=None)
    except jsonpath.PathNotFound:
        return "error", messages.path_not_found(text, None, data)


def _fast_read(text: str, data: Any) -> tuple[str, Any]:
    from flowc.targets.asl.interpreter import expressions as ex
    from flowc.targets.runtime.errors import StatesError

    try:
        return "value", ex.path_reader(text)(ex.Env(data, None, None, None))  # type: ignore[arg-type]
    except StatesError as err:
        return "error", err.cause


@pytest.mark.parametrize("text", _PATHS)
def test_simple_path_reads_answer_as_the_jsonpath_evaluator(text: str) -> None:
    """The direct reads of plain dicts (`$.a`, `$.a.b`, longer) give what the evaluator gives, value or error,
    on lists, scalars, nulls, missing keys and dict subclasses (read the evaluator's way)."""
    for data in _DATA:
        assert _fast_read(text, data) == _reference_read(text, data), (text, data)
