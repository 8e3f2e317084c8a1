"""Differential: the shipped examples and the test corpus, on moto's Step Functions and on flowc's interpreter.

Both sides run the compiled ASL with the same Python handlers (fresh instances per side, so counters do not
leak) and real DynamoDB/SNS/SQS from moto. They must agree on status, output, error, cause and the states
entered (see harness.py for the normalisations). Where moto deviates from AWS the case names the deviation
(`tests.oracles.sfn.KNOWN_DIFFERENCES`) and asserts AWS's behaviour on flowc's side.

Corpus files not run here, by reason:
- dataflow.flow: an activity task - moto blocks until an activity worker polls (flowc: tested with a mock in
  test_conformance.py);
- integrations.flow: external resources (a Lambda, a table, a queue and a machine given by ARN) that neither
  side can stand up; batch:submitJob.sync;
- distributed_map.flow: ItemBatcher (KNOWN_DIFFERENCES["item-batcher"]), an S3 ItemReader/ResultWriter and
  EXPRESS children (KNOWN_DIFFERENCES["distributed-map-express"]) - flowc: test_conformance.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse

from tests.examples import MEMBER, always, flaky, real_handler, run_event
from tests.helpers import CORPUS, WORKFLOWS
from tests.interpreter.harness import outcome, same
from tests.oracles.deploy import deploy_program
from tests.oracles.sfn import KNOWN_DIFFERENCES

# Deviations of moto from AWS met here that tests/oracles/sfn.py does not list (yet).
MORE_DIFFERENCES = {
    "choice-missing-variable": "a Choice comparison whose Variable selects nothing is false in moto (LocalStack's "
                               "NoSuchVariable); AWS fails the state with States.Runtime (\"Invalid path '$.x': The "
                               "choice state's condition path references an invalid value\"), as "
                               "targets/runtime/choice.py implements",
}

WAITS_START = 1892851200.0  # 2029-12-25T00:00:00Z: "wait until 2030-01-01" stays within a year


def _corpus(function: str) -> Callable[..., Any]:
    from flowc.targets.local import load_handler

    return load_handler(CORPUS / "handlers", f"corpus.{function}")


@dataclass
class Case:
    id: str
    file: str
    workflow: str
    input: Any
    functions: dict[str, Callable[[], Callable[..., Any]]] = field(default_factory=dict)
    known: str | None = None  # KNOWN_DIFFERENCES id: moto deviates from AWS here
    aws: tuple[str, str | None] | None = None  # (status, error) AWS gives (asserted on flowc's side)
    start_time: float | None = None


CHOICE_BASE = {"kind": "n", "count": 500, "flag": True, "when": "2031-01-01T00:00:00Z", "a": 1, "b": 2,
               "name": "x", "other": {"name": "y"}, "x": "y", "n2": 50, "s2": "zz", "s3": "a",
               "ts": "2020-01-01T00:00:00Z", "since": "2021-01-01T00:00:00Z", "s": 1, "t": 1, "maybe": "set"}
ORDER = {"order": {"id": "o-1", "lines": [{"qty": 2, "price": 3}, {"qty": 1, "price": 10}, {"qty": 5, "price": 1}]},
         "batches": [1, 2, 3, 4], "max_parallel": 2, "allowed_failures": 1}

CASES = [
    # use case one
    Case("onboarding-happy", "member_onboarding.flow", "MemberOnboarding", MEMBER),
    Case("onboarding-ignored", "member_onboarding.flow", "MemberOnboarding", {**MEMBER, "action": "member_removed"}),
    Case("onboarding-unknown-user-caught", "member_onboarding.flow", "MemberOnboarding",
         {**MEMBER, "membership": {"user": {"login": "stranger"}}}),
    Case("onboarding-retries-then-succeeds", "member_onboarding.flow", "MemberOnboarding", MEMBER,
         {"fetch_employee": flaky(2, "Lambda.TooManyRequestsException", real_handler("onboarding", "fetch_employee"))}),
    Case("onboarding-retries-exhausted", "member_onboarding.flow", "MemberOnboarding", MEMBER,
         {"fetch_employee": always("Lambda.TooManyRequestsException")}),
    Case("onboarding-uncaught-by-retry", "member_onboarding.flow", "MemberOnboarding", MEMBER,
         {"add_to_team": always("Lambda.ServiceException")}),
    # use case two
    Case("chargeback-over-budget", "workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/api", [{"duration_seconds": 61, "os": "ubuntu"}, {"duration_seconds": 300, "os": "macos"}])),
    Case("chargeback-under-budget", "workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/web", [{"duration_seconds": 30, "os": "ubuntu"}])),
    Case("chargeback-skip", "workflow_chargeback.flow", "WorkflowChargeback", {"action": "requested"}),
    Case("chargeback-pricing-fails", "workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/api", [{"duration_seconds": 30, "os": "solaris"}])),
    Case("chargeback-flaky-count", "workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/web", [{"duration_seconds": 30, "os": "ubuntu"}]),
         {"count_runs": flaky(1, "Lambda.ServiceException", real_handler("chargeback", "count_runs"))}),
    # the fan-out
    Case("fanout-three-users", "user_fanout.flow", "UserFanOut",
         {"users": [{"login": "ada", "role": "owner"}, {"login": "linus"}, {"login": "grace"}]}),
    Case("fanout-empty", "user_fanout.flow", "UserFanOut", {"users": []}),
    Case("fanout-child-fails", "user_fanout.flow", "UserFanOut", {"users": [{"name": "no login"}]},
         known="states-error-from-iteration", aws=("FAILED", "States.TaskFailed")),
    Case("process-user-direct", "process_user.flow", "ProcessUser", {"UserDetails": {"login": "ada"}}),
    # the corpus
    *[Case(f"choices-{i}", "choices.flow", "Choices", data) for i, data in enumerate([
        {"kind": "text", "text": "log-1"},
        {"kind": "n", "count": 50},
        {"kind": "n", "count": 0},
        {"kind": "n", "count": 500, "flag": False},
        {"kind": "n", "count": 500, "flag": True, "when": "2020-01-01T00:00:00Z"},
        {**CHOICE_BASE, "a": 3, "b": 2},
        {**CHOICE_BASE, "name": "y"},
        {**CHOICE_BASE, "maybe": None},
        {**CHOICE_BASE, "s": "str", "n": 1, "b2": True, "t": "2024-05-01T10:00:00Z"},
        {**CHOICE_BASE, "x": "z"},
        {**CHOICE_BASE, "n2": 2000},
        {**CHOICE_BASE, "ts": "2022-01-01T00:00:00Z"},
        {**CHOICE_BASE, "s2": "b"},
        {**CHOICE_BASE, "s2": "c", "s3": "a"},
    ])],
    Case("choices-no-match", "choices.flow", "Choices", {**CHOICE_BASE, "s2": "zz", "s3": "0", "x": "y"},
         known="choice-no-match", aws=("FAILED", "States.NoChoiceMatched")),
    Case("choices-missing-variable", "choices.flow", "Choices", {"kind": "n"},
         known="choice-missing-variable", aws=("FAILED", "States.Runtime")),
    Case("poller-finishes", "loops.flow", "Poller", {"job_id": "j-1"}),
    Case("poller-retries", "loops.flow", "Poller", {"job_id": "j-1"},
         {"check_status": flaky(1, "Busy", _corpus("check_status"))}),
    Case("poller-gives-up", "loops.flow", "Poller", {"job_id": "j-1"}, {"check_status": always("Broken")}),
    Case("starts-poller", "loops.flow", "StartsPoller", {"job": "j-2"}),
    Case("parallel-map", "parallel_map.flow", "ParallelMap", ORDER),
    Case("parallel-map-branch-fails", "parallel_map.flow", "ParallelMap", ORDER, {"score": always("Bad")}),
    Case("waits", "waits.flow", "Waits", {"delay_seconds": 3, "resume_at": "2030-01-02T00:00:00Z"},
         start_time=WAITS_START),
    Case("waits-bad-seconds", "waits.flow", "Waits", {"delay_seconds": "soon", "resume_at": "2030-01-02T00:00:00Z"},
         start_time=WAITS_START),
    Case("jsonata-big", "jsonata.flow", "Jsonata", {"currency": "EUR", "items": [{"price": 50}, {"price": 70}],
                                                    "timeout": 10}),
    Case("jsonata-small", "jsonata.flow", "Jsonata", {"currency": "EUR", "items": [{"price": 5}], "timeout": 10}),
    Case("jsonata-free", "jsonata.flow", "Jsonata", {"currency": "EUR", "items": [], "timeout": 10}),
    Case("jsonata-pricing-fails", "jsonata.flow", "Jsonata", {"currency": "EUR", "items": [{"price": 1}],
                                                              "timeout": 10}, {"price": always("Nope", "bad")}),
    Case("express", "express.flow", "FastPath", {"id": 7}),
]


def _path(file: str):
    return (WORKFLOWS if (WORKFLOWS / file).exists() else CORPUS) / file


_COMPILED: dict[str, Any] = {}


def compiled(file: str) -> Any:
    if file not in _COMPILED:
        result = analyse([_path(file)])
        assert result.ok, result.diagnostics
        _COMPILED[file] = result
    return _COMPILED[file]


def for_moto(definition: Any) -> Any:
    """KNOWN_DIFFERENCES["tolerated-failure-percentage-int"]: moto's grammar wants 10.0 where AWS takes 10."""
    if isinstance(definition, dict):
        return {k: float(v) if k == "ToleratedFailurePercentage" and isinstance(v, int) else for_moto(v)
                for k, v in definition.items()}
    if isinstance(definition, list):
        return [for_moto(v) for v in definition]
    return definition


