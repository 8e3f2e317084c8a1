"""The billed units `flowc run` (the ASL interpreter) reports agree with moto's Step Functions interpreter.

Each case runs once on the ASL interpreter (what `flowc run --target asl` and `flowc compare` use) and once
on moto (`tests/oracles`), with the same handlers or failures. moto's execution histories (the root and every
child execution) are priced by `billed_from_history`, the AWS billing rules applied to AWS-format events; the
result must equal the interpreter's own meter. The root history must have the same events, and the derived
history-event budget (prices.json, confidence D) must predict moto's event count.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from flowc.compiler.compare import analysis, measure
from flowc.compiler.pipeline import analyse

from tests.compare.cases import CASES, FLOWS, compiled, measured
from tests.helpers import WORKFLOWS
from tests.oracles.sfn import HandlerError, SfnOracle
from tests.sqs.harness import deploy

FIELDS = ("state_transitions", "lambda_invocations", "dynamodb_writes", "dynamodb_reads", "sns_publishes",
          "sqs_requests", "eventbridge_events", "executions_started")


def _flaky(errors: list[str]):
    calls = {"n": 0}

    def handler(event: Any, context: Any = None) -> Any:
        calls["n"] += 1
        if calls["n"] <= len(errors):
            raise HandlerError(errors[calls["n"] - 1], "injected")
        return {"ok": 1}
    return handler


def _example(name: str) -> tuple[Any, str, Any]:
    file = WORKFLOWS / f"{name}.flow"
    data = json.loads((WORKFLOWS / f"{name}.compare-input.json").read_text(encoding="utf-8"))
    workflow = {"member_onboarding": "MemberOnboarding", "workflow_chargeback": "WorkflowChargeback",
                "user_fanout": "UserFanOut", "process_user": "ProcessUser"}[name]
    return analyse([file]), workflow, data


def moto_run(result, workflow: str, data: Any, functions: dict | None = None):
    """Run on moto in an oracle of its own: the ASL interpreter starts moto services too, so it must run
    before (never inside) the oracle's mock."""
    with SfnOracle() as oracle:
        arns = deploy(oracle, result, functions)
        run = oracle.execute(arns[workflow], data, timeout=60)
        histories = [run.events]
        for name, arn in sorted(arns.items()):
            if name == workflow:
                continue
            for ex in oracle.sfn.list_executions(stateMachineArn=arn)["executions"]:
                histories.append(oracle.history(ex["executionArn"]))
    return run, histories


def assert_agree(asl: measure.Measured, run, histories: list[list[dict]]) -> None:
    assert asl.ok and asl.run is not None
    assert asl.run.status == run.status
    from_moto = measure.billed_from_history(histories)
    for field in FIELDS:
        assert getattr(asl.billed, field) == getattr(from_moto, field), field
    assert len(asl.run.events) == len(run.events)
    assert [e["type"] for e in asl.run.events if e["type"].endswith("StateEntered")] == \
        [e["type"] for e in run.events if e["type"].endswith("StateEntered")]


@pytest.mark.parametrize("name", [n for n in CASES if n != "retried"])
def test_synthetic_flows(sfn_warm: float, name: str) -> None:
    file, workflow, data, _ = CASES[name]
    asl = measured(name, "asl")
    run, histories = moto_run(compiled(file), workflow, data)
    assert_agree(asl, run, histories)


def test_retries(sfn_warm: float) -> None:
    file, workflow, data, _ = CASES["retried"]
    asl = measured("retried", "asl")
    run, histories = moto_run(compiled(file), workflow, data, {"step": _flaky(["Busy", "Busy"])})
    assert_agree(asl, run, histories)
    assert measure.billed_from_history(histories).state_transitions == 4  # Flaky, 2 retries, Done


@pytest.mark.parametrize("name", ["member_onboarding", "workflow_chargeback", "user_fanout", "process_user"])
def test_examples(sfn_warm: float, name: str) -> None:
    result, workflow, data = _example(name)
    asl = measure.run_asl(result, workflow, data)
    run, histories = moto_run(result, workflow, data)
    assert_agree(asl, run, histories)
    # the children's histories the compare adapter reads from the interpreter are moto's too
    assert sorted(len(t.entered) for t in asl.trace.executions[1:]) == \
        sorted(sum(1 for e in h if e["type"].endswith("StateEntered")) for h in histories[1:])


def test_caught_failure(sfn_warm: float) -> None:
    """Onboarding of a user the directory does not know: the Lambda error is caught and notified."""
    result, workflow, data = _example("member_onboarding")
    data = {**data, "membership": {"user": {"login": "stranger"}}}
    asl = measure.run_asl(result, workflow, data)
    run, histories = moto_run(result, workflow, data)
    assert run.status == "FAILED"
    assert_agree(asl, run, histories)


@pytest.mark.parametrize("name", ["three_tasks", "inline_only", "fan_out", "native"])
def test_history_budget_predicts_moto(sfn_warm: float, name: str) -> None:
    """The per-state event budget (derived, D) gives moto's event count for straight-line runs."""
    from flowc.compiler.compare.pricing import PriceBook

    file, workflow, data, _ = CASES[name]
    result = compiled(file)
    run, _ = moto_run(result, workflow, data)
    items = len(data.get("items", [])) if isinstance(data, dict) else 0
    budget = PriceBook().value("sfn.history_events.per_state")
    assert analysis.workflow_events(result.program.workflows[workflow], budget, map_items=items) == len(run.events)


def test_flows_folder_is_complete() -> None:
    assert sorted(p.name for p in FLOWS.glob("*.flow")) == sorted(f for f, *_ in CASES.values())
