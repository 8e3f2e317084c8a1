"""The SQS chain under targeted faults (issue 11, items 10-14): a crash or an outage at one exact point of the
runtime's work (`flowc.targets.sqs.injection`), and the execution must still end as Step Functions would end it,
with every effect the service lets us guard applied once.

- 10: a crash after the handler returned, or a throttled send after it, neither fails the step nor (for the send)
  runs the handler again;
- 11: a crash right after a DynamoDB write does not repeat the write (ADD counts once);
- 12: a step whose deliveries all fail (DynamoDB down, conditional-write conflicts) ends the execution FAILED with
  `flowc.DeliveryFailed` through the dead-letter sweeper; an ingress crash around the RUNNING record leaves no zombie;
- 13: tracking items live as long as the workflow may run (a 31-day Map iteration, a 100-day wait);
- 14: a second start of a child with a name already taken fails with `StepFunctions.ExecutionAlreadyExists`.
"""

from __future__ import annotations

import json

import pytest
from flowc.targets.sqs.injection import HANDLER, Call, Crash, Outage
from flowc.targets.sqs.simulator import Faults, simulate

from tests.sqs.test_faults import OVER_BUDGET, compile_with_handlers, no_loss, observe_into

SENDS = ("send_message", "send_message_batch")


def counting(result=None):
    calls = {"n": 0}

    def handler(event, context=None):
        calls["n"] += 1
        return result if result is not None else {"seen": event}
    handler.calls = calls  # type: ignore[attr-defined]
    return handler


TWO_STEPS = """
    workflow T
      function work handler "h.work" code "handlers"
      Work: invoke work
        result $.work
      Pause: wait 1s
      After: pass with { done: true, work: $.work }
    """
HANDLERS = "def work(event, context=None):\n    return {'ok': True}\n"


@pytest.fixture(scope="module")
def chargeback():
    from flowc.compiler.pipeline import analyse

    from tests.helpers import WORKFLOWS

    return analyse([WORKFLOWS / "workflow_chargeback.flow"])


# -- 10: crash windows around the handler -------------------------------------------------------------------------
def test_a_crash_after_the_handler_returned_is_not_a_timeout(tmp_path):
    result = compile_with_handlers(tmp_path, TWO_STEPS, HANDLERS)
    handler = counting({"ok": True})
    crash = Crash(lambda c: c.service == HANDLER and c.operation == "Work", when="after")
    run = simulate(result, "T", {}, handlers={"Work": handler}, faults=Faults(crashes=[crash]))
    assert crash.times == 0  # the crash happened
    assert (run.status, run.error, run.output) == ("SUCCEEDED", None, {"done": True, "work": {"ok": True}})
    assert handler.calls["n"] == 2  # at least once: the result was never recorded, so the handler ran again


@pytest.mark.parametrize("operation", ["send", "mark_done"])
def test_a_throttled_write_after_the_handler_does_not_run_it_again(tmp_path, operation):
    result = compile_with_handlers(tmp_path, TWO_STEPS, HANDLERS)
    handler = counting({"ok": True})

    def after_handler(c: Call) -> bool:
        if c.function != "TWorkFunction" or handler.calls["n"] == 0:
            return False
        if operation == "send":
            return c.service == "sqs" and c.operation in SENDS
        return c.service == "dynamodb" and c.operation == "update_item" and c.writes_tracking("STEP#") and \
            ":done" in c.params.get("ExpressionAttributeValues", {})
    outage = Outage(after_handler, code="ThrottlingException", times=1)
    box: dict = {}
    run = simulate(result, "T", {}, handlers={"Work": handler}, faults=Faults(outages=[outage]),
                   observe=observe_into(box))
    assert outage.times == 0
    assert run.status == "SUCCEEDED" and run.output == {"done": True, "work": {"ok": True}}
    assert handler.calls["n"] == 1  # the recorded result was reused by the redelivery
    assert all(not msgs for msgs in box["dlq"].values())


