"""Billed units per execution on small workflows whose counts can be worked out by hand.

Step Functions Standard: one transition per state entered (inside Map iterations and Parallel branches too)
plus one per retry; ExecutionStarted/Succeeded are not transitions (AWS pricing page; aws-costs-limits.md 1.2).

SQS chain (flowc's runtime): the start is one message to the workflow's ingress queue; every task step is one
more message to the step's own queue; states without a task (Choice, Pass, Succeed) run inline in the function
that reached them. Every message is sent, received and deleted once: requests = sends + receives + deletes
(each message well under 64 KiB). Lambda: the start invocation plus one per delivered message.
"""

from __future__ import annotations

import pytest
from flowc.compiler.compare import analysis

from tests.compare.cases import CASES, compiled, measured


def sqs_counts(name: str):
    b = measured(name, "sqs").billed
    assert b.sqs_requests == b.sqs_sends + b.sqs_receives + b.sqs_deletes + b.sqs_visibility_changes
    return b


def test_three_tasks_in_a_row() -> None:
    asl = measured("three_tasks", "asl")
    assert asl.ok and asl.run.status == "SUCCEEDED"
    assert asl.billed.state_transitions == 3  # A, B, C
    assert asl.billed.lambda_invocations == 3
    assert asl.billed.lambda_gb_seconds == pytest.approx(3 * 0.05 * 128 / 1024)  # 50 ms at 128 MB each

    b = sqs_counts("three_tasks")
    # messages: start -> ingress, ingress -> A, A -> B, B -> C
    assert (b.sqs_sends, b.sqs_receives, b.sqs_deletes) == (4, 4, 4)
    assert b.sqs_requests == 12
    assert b.lambda_invocations == 1 + 4 + 3  # the start, one per message, and each handler's own function


def test_inline_states_cost_transitions_but_no_hops() -> None:
    asl = measured("inline_only", "asl")
    assert asl.billed.state_transitions == 3  # Route, Shape, Done
    assert asl.billed.lambda_invocations == 0
    b = sqs_counts("inline_only")
    assert (b.sqs_sends, b.sqs_receives, b.sqs_deletes) == (1, 1, 1)  # only the start message
    assert b.lambda_invocations == 2


def test_retries_are_transitions_and_invocations() -> None:
    asl = measured("retried", "asl")
    assert asl.run.status == "SUCCEEDED"
    assert asl.billed.state_transitions == 1 + 2 + 1  # Flaky, its 2 retries, Done
    assert asl.billed.lambda_invocations == 3
    assert asl.trace.root.retries == {"Flaky": 2}
    b = sqs_counts("retried")
    # start, ingress -> Flaky, then each retry sends Flaky's message again
    assert (b.sqs_sends, b.sqs_receives, b.sqs_deletes) == (4, 4, 4)
    assert measured("retried", "sqs").trace.root.retries == {"Flaky": 2}


def test_map_and_parallel() -> None:
    asl = measured("fan_out", "asl")
    # Each (1) + Work per item (4) + Both (1) + Left + Right (2)
    assert asl.billed.state_transitions == 8
    assert asl.billed.lambda_invocations == 4
    assert asl.trace.root.iterations == {"Each": 4}
    # history: execution 2 + Map 4 + 4 x (iteration 2 + task 5) + Parallel 4 + 2 x Pass 2
    assert asl.trace.root.events == 2 + 4 + 4 * 7 + 4 + 2 * 2
    result = compiled("fan_out.flow")
    budget = {"Execution": 2, "Task": 5, "TaskRetry": 3, "TaskSync": 6, "Choice": 2, "Pass": 2, "Wait": 2,
              "Succeed": 2, "Fail": 1, "Parallel": 4, "Map": 4, "MapIteration": 2}
    assert analysis.workflow_events(result.program.workflows["FanOut"], budget, map_items=4) == asl.trace.root.events


def test_native_integrations_need_functions_only_in_the_sqs_chain() -> None:
    asl = measured("native", "asl")
    assert asl.billed.state_transitions == 2
    assert (asl.billed.dynamodb_writes, asl.billed.sns_publishes, asl.billed.lambda_invocations) == (1, 1, 0)
    b = sqs_counts("native")
    assert (b.sqs_sends, b.sqs_receives, b.sqs_deletes) == (3, 3, 3)  # start, -> Save, -> Tell
    assert b.lambda_invocations == 1 + 3
    assert b.sns_publishes == 1
    assert b.dynamodb_writes > 1  # the workflow's one put, plus the execution-tracking table


def test_the_sqs_chain_counts_the_same_states_as_step_functions() -> None:
    for name in CASES:
        asl, sqs = measured(name, "asl"), measured(name, "sqs")
        assert sorted(sqs.trace.root.entered) == sorted(asl.trace.root.entered), name
        assert sqs.trace.root.retries == asl.trace.root.retries, name


def test_units_from_the_sqs_trace_match_the_interpreter() -> None:
    """The fallback used when no ASL interpreter is installed gives the interpreter's numbers."""
    from flowc.compiler.compare import measure

    for name, (file, workflow, _data, _mocks) in CASES.items():
        result = compiled(file)
        indexes = {n: analysis.index_workflow(result.program.workflows[n])
                   for n in analysis.reachable_workflows(result.program, workflow)}
        memory = {n: int(r.props.get("memory", 128)) for (k, n), r in result.program.resources.items()
                  if k == "function"}
        derived = measure.asl_from_sqs_trace(measured(name, "sqs"), indexes, memory, 0.05).billed
        real = measured(name, "asl").billed
        for field in ("state_transitions", "lambda_invocations", "dynamodb_writes", "sns_publishes",
                      "executions_started"):
            assert getattr(derived, field) == getattr(real, field), (name, field)
        assert derived.lambda_gb_seconds == pytest.approx(real.lambda_gb_seconds), name


def test_an_express_workflow_is_also_priced_as_standard() -> None:
    """The interpreter bills an Express execution by request and duration (no transitions); the Standard
    column counts the same run's transitions from its history: Enrich and Forward."""
    from flowc.compiler.compare import measure

    from tests.helpers import CORPUS

    result = compiled(str(CORPUS / "express.flow"))
    asl = measure.run_asl(result, "FastPath", {"a": 1})
    assert asl.run.billed.state_transitions == 0 and asl.run.billed.express_requests == 1
    assert asl.billed.state_transitions == 2
    assert asl.billed.sqs_requests == 1  # the workflow's own sqs.send
