"""Differential: every example and every corpus workflow the SQS target supports, run on both targets.

The ASL target executes on moto's Step Functions interpreter, the SQS target on the simulator (generated
runtime, moto SQS/DynamoDB, Lambda-like poller). Same inputs, same handlers: the same status, output, error
and cause (see tests/sqs/harness.py for the two normalisations).

Corpus files the SQS target refuses (compile errors, tested in test_support.py):
- dataflow.flow: an `activity` task (FLOW702) with `credentials` (FLOW706);
- distributed_map.flow: a distributed Map with S3 reader/batcher/writer (FLOW703);
- integrations.flow: callbacks (FLOW701), an activity (FLOW702), waits on an external machine and a
  `batch:submitJob.sync` (FLOW705).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse

from tests.examples import MEMBER, always, flaky, real_handler, run_event
from tests.helpers import CORPUS, WORKFLOWS
from tests.oracles.sfn import KNOWN_DIFFERENCES
from tests.sqs.harness import run_asl, run_sqs


@dataclass
class Case:
    id: str
    file: str
    workflow: str
    input: Any
    # function name -> factory of a replacement handler (a fresh one per target, so counters do not leak)
    functions: dict[str, Callable[[], Callable[..., Any]]] = field(default_factory=dict)
    known: str | None = None  # a KNOWN_DIFFERENCES id: moto disagrees with AWS here
    start_time: float | None = None  # the simulator's clock at the start (default 2026-01-01)
    expect: tuple[str, str | None] | None = None  # (status, error) the SQS target must give (AWS semantics)


WAITS_START = 1892851200.0  # 2029-12-25T00:00:00Z

CHOICE_BASE = {"kind": "n", "count": 500, "flag": True, "when": "2031-01-01T00:00:00Z", "a": 1, "b": 2,
               "name": "x", "other": {"name": "y"}, "x": "y", "n2": 50, "s2": "zz", "s3": "a", "ts": "2020-01-01T00:00:00Z",
               "since": "2021-01-01T00:00:00Z", "maybe": 1, "s": 1, "n": "1", "b2": "no", "t": "then"}
# Every path a rule reads is present: for a type test (`is string`) on an absent path, moto answers false while
# the shared ASL semantics (targets/runtime/choice.py) fail the state with States.Runtime, as they do for every
# comparison on an absent Variable. That disagreement is not the SQS target's: see docs/sqs.md.

CASES = [
    # -- the article's use case one
    Case("onboarding-happy", "workflows/member_onboarding.flow", "MemberOnboarding", MEMBER),
    Case("onboarding-ignored", "workflows/member_onboarding.flow", "MemberOnboarding",
         {**MEMBER, "action": "member_removed"}),
    Case("onboarding-unknown-user-caught", "workflows/member_onboarding.flow", "MemberOnboarding",
         {**MEMBER, "membership": {"user": {"login": "stranger"}}}),
    Case("onboarding-throttled-then-ok", "workflows/member_onboarding.flow", "MemberOnboarding", MEMBER,
         {"fetch_employee": flaky(2, "Lambda.TooManyRequestsException", real_handler("onboarding", "fetch_employee"))}),
    Case("onboarding-retries-exhausted-caught", "workflows/member_onboarding.flow", "MemberOnboarding", MEMBER,
         {"fetch_employee": always("Lambda.TooManyRequestsException", "still slow")}),
    # -- use case two
    Case("chargeback-over-budget", "workflows/workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/api", [{"duration_seconds": 61, "os": "ubuntu"}, {"duration_seconds": 300, "os": "macos"}])),
    Case("chargeback-under-budget", "workflows/workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/web", [{"duration_seconds": 30, "os": "ubuntu"}])),
    Case("chargeback-in-progress", "workflows/workflow_chargeback.flow", "WorkflowChargeback", {"action": "requested"}),
    Case("chargeback-pricing-fails", "workflows/workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/api", [{"duration_seconds": 30, "os": "solaris"}])),
    Case("chargeback-branch-retried", "workflows/workflow_chargeback.flow", "WorkflowChargeback",
         run_event("acme/web", [{"duration_seconds": 30, "os": "ubuntu"}]),
         {"count_runs": flaky(1, "Lambda.ServiceException", real_handler("chargeback", "count_runs"))}),
    # -- the parent/child fan-out
    Case("fanout-three-users", "workflows/user_fanout.flow", "UserFanOut",
         {"users": [{"login": "ada", "role": "owner"}, {"login": "linus"}, {"login": "grace"}]}),
    Case("fanout-no-users", "workflows/user_fanout.flow", "UserFanOut", {"users": []}),
    Case("fanout-child-fails", "workflows/user_fanout.flow", "UserFanOut", {"users": [{"name": "no login"}]},
         known="states-error-from-iteration", expect=("FAILED", "States.TaskFailed")),
    Case("process-user", "workflows/process_user.flow", "ProcessUser", {"UserDetails": {"login": "ada", "role": "owner"}}),
    Case("process-user-invalid", "workflows/process_user.flow", "ProcessUser", {"UserDetails": {"name": "x"}}),
    Case("process-user-retries-exhausted", "workflows/process_user.flow", "ProcessUser",
         {"UserDetails": {"login": "ada"}}, {"provision_user": always("Lambda.ServiceException")}),
    # -- corpus: choices (every operator), switch
    Case("choices-log", "choices.flow", "Choices", {"kind": "text", "text": "log-1"}),
    Case("choices-medium", "choices.flow", "Choices", {"kind": "n", "count": 50}),
    Case("choices-zero", "choices.flow", "Choices", {"kind": "n", "count": 0}),
    Case("choices-noflag", "choices.flow", "Choices", {"kind": "n", "count": 500, "flag": False}),
    Case("choices-past", "choices.flow", "Choices", {**CHOICE_BASE, "when": "2020-01-01T00:00:00Z"}),
    Case("choices-bigger", "choices.flow", "Choices", {**CHOICE_BASE, "a": 3}),
    Case("choices-same-name", "choices.flow", "Choices", {**CHOICE_BASE, "other": {"name": "x"}}),
    Case("choices-nothing", "choices.flow", "Choices", {**CHOICE_BASE, "maybe": None}),
    Case("choices-typed", "choices.flow", "Choices", {**CHOICE_BASE, "s": "s", "n": 1, "b2": True,
                                                      "t": "2020-01-01T00:00:00Z"}),
    Case("choices-noty", "choices.flow", "Choices", {**CHOICE_BASE, "x": "z"}),
    Case("choices-numbers", "choices.flow", "Choices", {**CHOICE_BASE, "n2": 2}),
    Case("choices-since", "choices.flow", "Choices", {**CHOICE_BASE, "n2": 50, "ts": "2022-01-01T00:00:00Z"}),
    Case("choices-switch-b", "choices.flow", "Choices", {**CHOICE_BASE, "ts": "2020-01-01T00:00:00Z", "s2": "b"}),
    Case("choices-switch-default", "choices.flow", "Choices", {**CHOICE_BASE, "ts": "2020-01-01T00:00:00Z", "s2": "d"}),
    Case("choices-missing-variable", "choices.flow", "Choices", {"kind": "n"}, known="absent-choice-variable",
         expect=("FAILED", "States.Runtime")),
    Case("choices-no-match", "choices.flow", "Choices",
         {**CHOICE_BASE, "s2": "a", "s3": "0", "ts": "2019-01-01T00:00:00Z"}, known="choice-no-match",
         expect=("FAILED", "States.NoChoiceMatched")),
    # -- corpus: express, JSONata, loops and a child workflow, Parallel/Map, waits
    Case("express", "express.flow", "FastPath", {"a": 1, "b": [1, 2]}),
    Case("jsonata-big", "jsonata.flow", "Jsonata",
         {"currency": "EUR", "items": [{"price": 60}, {"price": 50}], "timeout": 10}),
    Case("jsonata-free", "jsonata.flow", "Jsonata", {"currency": "EUR", "items": [], "timeout": 10}),
    Case("jsonata-small", "jsonata.flow", "Jsonata", {"currency": "USD", "items": [{"price": 5}], "timeout": 10}),
    Case("jsonata-broken", "jsonata.flow", "Jsonata", {"currency": "EUR", "items": [{"price": 1}], "timeout": 10},
         {"price": always("PriceServiceDown", "prices unavailable")}),
    Case("poller", "loops.flow", "Poller", {"job_id": "j1"}),
    Case("poller-gives-up", "loops.flow", "Poller", {"job_id": "j1"}, {"check_status": always("NotReady")}),
    Case("starts-poller", "loops.flow", "StartsPoller", {"job": "j7"}),
    Case("parallel-map", "parallel_map.flow", "ParallelMap",
         {"order": {"id": "o1", "lines": [{"qty": 2, "price": 3}, {"qty": 1, "price": 5}]},
          "batches": [1, 2, 3], "max_parallel": 2, "allowed_failures": 1}),
    Case("parallel-map-empty", "parallel_map.flow", "ParallelMap",
         {"order": {"id": "o2", "lines": []}, "batches": [], "max_parallel": 1, "allowed_failures": 0}),
    Case("parallel-map-line-fails", "parallel_map.flow", "ParallelMap",
         {"order": {"id": "o3", "lines": [{"qty": 2, "price": 3}, {"price": 5}]},
          "batches": [1], "max_parallel": 2, "allowed_failures": 0}),
    # waits.flow waits until 2030-01-01: the simulated clock starts a week before, so the run stays within
    # Step Functions' one-year limit (moto does not enforce it; the SQS target does, see test_faults.py).
    Case("waits", "waits.flow", "Waits", {"delay_seconds": 10, "resume_at": "2030-01-20T00:00:00Z"},
         start_time=WAITS_START),
    Case("waits-resume-in-past", "waits.flow", "Waits", {"delay_seconds": 0, "resume_at": "2001-01-01T00:00:00Z"},
         start_time=WAITS_START),
    Case("waits-bad-seconds", "waits.flow", "Waits", {"delay_seconds": "soon", "resume_at": "2030-06-01T00:00:00Z"},
         start_time=WAITS_START),
]


# Where moto disagrees with AWS and tests/oracles does not list it yet (reported to the oracle's owners).
MOTO_DIFFERENCES = {
    "absent-choice-variable": "a Choice comparison whose Variable selects nothing is false in moto (it logs "
                              "NoSuchJsonPathError and tries the next rule); AWS fails the state with "
                              "States.Runtime ('Invalid path ...'), which is what the shared ASL semantics "
                              "(targets/runtime/choice.py) implement and why AWS documents IsPresent guards",
}


def _path(case: Case) -> str:
    return case.file if "/" in case.file else str(CORPUS / case.file)


_COMPILED: dict[str, Any] = {}


def compiled(case: Case) -> Any:
    path = _path(case)
    if path not in _COMPILED:
        result = analyse([path])
        assert result.ok, [str(d) for d in result.errors]
        _COMPILED[path] = result
    return _COMPILED[path]


def step_handlers(result: Any, functions: dict[str, Callable[[], Callable[..., Any]]]) -> dict[str, Callable]:
    """The simulator takes replacements by step: every step that invokes the function gets a fresh one."""
    out: dict[str, Callable] = {}
    for wf in result.program.workflows.values():
        for state in wf.graph.walk():
            if state.task is not None and state.task.integration == "lambda" and state.task.target in functions:
                out[state.name] = functions[state.task.target]()
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_same_outcome_on_both_targets(case: Case, sfn_warm: float) -> None:
    result = compiled(case)
    (asl,) = run_asl(result, case.workflow, [case.input], {f: make() for f, make in case.functions.items()})
    extra = {"start_time": case.start_time} if case.start_time is not None else {}
    sqs, run = run_sqs(result, case.workflow, case.input, handlers=step_handlers(result, case.functions), **extra)
    if case.known is not None:
        # moto differs from AWS here (tests/oracles/README.md); the SQS target must do what AWS does.
        assert case.known in KNOWN_DIFFERENCES or case.known in MOTO_DIFFERENCES
        assert case.expect is not None and (sqs.status, sqs.error) == case.expect, (str(asl), str(sqs))
        assert (asl.status, asl.error) != case.expect, f"moto now agrees with AWS ({case.known}): compare directly"
        return
    assert (sqs.status, sqs.output, sqs.error, sqs.cause) == (asl.status, asl.output, asl.error, asl.cause), \
        f"\n  asl: {asl}\n  sqs: {sqs}"
    assert run.billed.lambda_invocations >= 1 and run.billed.sqs_requests >= 1


def test_every_supported_file_has_cases() -> None:
    from flowc.targets.sqs.target import check

    from tests.helpers import CORPUS_FILES, EXAMPLES

    covered = {_path(c).rsplit("/", 1)[-1] for c in CASES}
    for name in EXAMPLES + CORPUS_FILES:
        path = WORKFLOWS / name if name in EXAMPLES else CORPUS / name
        supported = not [d for d in check(analyse([path])) if d.is_error]
        assert supported == (name in covered), f"{name}: supported={supported}, covered={name in covered}"