# -- 11: idempotent service steps ------------------------------------------------------------------------------------
def _totals_write(c: Call) -> bool:
    return c.state == "UpdateTotals" and c.service == "dynamodb" and "RepoTotalsTable" in c.tables


@pytest.mark.parametrize("seed", [0, 1])
def test_a_crash_right_after_a_dynamodb_add_does_not_count_twice(chargeback, seed):
    crash = Crash(_totals_write, when="after")
    box: dict = {}
    run = simulate(chargeback, "WorkflowChargeback", OVER_BUDGET, faults=Faults(crashes=[crash]), seed=seed,
                   observe=observe_into(box))
    assert crash.times == 0
    assert run.status == "SUCCEEDED"
    assert box["tables"]["RepoTotalsTable"] == [
        {"repository": {"S": "acme/api"}, "total_cost_usd": {"N": "0.416"}, "run_count": {"N": "1"}}]
    no_loss(box)


def test_a_conditional_write_that_failed_first_still_fails_after_a_crash(tmp_path):
    """The user's own condition is part of the transaction: its failure is the task's error, as on Step Functions."""
    result = compile_with_handlers(tmp_path, """
        workflow C
          table Seen key id
          First: dynamodb.putItem Seen item { id: "a" }
            result null
          Again: dynamodb.putItem Seen item { id: "a" }
            condition "attribute_not_exists(id)"
            result null
            catch DynamoDB.ConditionalCheckFailedException into $.error goto Dup
          Done: succeed
          Dup: pass with { duplicate: true }
        """, "")
    crash = Crash(lambda c: c.state == "First" and "SeenTable" in c.tables, when="after")
    run = simulate(result, "C", {}, faults=Faults(crashes=[crash]))
    assert crash.times == 0
    assert (run.status, run.output) == ("SUCCEEDED", {"duplicate": True})


# -- 12: the give-up path and zombies --------------------------------------------------------------------------------
NO_TIMEOUT = """
    workflow Z
      function work handler "h.work" code "handlers"
      table Log key id
      Work: invoke work
        result $.work
      Save: dynamodb.putItem Log item { id: "x" }
        result null
      Done: pass with { ok: true }
    """


def test_dynamodb_down_for_one_step_fails_the_execution_instead_of_leaving_it_running(tmp_path):
    result = compile_with_handlers(tmp_path, NO_TIMEOUT, HANDLERS)
    outage = Outage(lambda c: c.function == "ZSaveFunction" and c.service == "dynamodb")
    box: dict = {}
    run = simulate(result, "Z", {}, faults=Faults(outages=[outage]), observe=observe_into(box))
    assert (run.status, run.error) == ("FAILED", "flowc.DeliveryFailed")
    assert "Save" in run.cause and "dead-letter queue" in run.cause
    assert [m["state"] for m in box["dlq"]["ZSaveDLQ"]] == ["Save"]  # kept for inspection and redrive
    assert any(e["type"] == "DeadLetterSwept" for e in box["events"])


def test_five_conditional_write_conflicts_on_a_claim_fail_the_execution(tmp_path):
    result = compile_with_handlers(tmp_path, NO_TIMEOUT, HANDLERS)
    def claim(c: Call) -> bool:
        return c.function == "ZWorkFunction" and c.writes_tracking("STEP#") and \
            ":progress" in c.params.get("ExpressionAttributeValues", {})
    outage = Outage(claim, code="ConditionalCheckFailedException", times=5)
    run = simulate(result, "Z", {}, faults=Faults(outages=[outage]))
    assert outage.times == 0
    assert (run.status, run.error) == ("FAILED", "flowc.DeliveryFailed")


