"""Fault injection on the SQS chain: handlers that fail, time out or are slow, messages delivered twice,
Lambda responses lost, throttled tracking writes. The execution must end exactly as Step Functions would end
it, and no message or result may be lost or counted twice."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.sqs.simulator import Faults, simulate, slow

from tests.examples import MEMBER
from tests.helpers import WORKFLOWS
from tests.oracles.sfn import HandlerError
from tests.sqs.harness import run_asl, run_sqs

OVER_BUDGET = {"action": "completed", "month": "2026-11", "repository": {"full_name": "acme/api"},
               "workflow_run": {"id": 9001, "conclusion": "success"},
               "jobs": [{"duration_seconds": 61, "os": "ubuntu"}, {"duration_seconds": 300, "os": "macos"}]}
USERS = {"users": [{"login": "ada", "role": "owner"}, {"login": "linus"}, {"login": "grace"}]}


@pytest.fixture(scope="module")
def onboarding():
    return analyse([WORKFLOWS / "member_onboarding.flow"])


@pytest.fixture(scope="module")
def chargeback():
    return analyse([WORKFLOWS / "workflow_chargeback.flow"])


@pytest.fixture(scope="module")
def fanout():
    return analyse([WORKFLOWS / "user_fanout.flow"])


@pytest.fixture(scope="module")
def process_user():
    return analyse([WORKFLOWS / "process_user.flow"])


def compile_with_handlers(tmp_path: Path, source: str, handlers: str) -> Any:
    (tmp_path / "handlers").mkdir(exist_ok=True)
    (tmp_path / "handlers" / "h.py").write_text(textwrap.dedent(handlers), encoding="utf-8")
    path = tmp_path / "t.flow"
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    result = analyse([path])
    assert result.ok, [str(d) for d in result.errors]
    return result


def real(module: str, function: str):
    from flowc.targets.local import load_handler

    return load_handler(WORKFLOWS / "handlers", f"{module}.{function}")


def flaky(times: int, error: str, then=None):
    calls = {"n": 0}

    def handler(event, context=None):
        calls["n"] += 1
        if calls["n"] <= times:
            raise HandlerError(error, f"attempt {calls['n']}")
        return then(event, context) if then else {"ok": True}
    handler.calls = calls  # type: ignore[attr-defined]
    return handler


def observe_into(box: dict):
    def keep(snapshot) -> None:
        box["tracking"] = snapshot.tracking()
        box["events"] = list(snapshot.events)
        box["dlq"] = {q: snapshot.messages(q) for q in snapshot.queues() if q.endswith("DLQ")}
        box["tables"] = {t: snapshot.items(t) for t in snapshot.sim.dep.tables if t != "FlowcExecutionsTable"}
        box["snapshot_queues"] = {q: snapshot.messages(q) for q in snapshot.queues()}
    return keep


def claims(tracking: list[dict]) -> list[dict]:
    return [i for i in tracking if i["sk"]["S"].startswith("STEP#")]


def no_loss(box: dict) -> None:
    """Nothing dead-lettered, no step left half done."""
    assert all(not msgs for msgs in box["dlq"].values()), box["dlq"]
    assert {c["status"]["S"] for c in claims(box["tracking"])} == {"DONE"}


# -- retries --------------------------------------------------------------------------------------------------
def test_transient_failures_are_retried_with_the_declared_backoff(onboarding, sfn_warm):
    handler = flaky(2, "Lambda.TooManyRequestsException", real("onboarding", "fetch_employee"))
    box: dict = {}
    run = simulate(onboarding, "MemberOnboarding", MEMBER, handlers={"FetchEmployee": handler},
                   observe=observe_into(box))
    assert run.status == "SUCCEEDED" and run.output["employee"]["id"] == "E-1001"
    assert handler.calls["n"] == 3
    delays = [e["delay"] for e in box["events"] if e["type"] == "TaskRetry" and e["state"] == "FetchEmployee"]
    # interval 1s, default backoff 2, max_delay 10s, no jitter: what moto's Step Functions slept as well
    oracle_handler = flaky(2, "Lambda.TooManyRequestsException", real("onboarding", "fetch_employee"))
    from tests.oracles.sfn import SfnOracle
    from tests.sqs.harness import deploy

    with SfnOracle() as oracle:
        arn = deploy(oracle, onboarding, {"fetch_employee": oracle_handler})["MemberOnboarding"]
        asl = oracle.execute(arn, MEMBER)
    assert delays == asl.sleeps == [1.0, 2.0]
    assert run.states_entered.count("FetchEmployee") == 1
    no_loss(box)


def test_full_jitter_delays_are_bounded_and_reproducible(onboarding):
    def delays(seed: int) -> list[float]:
        box: dict = {}
        handler = flaky(3, "Lambda.ServiceException", real("onboarding", "add_to_team"))
        run = simulate(onboarding, "MemberOnboarding", MEMBER, handlers={"AddToTeam": handler}, seed=seed,
                       observe=observe_into(box))
        assert run.status == "SUCCEEDED" and handler.calls["n"] == 4
        return [e["delay"] for e in box["events"] if e["type"] == "TaskRetry"]

    first = delays(1)
    assert len(first) == 3 and all(0 <= d <= cap for d, cap in zip(first, [2, 4, 8], strict=True))
    assert delays(1) == first
    assert delays(2) != first


def test_exhausted_retries_without_catch_fail_the_execution_and_keep_the_message(process_user):
    handler = flaky(99, "Lambda.ServiceException")
    box: dict = {}
    run = simulate(process_user, "ProcessUser", {"UserDetails": {"login": "ada"}},
                   handlers={"Provision": handler}, observe=observe_into(box))
    assert (run.status, run.error) == ("FAILED", "Lambda.ServiceException")
    assert handler.calls["n"] == 4  # the attempt and MaxAttempts 3 retries
    (kept,) = box["dlq"]["ProcessUserProvisionDLQ"]
    assert kept["state"] == "Provision" and kept["attempt"] == 3
    assert kept["dead_letter"]["error"] == "Lambda.ServiceException"
    assert kept["input"] == {"UserDetails": {"login": "ada"}}
    record = next(i for i in box["tracking"] if i["sk"]["S"] == "EXECUTION")
    assert record["status"]["S"] == "FAILED" and record["error"]["S"] == "Lambda.ServiceException"


# -- timeouts ---------------------------------------------------------------------------------------------------
TIMED_OUT = HandlerError("Sandbox.Timedout", "Task timed out after 3.00 seconds")


def _raise_timeout(event, context=None):
    raise TIMED_OUT


@pytest.mark.parametrize("seconds", [30, 5], ids=["far-past-the-timeout", "just-past-the-timeout"])
def test_a_handler_that_times_out_fails_like_a_lambda_timeout(onboarding, seconds, sfn_warm):
    """The handler runs in its own function (declared timeout 3 s): Lambda stops it at 3 s, whether it would
    have taken 30 s or 5, and the step's function (13 s: the runtime's allowance on top) gets the timeout back
    from the invoke at once; the runtime's watchdog has recorded Sandbox.Timedout at that moment, as Step
    Functions reports it. No invocation of the step is killed, no visibility timeout is waited out."""
    box: dict = {}
    sqs, run = run_sqs(onboarding, "MemberOnboarding", MEMBER,
                       handlers={"AddToTeam": slow(real("onboarding", "add_to_team"), seconds)},
                       observe=observe_into(box))
    (asl,) = run_asl(onboarding, "MemberOnboarding", [MEMBER], {"add_to_team": _raise_timeout})
    assert (sqs.status, sqs.output, sqs.error, sqs.cause) == (asl.status, asl.output, asl.error, asl.cause)
    assert run.states_entered == ["CheckEvent", "AddToTeam", "NotifyFailure", "Failed"]
    assert not [e for e in box["events"] if e["type"] == "InvocationKilled"]
    (timed_out,) = [e for e in box["events"] if e["type"] == "TaskTimedOut"]
    assert timed_out["state"] == "AddToTeam" and timed_out["after"] == 3
    assert run.duration_ms < 78_000  # not the queue's visibility timeout (6 x 13 s): no redelivery was needed
    no_loss(box)


def test_state_timeout_seconds(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow T
          function work handler "h.work" code "handlers" timeout 60s
          Work: invoke work
            timeout 2s
            catch States.Timeout into $.error goto Late
          Done: succeed
          Late: fail TooSlow cause "work took too long"
        """, "def work(event, context=None):\n    return {'done': True}\n")
    fast = simulate(result, "T", {}, handlers={"Work": slow(lambda e, c=None: {"done": True}, 1)})
    assert fast.status == "SUCCEEDED"
    late = simulate(result, "T", {}, handlers={"Work": slow(lambda e, c=None: {"done": True}, 5)})
    assert (late.status, late.error) == ("FAILED", "TooSlow")