def run_both(oracle: Any, case: Case):
    from flowc.targets.asl.interpreter import run_workflow
    from flowc.targets.asl.interpreter.services import MotoServices

    result = compiled(case.file)
    functions = {name: make() for name, make in case.functions.items()}
    services = MotoServices(result.program, start=False)  # the oracle's moto is active: no nesting
    services.open()
    mine = run_workflow(result, case.workflow, case.input, functions=functions, services=services,
                        sdk_metadata=False, start_time=case.start_time)
    oracle.reset()
    originals = {name: emitted.definition for name, emitted in result.asl.items()}
    try:
        for emitted in result.asl.values():
            emitted.definition = for_moto(emitted.definition)
        arns = deploy_program(oracle, result, handlers={name: make() for name, make in case.functions.items()})
    finally:
        for name, definition in originals.items():
            result.asl[name].definition = definition
    run = oracle.execute(arns[case.workflow], case.input, timeout=60)
    theirs = outcome(run.status, run.output, run.error, run.cause, run.events)
    theirs.transitions = billed_transitions(run.events)  # type: ignore[attr-defined]
    return outcome(mine.status, mine.output, mine.error, mine.cause, mine.events), theirs, mine


def billed_transitions(events: list[dict[str, Any]]) -> int:
    """Standard transitions from an AWS-format history: states entered plus retries (a task scheduled again, or
    a Parallel/Map started again, within the same state entry is a retry)."""
    entered = sum(1 for e in events if e["type"].endswith("StateEntered"))
    scheduled = sum(1 for e in events if e["type"] in ("LambdaFunctionScheduled", "TaskScheduled",
                                                          "ActivityScheduled"))
    tasks = sum(1 for e in events if e["type"] == "TaskStateEntered")
    # a Parallel or Map state that is retried starts again within the same entry
    restarts = sum(1 for e in events if e["type"] in ("ParallelStateStarted", "MapStateStarted")) - \
        sum(1 for e in events if e["type"] in ("ParallelStateEntered", "MapStateEntered"))
    return entered + scheduled - tasks + restarts


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_flowc_agrees_with_moto(sfn_oracle, case: Case):
    mine, theirs, run = run_both(sfn_oracle, case)
    definition = compiled(case.file).asl[case.workflow].definition
    if case.known is None:
        problems = same(theirs, mine, definition)
        assert not problems, "\n".join(problems)
        concurrent = '"Parallel"' in json.dumps(definition) or '"Map"' in json.dumps(definition)
        if run.billed.executions_started == 0 and run.billed.express_requests == 0 and (
                mine.status == "SUCCEEDED" or not concurrent):
            # billed transitions = moto's *StateEntered events + retries (child executions bill separately).
            # Failed runs with Parallel/Map are left out: when a branch fails, how far moto's other threads got before the
            # abort (and so its event count) depends on thread timing.
            assert run.billed.state_transitions == theirs.transitions  # type: ignore[attr-defined]
        return
    # moto deviates from AWS here: flowc follows AWS, and the deviation is still there in moto.
    assert case.known in KNOWN_DIFFERENCES or case.known in MORE_DIFFERENCES
    assert case.aws is not None and (mine.status, mine.error) == case.aws, mine
    assert theirs.key() != mine.key(), f"moto now agrees with AWS ({case.known}): {theirs}"


def test_transitions_match_moto_history(sfn_oracle):
    """Billed Standard transitions = states entered (moto's *StateEntered events) + retries."""
    case = next(c for c in CASES if c.id == "onboarding-retries-then-succeeds")
    _mine, theirs, run = run_both(sfn_oracle, case)
    retries = 2
    assert run.billed.state_transitions == len(theirs.entered) + retries