def test_a_dead_lettered_child_start_fails_the_child_and_its_waiting_parent(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow Child
          Hello: pass with { hello: true }

        workflow Parent
          Run: start Child sync2 with { x: 1 }
            catch States.TaskFailed into $.error goto Lost
          Done: succeed
          Lost: pass with { error: $.error.Error, child: $.error.Cause }
        """, "")
    outage = Outage(lambda c: c.function == "ChildIngressFunction" and c.service == "dynamodb")
    box: dict = {}
    run = simulate(result, "Parent", {}, faults=Faults(outages=[outage]), observe=observe_into(box))
    assert run.status == "SUCCEEDED" and run.output["error"] == "States.TaskFailed"
    described = json.loads(run.output["child"])
    assert (described["Status"], described["Error"]) == ("FAILED", "flowc.DeliveryFailed")
    assert [m["kind"] for m in box["dlq"]["ChildIngressDLQ"]] == ["start"]


def test_the_sweeper_consumes_every_dead_letter_queue_with_least_privilege(tmp_path):
    """Structure of the sweeper in the template (its SAM translation and cfn-lint run with every template in
    test_template.py): one SQS event per dead-letter queue and nothing else, visibility changes on those queues
    only, sends only to the ingress queues of workflows that wait for a child."""
    from tests.helpers import WORKFLOWS
    from tests.sqs.test_template import compiled

    template, _, _ = compiled(tmp_path, WORKFLOWS / "user_fanout.flow")
    res = template["Resources"]
    dlqs = sorted(k for k, v in res.items() if v["Type"] == "AWS::SQS::Queue" and "RedrivePolicy" not in v["Properties"])
    assert dlqs and all(k.endswith("DLQ") for k in dlqs)
    sweeper = res["FlowcSweeperFunction"]["Properties"]
    sources = sorted(e["Properties"]["Queue"]["Fn::GetAtt"][0] for e in sweeper["Events"].values())
    assert sources == dlqs and all(e["Type"] == "SQS" for e in sweeper["Events"].values())
    assert all(e["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
               for e in sweeper["Events"].values())
    (policy,) = sweeper["Policies"]  # one explicit, versioned document
    assert policy["Version"] == "2012-10-17"
    by_action = {tuple(s["Action"]): s["Resource"] for s in policy["Statement"]}
    assert sorted(r["Fn::GetAtt"][0] for r in by_action[("sqs:ChangeMessageVisibility",)]) == dlqs
    sends = [r["Fn::GetAtt"][0] for r in by_action[("sqs:SendMessage",)]]
    assert sends == ["UserFanOutIngressQueue"]  # ProcessUser's parent waits for it
    assert not any("Scan" in a or "Query" in a for actions in by_action for a in actions)
    assert sweeper["Environment"]["Variables"]["FLOWC_ROLE"] == "sweeper"


@pytest.mark.parametrize("when", ["before", "after"])
def test_an_ingress_crash_around_the_running_record_leaves_no_zombie(tmp_path, when):
    result = compile_with_handlers(tmp_path, NO_TIMEOUT, HANDLERS)
    crash = Crash(lambda c: c.function == "ZIngressFunction" and c.operation == "put_item"
                  and c.writes_tracking("EXECUTION"), when=when)
    box: dict = {}
    run = simulate(result, "Z", {"n": 1}, faults=Faults(crashes=[crash]), observe=observe_into(box))
    assert crash.times == 0 and any(e["type"] == "StartUnanswered" for e in box["events"])
    assert (run.status, run.output) == ("SUCCEEDED", {"ok": True})
    no_loss(box)


# -- 13: TTLs ----------------------------------------------------------------------------------------------------------
def test_a_map_iteration_waiting_31_days_is_not_stranded(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow L
          Each: map $.items
            result $.out
            do
              Pause: wait 31d
              Mark: pass with { waited: true }
          Done: pass with { out: $.out }
        """, "")
    run = simulate(result, "L", {"items": [1, 2]})
    assert (run.status, run.output) == ("SUCCEEDED", {"out": [{"waited": True}, {"waited": True}]})
    assert run.duration_ms >= 31 * 86_400_000


