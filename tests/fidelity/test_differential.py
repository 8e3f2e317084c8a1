"""Issue 13, proven: every case of cases.py on flowc's ASL interpreter, the SQS chain, moto's Step Functions
and aws-local-stepfunctions (where it supports the feature), each judged against what AWS does.

- both local targets must give the case's expected status, output, error (and cause, where the case names
  it), and agree with each other the way `flowc run --target both` compares them (`same_outcome`);
- moto and aws-local-stepfunctions must agree with flowc as the case says ("same", "status"), or still
  show the recorded deviation (tests/oracles/README.md), so a change in either engine is noticed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.local import HandlerModules

from tests.fidelity.cases import CASES, MOTO_DEVIATIONS, NODE_DEVIATIONS, PAGES, Case
from tests.interpreter.harness import normalise, normalise_cause
from tests.oracles.deploy import deploy_program, for_moto
from tests.oracles.localsfn import LocalStepFunctions

_COMPILED: dict[str, Any] = {}


def compiled(case: Case) -> Any:
    if case.flow not in _COMPILED:
        result = analyse([case.path])
        assert result.ok, [str(d) for d in result.diagnostics]
        _COMPILED[case.flow] = result
    return _COMPILED[case.flow]


def run_local(case: Case, target: str) -> Any:
    from flowc.compiler.commands.run import execute  # what `flowc run --target both` runs

    return execute(compiled(case), case.workflow, case.input, target, {}, 0)


@pytest.fixture(scope="module")
def node_engine() -> Iterator[LocalStepFunctions]:
    engine = LocalStepFunctions()
    yield engine
    engine.close()


def _expected(case: Case, run: Any) -> None:
    assert (run.status, run.error) == (case.status, case.error), f"{run.target}: {run.status} {run.error} {run.cause}"
    if case.status == "SUCCEEDED":
        assert run.output == case.output, run.target
    if case.cause is not None:
        from flowc.targets.runtime.messages import strip_event_id

        assert strip_event_id(run.cause) == case.cause, run.target


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_both_targets_do_what_aws_does(case: Case) -> None:
    assert case.page in PAGES
    asl, sqs = run_local(case, "asl"), run_local(case, "sqs")
    _expected(case, asl)
    _expected(case, sqs)
    assert asl.same_outcome(sqs), f"\n  asl: {asl.comparable()}\n  sqs: {sqs.comparable()}"


def _moto_outcome(oracle: Any, case: Case) -> Any:
    result = compiled(case)
    modules = HandlerModules()  # fresh handler modules, as for each local run
    handlers = {name: modules.load(name, Path(res.span.file).parent / res.props["code"], res.props["handler"])
                for (kind, name), res in result.program.resources.items() if kind == "function"}
    originals = {name: emitted.definition for name, emitted in result.asl.items()}
    try:
        for emitted in result.asl.values():
            emitted.definition = for_moto(emitted.definition)
        arns = deploy_program(oracle, result, handlers=handlers)
    finally:
        for name, definition in originals.items():
            result.asl[name].definition = definition
    return oracle.execute(arns[case.workflow], case.input, timeout=60)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_moto_agrees_or_deviates_as_recorded(sfn_oracle: Any, case: Case) -> None:
    theirs = _moto_outcome(sfn_oracle, case)
    mine = run_local(case, "asl")
    if case.moto in MOTO_DEVIATIONS:
        assert (mine.status, mine.error) == (case.status, case.error)
        assert (theirs.status, theirs.error, normalise_cause(theirs.cause)) != \
            (mine.status, mine.error, normalise_cause(mine.cause)), f"moto now agrees ({case.moto}): {theirs}"
        return
    assert (theirs.status, theirs.error) == (mine.status, mine.error), f"moto: {theirs}"
    if theirs.status == "SUCCEEDED":
        assert normalise(theirs.output) == normalise(mine.output)
    if case.moto == "same" and theirs.status != "SUCCEEDED":
        assert _cause(theirs.cause) == _cause(mine.cause), f"\n  moto : {theirs.cause}\n  flowc: {mine.cause}"


def _cause(cause: str | None) -> Any:
    """harness.normalise_cause, and a failed child's description without its names and dates."""
    value = normalise_cause(cause)
    if isinstance(value, dict) and "ExecutionArn" in value:
        from flowc.targets.runtime.messages import comparable_description

        value = {k: v for k, v in comparable_description(value).items() if k != "InputDetails"}
        if isinstance(value.get("Input"), str):  # moto prints JSON text with spaces, the service compact
            value["Input"] = json.loads(value["Input"])
    return value


NODE_CASES = [c for c in CASES if c.node is not None]


@pytest.mark.parametrize("case", NODE_CASES, ids=[c.id for c in NODE_CASES])
@pytest.mark.node_oracle
def test_aws_local_stepfunctions_agrees_or_deviates_as_recorded(node_engine: LocalStepFunctions, case: Case) -> None:
    definition = compiled(case).asl[case.workflow].definition
    theirs = node_engine.run(definition, case.input, case.node_mocks)
    mine = run_local(case, "asl")
    if case.node in NODE_DEVIATIONS:
        assert (theirs["status"], theirs.get("error")) != (mine.status, mine.error), \
            f"aws-local-stepfunctions now agrees ({case.node}): {theirs}"
        return
    assert (theirs["status"], theirs.get("error")) == (mine.status, mine.error), theirs
    if mine.status == "SUCCEEDED":
        assert theirs["output"] == mine.output
    if case.node == "same" and mine.status != "SUCCEEDED":
        assert theirs.get("cause") == mine.cause


def test_retry_delays_keep_their_fraction_on_every_engine(sfn_oracle: Any) -> None:
    """Issue 13 item 6: interval 1 s, backoff 2.5, max 5 s -> 1, 2.5, 5, 5 s between attempts, on the ASL
    interpreter, on the SQS chain (whole-second SQS delays plus an in-function wait) and on moto."""
    from flowc.targets.sqs.simulator import simulate

    case = next(c for c in CASES if c.id == "retry-fraction")
    asl = run_local(case, "asl")
    started = [e["timestamp"] for e in asl.events if e["type"] == "LambdaFunctionScheduled"]
    failed = [e["timestamp"] for e in asl.events if e["type"] == "LambdaFunctionFailed"]
    assert [round(_seconds(s) - _seconds(f), 3) for f, s in zip(failed[:-1], started[1:], strict=True)] == [1.0, 2.5, 5.0, 5.0]

    box: dict[str, Any] = {}
    simulate(compiled(case), case.workflow, case.input, observe=lambda snap: box.update(events=list(snap.events)))
    invoked = [e["time"] for e in box["events"] if e["type"] == "HandlerInvoked"]
    ended = [e["time"] for e in box["events"] if e["type"] == "TaskFailed"]
    gaps = [s - f for f, s in zip(ended[:-1], invoked[1:], strict=True)]
    assert [round(g, 1) for g in gaps] == [1.0, 2.5, 5.0, 5.0], gaps  # routing takes a millisecond or two

    _moto_outcome(sfn_oracle, case)
    assert sfn_oracle.backoffs == [1.0, 2.5, 5.0, 5.0]


def _seconds(stamp: str) -> float:
    import datetime

    return datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()