# -- at-least-once delivery --------------------------------------------------------------------------------------
def _effects(box: dict) -> dict:
    def plain(items):
        return sorted(json.dumps(i, sort_keys=True) for i in items)
    return {t: plain(items) for t, items in box["tables"].items()}


@pytest.mark.parametrize("faults", [Faults(duplicate_rate=1.0), Faults(lost_response_rate=0.5),
                                    Faults(duplicate_rate=0.3, lost_response_rate=0.3)],
                         ids=["every-message-twice", "half-the-responses-lost", "mixed"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_duplicates_and_redeliveries_change_nothing(chargeback, faults, seed):
    clean_box: dict = {}
    clean = simulate(chargeback, "WorkflowChargeback", OVER_BUDGET, observe=observe_into(clean_box))
    box: dict = {}
    run = simulate(chargeback, "WorkflowChargeback", OVER_BUDGET, faults=faults, seed=seed, observe=observe_into(box))
    assert run.same_outcome(clean) and run.status == "SUCCEEDED"
    # the non-idempotent ADD ran once, the alert was published once
    assert _effects(box) == _effects(clean_box)
    totals = box["tables"]["RepoTotalsTable"]
    assert totals == [{"repository": {"S": "acme/api"}, "total_cost_usd": {"N": "0.416"}, "run_count": {"N": "1"}}]
    assert run.billed.sns_publishes == 1
    assert any(e["type"] in ("Duplicate", "FaultLostResponse", "FaultDuplicate") for e in box["events"])
    no_loss(box)


@pytest.mark.parametrize("seed", [0, 3])
def test_duplicates_never_double_count_a_map_or_its_children(fanout, seed):
    box: dict = {}
    run = simulate(fanout, "UserFanOut", USERS, faults=Faults(duplicate_rate=1.0, lost_response_rate=0.3),
                   seed=seed, observe=observe_into(box))
    assert run.status == "SUCCEEDED"
    assert run.output == {"processed": 3, "results": [{"login": "ada", "status": "provisioned"},
                                                      {"login": "linus", "status": "provisioned"},
                                                      {"login": "grace", "status": "provisioned"}]}
    children = [i for i in box["tracking"] if i["sk"]["S"] == "EXECUTION" and i["pk"]["S"].startswith("ProcessUser/")]
    assert len(children) == 3 and {c["status"]["S"] for c in children} == {"SUCCEEDED"}
    assert len(box["tables"]["UsersTable"]) == 3
    (join,) = [i for i in box["tracking"] if i["sk"]["S"].startswith("JOIN#")]
    assert join["done"]["N"] == "3" and join["status"]["S"] == "DONE"
    no_loss(box)


@pytest.mark.parametrize("seed", range(4))
def test_throttled_tracking_writes_and_sends_are_retried(onboarding, seed):
    """10% of the runtime's calls fail after botocore's own retries. (At 15%, every third seed or so meets five
    failed deliveries of one step in a row, or enough 3-minute redeliveries to pass the workflow's 15-minute
    timeout: the execution then ends flowc.DeliveryFailed or TIMED_OUT, as it should, not like the clean run.)"""
    clean = simulate(onboarding, "MemberOnboarding", MEMBER)
    box: dict = {}
    run = simulate(onboarding, "MemberOnboarding", MEMBER, faults=Faults(api_error_rate=0.10), seed=seed,
                   observe=observe_into(box))
    assert run.same_outcome(clean)
    assert any(e["type"] == "FaultThrottled" for e in box["events"])
    assert all(not msgs for msgs in box["dlq"].values())


# -- Map: MaxConcurrency and tolerated failures --------------------------------------------------------------------
MAP_FLOW = """
    workflow M
      function each handler "h.each" code "handlers"
      Each: map {mode}$.items
        {options}
        result $.out
        do
          Work: invoke each
    """
MAP_HANDLERS = """
    def each(event, context=None):
        if event.get("bad"):
            raise ValueError(f"bad item {event['n']}")
        return {"n": event["n"] * 10}
    """


def _in_flight(events: list[dict]) -> int:
    running = peak = 0
    for e in events:
        if e["type"] == "StateEntered" and e["state"] == "Work":
            running += 1
            peak = max(peak, running)
        elif e["type"] == "IterationEnded":
            running -= 1
    return peak


@pytest.mark.parametrize("options, peak", [("concurrency 2", 2), ("concurrency 0", 6), ("concurrency 4", 4)])
def test_map_max_concurrency_is_honoured(tmp_path, options, peak):
    result = compile_with_handlers(tmp_path, MAP_FLOW.format(mode="", options=options), MAP_HANDLERS)
    box: dict = {}
    items = [{"n": i} for i in range(6)]
    run = simulate(result, "M", {"items": items}, observe=observe_into(box), seed=5)
    assert run.status == "SUCCEEDED"
    assert run.output["out"] == [{"n": i * 10} for i in range(6)]  # in item order, whatever the completion order
    assert _in_flight(box["events"]) == peak


def test_map_concurrency_caps_the_event_source_mapping(tmp_path):
    from flowc.targets.sqs.plan import ProgramPlan

    result = compile_with_handlers(tmp_path, MAP_FLOW.format(mode="", options="concurrency 7"), MAP_HANDLERS)
    assert ProgramPlan(result).workflows["M"].steps["Work"].max_concurrency == 7


@pytest.mark.parametrize("options, bad, expect", [
    ("tolerate 1", [2], ("SUCCEEDED", None)),
    ("tolerate 1", [1, 4], ("FAILED", "States.ExceedToleratedFailureThreshold")),
    ("tolerate 50%", [0, 1, 2], ("SUCCEEDED", None)),
    ("tolerate 50%", [0, 1, 2, 3], ("FAILED", "States.ExceedToleratedFailureThreshold")),
    ("concurrency 1", [3], ("FAILED", "ValueError")),
])
def test_map_tolerated_failures(tmp_path, options, bad, expect):
    # tolerances are Distributed Map settings (an inline map refuses them: FLOW102)
    mode = "distributed " if options.startswith("tolerate") else ""
    result = compile_with_handlers(tmp_path, MAP_FLOW.format(mode=mode, options=options), MAP_HANDLERS)
    items = [{"n": i, "bad": i in bad} for i in range(6)]
    box: dict = {}
    run = simulate(result, "M", {"items": items}, observe=observe_into(box))
    assert (run.status, run.error) == expect
    if run.status == "SUCCEEDED":
        out = run.output["out"]
        # a tolerated failure leaves null in its slot (issue 13 item 7: moto/LocalStack and the ASL interpreter)
        assert [o is None for o in out] == [i in bad for i in range(6)]
        good = next(i for i in range(6) if i not in bad)
        assert out[good] == {"n": 10 * good}


# -- waits and workflow deadlines --------------------------------------------------------------------------------
def test_a_day_long_wait_uses_few_deliveries(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow W
          Pause: wait 1d
          Done: pass value { ok: true }
        """, "")
    run = simulate(result, "W", {})
    assert run.status == "SUCCEEDED" and run.duration_ms >= 86_400_000
    assert run.billed.sqs_visibility_changes >= 1  # kept invisible for up to 12 h at a time
    assert run.billed.lambda_invocations <= 10  # not 96 re-sends of 15 minutes


def test_workflow_timeout_ends_a_long_wait(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow W
          timeout 1h
          Pause: wait 2h
          Done: succeed
        """, "")
    run = simulate(result, "W", {})
    assert (run.status, run.error) == ("TIMED_OUT", "States.Timeout")
    assert 3_600_000 <= run.duration_ms < 3_700_000


def test_express_workflows_end_after_five_minutes(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow X
          type express
          Pause: wait 10m
          Done: succeed
        """, "")
    run = simulate(result, "X", {})
    assert (run.status, run.error) == ("TIMED_OUT", "States.Timeout")
    assert run.duration_ms <= 301_000


# -- poison messages -------------------------------------------------------------------------------------------------
def test_a_message_that_cannot_be_read_ends_in_the_dead_letter_queue(onboarding):
    from flowc.targets.sqs import simulator

    dep = simulator.deployment(onboarding)
    sim = simulator._Simulation(onboarding, dep, handlers=None, mocks=None, seed=0, faults=None,
                                start=simulator.DEFAULT_START)
    with simulator._moto(sim.clock):
        sim.create_resources()
        sqs = sim.client("sqs")
        sqs.send_message(QueueUrl=dep.ref("MemberOnboardingStoreQueue"), MessageBody="not an envelope")
        mapping = next(m for m in dep.mappings if m.queue == "MemberOnboardingStoreQueue")
        deliveries = 0
        while True:
            if sim.poll(mapping):
                deliveries += 1
            wake = sim.next_wakeup()
            if wake is None:
                break
            sim.clock.jump_to(wake)
        dead = sqs.receive_message(QueueUrl=dep.ref("MemberOnboardingStoreDLQ"), AttributeNames=["All"])["Messages"]
    assert deliveries == 5  # maxReceiveCount: delivered five times, then moved, never lost
    assert [m["Body"] for m in dead] == ["not an envelope"]


@pytest.mark.parametrize("seed", range(6))
def test_starts_survive_throttling(tmp_path, seed):
    """Throttled starts (and everything after them) still give the clean outcome. (A call fails after botocore's
    own retries: 5% of calls is already far beyond what DynamoDB or SQS do; at rates where five deliveries in a
    row fail, messages go to their dead-letter queue, as they should.)"""
    result = compile_with_handlers(tmp_path, MAP_FLOW.format(mode="", options="concurrency 2"), MAP_HANDLERS)
    items = {"items": [{"n": i} for i in range(4)]}
    clean = simulate(result, "M", items)
    run = simulate(result, "M", items, faults=Faults(api_error_rate=0.05, duplicate_rate=0.2), seed=seed)
    assert run.same_outcome(clean) and run.status == "SUCCEEDED"


# -- the message that closed a join, redelivered (issue 11) ------------------------------------------------------
JOIN_FLOWS = {
    "map-last": MAP_FLOW.format(mode="", options="concurrency 2"),
    "map-then-step": """
        workflow M
          function each handler "h.each" code "handlers"
          function after handler "h.after" code "handlers"
          Each: map $.items
            concurrency 2
            result $.out
            do
              Work: invoke each
          After: invoke after
            result $.after
        """,
    "parallel-then-step": """
        workflow M
          function each handler "h.each" code "handlers"
          function after handler "h.after" code "handlers"
          Both: parallel
            branch
              A: invoke each with { n: $.items[0].n }
            branch
              B: invoke each with { n: $.items[1].n }
            branch
              C: invoke each with { n: $.items[2].n }
            result $.out
          After: invoke after
            result $.after
        """,
}
JOIN_HANDLERS = MAP_HANDLERS + """
    def after(event, context=None):
        return {"total": sum(o["n"] for o in event["out"])}
    """
JOIN_ITEMS = {"items": [{"n": i} for i in range(4)]}
JOIN_SEEDS = {"map-last": range(50), "map-then-step": range(25), "parallel-then-step": range(25)}


@pytest.fixture(scope="module")
def join_flows(tmp_path_factory):
    """Each workflow compiled once, with its outcome without faults."""
    out = {}
    for name, source in JOIN_FLOWS.items():
        result = compile_with_handlers(tmp_path_factory.mktemp(name), source, JOIN_HANDLERS)
        out[name] = (result, simulate(result, "M", JOIN_ITEMS))
    return out


@pytest.mark.parametrize("flow, seed", [(f, s) for f, seeds in JOIN_SEEDS.items() for s in seeds])
def test_a_throttled_redelivery_after_a_join_closed_still_ends_the_execution(join_flows, flow, seed):
    """The iteration (or branch) that closes its Map/Parallel carries on with what follows it; when a call after
    the close is throttled, the redelivery must finish that work, not be dropped as a late iteration (before
    the fix, map-last seeds 8, 26, 38 and 45 stayed RUNNING for ever). And no handler runs twice: a throttled
    outcome record is not a crash (before, 11 of these 50 seeds ran one handler twice)."""
    result, clean = join_flows[flow]
    assert clean.status == "SUCCEEDED"
    box: dict = {}
    run = simulate(result, "M", JOIN_ITEMS, faults=Faults(api_error_rate=0.04, duplicate_rate=0.2), seed=seed,
                   observe=observe_into(box))
    assert run.status == "SUCCEEDED" and run.same_outcome(clean)
    ran = [e["state"] for e in box["events"] if e["type"] == "HandlerInvoked"]
    expected = {"map-last": ["Work"] * 4, "map-then-step": ["Work"] * 4 + ["After"],
                "parallel-then-step": ["A", "B", "C", "After"]}[flow]
    assert sorted(ran) == sorted(expected)  # every step's handler once: the output has every result
    # nothing dead-lettered (a claim may still be IN_PROGRESS: a throttled step whose redelivery comes after
    # the execution ended, where the run stops)
    assert all(not msgs for msgs in box["dlq"].values()), box["dlq"]


def test_mocks_replace_handlers_and_integrations(onboarding):
    """The contract `flowc run`/`flowc test` use: Mock specs keyed by step name, for functions and services."""
    from flowc.targets.local import Mock

    store = Mock([{"error": "DynamoDB.ProvisionedThroughputExceededException", "cause": "slow down"},
                  {"result": {}}])
    employee = Mock({"result": {"login": "octocat", "id": "E-9", "email": "o@example.com"}})
    run = simulate(onboarding, "MemberOnboarding", MEMBER, mocks={"Store": store, "FetchEmployee": employee})
    assert run.status == "SUCCEEDED" and run.output["employee"]["id"] == "E-9"
    assert (store.calls, employee.calls) == (2, 1)  # one throttled attempt, retried once
    failing = Mock({"error": "DynamoDB.ProvisionedThroughputExceededException", "cause": "still"})
    run = simulate(onboarding, "MemberOnboarding", MEMBER, mocks={"Store": failing})
    assert (run.status, run.error) == ("FAILED", "OnboardingFailed") and failing.calls == 4
    assert run.states_entered[-2:] == ["NotifyFailure", "Failed"]


def test_mock_durations_and_calls_that_never_answer(tmp_path):
    result = compile_with_handlers(tmp_path, """
        workflow T
          function work handler "h.work" code "handlers" timeout 60s
          table Log key id
          Work: invoke work
            timeout 20s
            catch States.Timeout into $.error goto Late
          Save: dynamodb.putItem Log item { id: "x" }
            timeout 5s
            result null
            catch States.Timeout into $.error goto Late
          Done: succeed
          Late: fail TooSlow
        """, "def work(event, context=None):\n    return {}\n")
    quick = simulate(result, "T", {}, mocks={"Work": {"result": {"ok": 1}, "seconds": 3}})
    assert quick.status == "SUCCEEDED" and quick.duration_ms >= 3000
    slow_work = simulate(result, "T", {}, mocks={"Work": {"result": {}, "seconds": 30}})
    assert (slow_work.status, slow_work.error) == ("FAILED", "TooSlow")
    hung = simulate(result, "T", {}, mocks={"Work": {"wait": True}})
    assert (hung.status, hung.error) == ("FAILED", "TooSlow")
    hung_service = simulate(result, "T", {}, mocks={"Save": {"wait": True}})
    assert (hung_service.status, hung_service.error) == ("FAILED", "TooSlow")