def test_a_100_day_wait_keeps_its_execution_record(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow W
          Pause: wait 100d
          Done: pass value { ok: true }
        """, "")
    run = simulate(result, "W", {})
    assert (run.status, run.output) == ("SUCCEEDED", {"ok": True})


@pytest.mark.parametrize("timeout, horizon", [("timeout 1h", 3600), ("", 365 * 86400)])
def test_tracking_ttls_follow_the_workflow_timeout(tmp_path, timeout, horizon):
    result = compile_with_handlers(tmp_path, f"""
        workflow W
          function work handler "h.work" code "handlers"
          {timeout}
          Each: map $.items
            do
              Work: invoke work
        """, HANDLERS)
    box: dict = {}
    run = simulate(result, "W", {"items": [1]}, observe=observe_into(box))
    assert run.status == "SUCCEEDED"
    start = 1767225600
    for item in box["tracking"]:
        expires = int(item["expires"]["N"]) - start
        if item["sk"]["S"] == "EXECUTION":  # kept 90 days after it ended, as Step Functions keeps a history
            assert 90 * 86400 <= expires <= 91 * 86400
        else:  # claims and joins: as long as the execution may run, plus a day
            assert horizon < expires <= horizon + 2 * 86400, item["sk"]["S"]


# -- 14: child name collisions ---------------------------------------------------------------------------------------
def test_a_second_child_with_the_same_name_fails_with_execution_already_exists(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow Child
          Hello: pass with { who: $.who }

        workflow Parent
          Both: parallel
            branch
              A: start Child sync2 with { who: "a" } name "same-child"
                select { who: $.Output.who }
                catch StepFunctions.ExecutionAlreadyExists into $.error goto TakenA
              DoneA: succeed
              TakenA: pass with { taken: $.error.Error }
            branch
              B: start Child sync2 with { who: "b" } name "same-child"
                select { who: $.Output.who }
                catch StepFunctions.ExecutionAlreadyExists into $.error goto TakenB
              DoneB: succeed
              TakenB: pass with { taken: $.error.Error }
        """, "")
    box: dict = {}
    run = simulate(result, "Parent", {}, observe=observe_into(box))
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert sorted(run.output, key=lambda o: "who" in o) == [
        {"taken": "StepFunctions.ExecutionAlreadyExists"}, {"who": run.output[0].get("who") or run.output[1]["who"]}]
    children = [i for i in box["tracking"] if i["sk"]["S"] == "EXECUTION" and i["pk"]["S"].startswith("Child/")]
    assert len(children) == 1 and children[0]["status"]["S"] == "SUCCEEDED"


@pytest.mark.parametrize("mode, select", [("", "{ arn: $.ExecutionArn }"),
                                          ("sync2", "{ arn: $.ExecutionArn, who: $.Output.who }")])
def test_the_same_name_and_input_while_running_is_idempotent(tmp_path, mode, select):
    """Step Functions: the same name and input as an open execution is a success (the same execution, which a
    sync start then waits for), not a second execution."""
    result = compile_with_handlers(tmp_path, f"""
        workflow Child
          Pause: wait 10s
          Hello: pass with {{ who: $.who }}

        workflow Parent
          Both: parallel
            branch
              A: start Child {mode} with {{ who: "a" }} name "same-child"
                select {select}
            branch
              B: start Child {mode} with {{ who: "a" }} name "same-child"
                select {select}
        """, "")
    box: dict = {}
    run = simulate(result, "Parent", {}, observe=observe_into(box))
    assert run.status == "SUCCEEDED", (run.error, run.cause)
    assert run.output[0] == run.output[1] and run.output[0]["arn"].endswith(":same-child")
    if mode:
        assert run.output[0]["who"] == "a"
    assert len([i for i in box["tracking"] if i["sk"]["S"] == "EXECUTION" and i["pk"]["S"].startswith("Child/")]) == 1


# -- 13: the message that closed a Map/Parallel join, redelivered (issue 11) ------------------------------------------
def _after_the_close():
    """Matches the first call after a join was closed (in the invocation that closed it)."""
    seen = {"closed": False}

    def match(c: Call) -> bool:
        if c.service == "dynamodb" and c.operation == "update_item" and c.writes_tracking("JOIN#") and \
                "closed_by" in c.params.get("UpdateExpression", ""):
            seen["closed"] = True
            return False
        return seen["closed"]
    return match


@pytest.mark.parametrize("flow", ["map-last", "map-then-step", "parallel-then-step"])
@pytest.mark.parametrize("fault", ["throttle", "crash"])
def test_the_call_after_a_join_closed_fails_and_the_redelivery_finishes(tmp_path, flow, fault):
    """The call right after the close (reading the join's results, before the execution's end or the send of
    the step after the Map/Parallel) is throttled, or the invocation dies there: the redelivery of the closing
    message is recognised (the join's closed_by and its claim) and finishes the job; nothing runs twice.
    (Before the fix all six stayed RUNNING: the redelivery was dropped as a late iteration.)"""
    from tests.sqs.test_faults import JOIN_FLOWS, JOIN_HANDLERS, JOIN_ITEMS

    result = compile_with_handlers(tmp_path, JOIN_FLOWS[flow], JOIN_HANDLERS)
    clean = simulate(result, "M", JOIN_ITEMS)
    spec = Outage(_after_the_close(), code="ThrottlingException", times=1) if fault == "throttle" else \
        Crash(_after_the_close(), when="before")
    box: dict = {}
    run = simulate(result, "M", JOIN_ITEMS, faults=Faults(outages=[spec] if fault == "throttle" else [],
                                                          crashes=[spec] if fault == "crash" else []),
                   observe=observe_into(box))
    assert spec.times == 0  # the fault happened
    assert run.status == "SUCCEEDED" and run.same_outcome(clean)
    resumed = [e for e in box["events"] if e["type"] == "Resumed"]
    assert len(resumed) == 1  # the closing message, redelivered, went on
    ran = sorted(e["state"] for e in box["events"] if e["type"] == "HandlerInvoked")
    assert ran == {"map-last": ["Work"] * 4, "map-then-step": ["After"] + ["Work"] * 4,
                   "parallel-then-step": ["A", "After", "B", "C"]}[flow]
    assert all(not msgs for msgs in box["dlq"].values())


def test_a_late_iteration_of_a_finished_map_is_still_dropped(tmp_path):
    """Item 0 fails the Map (no retrier for its error; the Map's catch goes on, the execution waits): item 1,
    retried 5 s later, belongs to a finished Map and is dropped, its handler not run again."""
    from tests.oracles.sfn import HandlerError

    result = compile_with_handlers(tmp_path, """
        workflow L
          function work handler "h.work" code "handlers"
          Each: map $.items
            result $.out
            catch States.ALL into $.error goto Handled
            do
              Work: invoke work
                retry Flaky interval 5s attempts 3
          Done: succeed
          Handled: pass with { handled: $.error.Error }
          Pause: wait 1h
          End: succeed
        """, HANDLERS)
    calls: list[int] = []

    def work(event, context=None):
        calls.append(event["n"])
        if event["n"] == 0:
            raise HandlerError("Bad", "item 0")
        raise HandlerError("Flaky", "try again later")
    box: dict = {}
    run = simulate(result, "L", {"items": [{"n": 0}, {"n": 1}]}, handlers={"Work": work},
                   observe=observe_into(box), seed=1)
    assert (run.status, run.output) == ("SUCCEEDED", {"handled": "Bad"})
    assert calls.count(0) == 1 and calls.count(1) <= 1  # item 1 never ran after the Map had failed
    dropped = [e for e in box["events"] if e["type"] == "Dropped"
               and e["reason"] == "an enclosing Map/Parallel has finished"]
    assert len(dropped) == 1 and dropped[0]["scope"].endswith(".1")
    assert not [e for e in box["events"] if e["type"] == "Resumed"]
