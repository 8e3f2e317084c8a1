"""Spec conformance of flowc's ASL interpreter on the tricky parts (states-language.net and the AWS developer
guide), each also run on moto's interpreter where moto follows AWS (`SNIPPETS`, compared by the harness)."""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
from flowc.targets.asl.interpreter import FunctionSpec, Interpreter, RunAborted, TaskRunner
from flowc.targets.local import send_task_success

from tests.interpreter.harness import run_on_flowc, run_on_moto, same


def run(definition: dict[str, Any], data: Any = None, *, seed: int = 0, type: str = "STANDARD",
        **runner: Any):
    interp = Interpreter(TaskRunner(**runner), seed=seed)
    interp.add_machine("T", definition, type=type)
    return interp.run("T", {} if data is None else data)


def fn(handler, name: str = "f", **kw: Any) -> dict[str, FunctionSpec]:
    return {name: FunctionSpec(name, handler, **kw)}


LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function:f"


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": LAMBDA, "End": True, **fields}


def one(state: dict[str, Any]) -> dict[str, Any]:
    return {"StartAt": "S", "States": {"S": state}}


def waits(run_result) -> list[float]:
    """Virtual seconds between consecutive Lambda attempts (the retry delays)."""
    stamps = [e["timestamp"] for e in run_result.events if e["type"] == "LambdaFunctionScheduled"]
    import datetime

    times = [datetime.datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp() for s in stamps]
    return [round(b - a - 0.05, 3) for a, b in itertools.pairwise(times)]


def failing(times: int, error: str = "Boom", result: Any = None):
    calls = {"n": 0}

    class Failure(Exception):
        error_type = error

    def handler(event, context=None):
        calls["n"] += 1
        if calls["n"] <= times:
            raise Failure(f"attempt {calls['n']}")
        return result if result is not None else {"ok": True}
    handler.calls = calls  # type: ignore[attr-defined]
    return handler


# -- ResultPath ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("result_path, expected", [
    ("$", {"r": 1}),
    (None, {"a": {"b": 1}}),
    ("$.a.c", {"a": {"b": 1, "c": {"r": 1}}}),
    ("$.new.deep", {"a": {"b": 1}, "new": {"deep": {"r": 1}}}),
    ("$.a.b", {"a": {"b": {"r": 1}}}),
])
def test_result_path_merges_into_the_raw_input(result_path, expected):
    state = {"Type": "Pass", "Result": {"r": 1}, "ResultPath": result_path, "End": True}
    assert run(one(state), {"a": {"b": 1}}).output == expected


def test_result_path_into_a_non_object_is_a_result_path_match_failure():
    state = {"Type": "Pass", "Result": 1, "ResultPath": "$.a.b", "End": True}
    r = run(one(state), {"a": "text"})
    assert (r.status, r.error) == ("FAILED", "States.ResultPathMatchFailure")


def test_input_path_parameters_result_selector_output_path_order():
    state = task(InputPath="$.in", Parameters={"v.$": "$.x"}, ResultSelector={"got.$": "$.echo.v"},
                 ResultPath="$.in.res", OutputPath="$.in")
    r = run(one(state), {"in": {"x": 7}, "drop": 1}, functions=fn(lambda e, c: {"echo": e}))
    assert r.output == {"x": 7, "res": {"got": 7}}


# -- the context object ----------------------------------------------------------------------------------------
def test_map_item_index_and_value_in_item_selector():
    state = {"Type": "Map", "ItemsPath": "$.xs", "End": True,
             "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value", "k.$": "$.k"},
             "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}
    assert run(one(state), {"xs": ["a", "b"], "k": 9}).output == [{"i": 0, "v": "a", "k": 9},
                                                                  {"i": 1, "v": "b", "k": 9}]


def test_context_object_is_populated():
    state = {"Type": "Pass", "Parameters": {"ctx.$": "$$"}, "End": True}
    ctx = run(one(state), {"x": 1}).output["ctx"]
    assert ctx["Execution"]["Input"] == {"x": 1}
    assert ctx["Execution"]["StartTime"] == "2026-01-01T00:00:00Z"
    assert ctx["State"] == {"EnteredTime": "2026-01-01T00:00:00Z", "Name": "S", "RetryCount": 0}
    assert ctx["StateMachine"]["Name"] == "T"
    assert ctx["Execution"]["Id"].startswith("arn:aws:states:us-east-1:123456789012:execution:T:")


def test_retry_count_in_the_context():
    state = task(Parameters={"n.$": "$$.State.RetryCount"},
                 Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 3}])
    seen = []
    handler = failing(2)

    def spy(event, context=None):
        seen.append(event["n"])
        return handler(event, context)
    assert run(one(state), functions=fn(spy)).status == "SUCCEEDED"
    assert seen == [0, 1, 2]


# -- Catch -----------------------------------------------------------------------------------------------------
def test_catch_result_path_merges_the_error_output_into_the_input():
    definition = {"StartAt": "S", "States": {
        "S": {"Type": "Task", "Resource": LAMBDA, "Next": "N",
              "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.err", "Next": "H"}]},
        "N": {"Type": "Succeed"}, "H": {"Type": "Pass", "End": True}}}
    r = run(definition, {"keep": 1}, functions=fn(failing(9, "Oops")))
    assert r.output["keep"] == 1
    assert r.output["err"]["Error"] == "Oops"
    assert json.loads(r.output["err"]["Cause"])["errorMessage"] == "attempt 1"


def test_catch_without_result_path_replaces_the_input_with_the_error_output():
    definition = {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "H", "Catch": [{"ErrorEquals": ["E"], "Next": "H"}],
              "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}]},
        "H": {"Type": "Pass", "End": True}}}
    r = run(definition, {"x": 1})
    assert r.output == {"Error": "E", "Cause": "C"}
    assert r.states_entered == ["P", "F", "H"]


def test_states_all_does_not_catch_states_runtime():
    state = task(InputPath="$.missing", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}])
    state.pop("End")
    state["Next"] = "H"
    definition = {"StartAt": "S", "States": {"S": state, "H": {"Type": "Pass", "End": True}}}
    r = run(definition, {}, functions=fn(lambda e, c: 1))
    assert (r.status, r.error) == ("FAILED", "States.Runtime")
    assert r.cause.startswith("An error occurred while executing the state 'S' (entered at the event id #2).")


def test_first_matching_catcher_wins_and_task_failed_skips_timeouts():
    catchers = [{"ErrorEquals": ["States.TaskFailed"], "Next": "A"}, {"ErrorEquals": ["States.ALL"], "Next": "B"}]
    for handler, target in ((failing(9, "Any"), "A"),):
        state = task(Catch=catchers)
        state.pop("End")
        state["Next"] = "A"
        definition = {"StartAt": "S", "States": {"S": state, "A": {"Type": "Pass", "End": True},
                                                 "B": {"Type": "Pass", "End": True}}}
        assert run(definition, functions=fn(handler)).states_entered == ["S", target]
    # a timeout is States.Timeout, which States.TaskFailed does not match: the States.ALL catcher takes it
    state = task(Catch=catchers, TimeoutSeconds=1)
    state.pop("End")
    state["Next"] = "A"
    definition = {"StartAt": "S", "States": {"S": state, "A": {"Type": "Pass", "End": True},
                                             "B": {"Type": "Pass", "End": True}}}
    slow = lambda e, c: 1  # noqa: E731
    slow.flowc_duration = lambda: 5.0  # type: ignore[attr-defined]
    r = run(definition, functions=fn(slow))
    assert r.states_entered == ["S", "B"]
    assert r.output == {"Error": "States.Timeout", "Cause": ""}


# -- Retry -----------------------------------------------------------------------------------------------------
def test_max_attempts_zero_never_retries():
    handler = failing(1)
    state = task(Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 0}, {"ErrorEquals": ["States.ALL"],
                                                                      "MaxAttempts": 2}])
    r = run(one(state), functions=fn(handler))
    # the first matching retrier decides: it allows no retry, and later retriers are not consulted
    assert (r.status, r.error, handler.calls["n"]) == ("FAILED", "Boom", 1)


def test_backoff_rate_is_capped_by_max_delay_seconds():
    state = task(Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 2, "BackoffRate": 3, "MaxAttempts": 5,
                         "MaxDelaySeconds": 30}])
    r = run(one(state), functions=fn(failing(5)))
    assert r.status == "SUCCEEDED"
    assert waits(r) == [2.0, 6.0, 18.0, 30.0, 30.0]
    assert r.billed.state_transitions == 1 + 5  # each retry is a billed transition


def test_full_jitter_is_deterministic_by_seed():
    state = task(Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 10, "MaxAttempts": 3, "JitterStrategy": "FULL"}])
    a = waits(run(one(state), seed=7, functions=fn(failing(3))))
    b = waits(run(one(state), seed=7, functions=fn(failing(3))))
    c = waits(run(one(state), seed=8, functions=fn(failing(3))))
    assert a == b != c
    assert all(0 <= d <= cap for d, cap in zip(a, [10, 20, 40], strict=True))


def test_retriers_count_attempts_separately():
    handler = failing(3, "A")
    state = task(Retry=[{"ErrorEquals": ["A"], "MaxAttempts": 2, "IntervalSeconds": 1},
                        {"ErrorEquals": ["States.ALL"], "MaxAttempts": 5}])
    r = run(one(state), functions=fn(handler))
    assert (r.status, r.error, handler.calls["n"]) == ("FAILED", "A", 3)


# -- Choice ----------------------------------------------------------------------------------------------------
def test_choice_with_no_match_and_no_default_fails_with_no_choice_matched():
    state = {"Type": "Choice", "Choices": [{"Variable": "$.a", "NumericEquals": 1, "Next": "S"}]}
    r = run({"StartAt": "C", "States": {"C": state, "S": {"Type": "Succeed"}}}, {"a": 2})
    assert (r.status, r.error) == ("FAILED", "States.NoChoiceMatched")


def test_choice_rule_assign_and_default():
    state = {"Type": "Choice", "Default": "D", "Assign": {"path": "default"},
             "Choices": [{"Variable": "$.a", "NumericGreaterThan": 1, "Next": "S", "Assign": {"path": "big"}}]}
    definition = {"StartAt": "C", "States": {"C": state, "S": {"Type": "Pass", "Parameters": {"p.$": "$path"},
                                                               "End": True},
                                             "D": {"Type": "Pass", "Parameters": {"p.$": "$path"}, "End": True}}}
    assert run(definition, {"a": 5}).output == {"p": "big"}
    assert run(definition, {"a": 0}).output == {"p": "default"}


# -- payload size ----------------------------------------------------------------------------------------------
def test_a_result_over_256_kib_is_data_limit_exceeded_and_not_caught_by_states_all():
    state = task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "H"}])
    state.pop("End")
    state["Next"] = "H"
    definition = {"StartAt": "S", "States": {"S": state, "H": {"Type": "Pass", "End": True}}}
    r = run(definition, functions=fn(lambda e, c: {"blob": "x" * 300_000}))
    assert (r.status, r.error) == ("FAILED", "States.DataLimitExceeded")


def test_an_output_just_under_the_limit_passes():
    r = run(one(task()), functions=fn(lambda e, c: "x" * (262_144 - 10)))
    assert r.status == "SUCCEEDED"


# -- intrinsic functions ---------------------------------------------------------------------------------------
def test_intrinsic_edge_cases():
    state = {"Type": "Pass", "End": True, "Parameters": {
        "fmt.$": "States.Format('{} \\{\\} {}', $.a, $.b)",
        "arr.$": "States.Array($.a, States.ArrayLength($.list))",
        "merged.$": "States.JsonMerge($.o1, $.o2, false)",
        "range.$": "States.ArrayRange(1, 9, 3)",
        "part.$": "States.ArrayPartition($.list, 2)",
        "uniq.$": "States.ArrayUnique($.dups)",
        "hash.$": "States.Hash('abc', 'SHA-256')",
        "b64.$": "States.Base64Encode('hé')",
        "json.$": "States.JsonToString($.o1)",
        "split.$": "States.StringSplit('a,,b', ',')",
        "add.$": "States.MathAdd(2147483646, 1)",
        "seeded.$": "States.MathRandom(1, 100, 42)",
    }}
    out = run(one(state), {"a": "x", "b": [1, 2], "list": [1, 2, 3], "o1": {"k": {"a": 1}}, "o2": {"k": {"b": 2}},
                           "dups": [1, 1, {"a": 1}, {"a": 1}]}).output
    assert out["fmt"] == "x {} [1, 2]"
    assert out["arr"] == ["x", 3]
    assert out["merged"] == {"k": {"b": 2}}  # shallow merge: the second wins
    assert out["range"] == [1, 4, 7]
    assert out["part"] == [[1, 2], [3]]
    assert out["uniq"] == [1, {"a": 1}]
    assert out["hash"] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert out["b64"] == "aMOp"
    assert out["json"] == '{"k":{"a":1}}'
    assert out["split"] == ["a", "b"]
    assert out["add"] == 2147483647
    assert out["seeded"] == run(one(state), {"a": "x", "b": [1, 2], "list": [1, 2, 3], "o1": {}, "o2": {},
                                             "dups": []}).output["seeded"]


def test_intrinsic_failure_is_catchable():
    state = {"Type": "Pass", "Parameters": {"v.$": "States.ArrayGetItem($.xs, 5)"}, "Next": "N",
             "Catch": [{"ErrorEquals": ["States.IntrinsicFailure"], "Next": "H"}]}
    definition = {"StartAt": "S", "States": {"S": state, "N": {"Type": "Succeed"},
                                             "H": {"Type": "Pass", "End": True}}}
    r = run(definition, {"xs": [1]})
    # Pass states have no Catch in ASL: the failure ends the execution
    assert (r.status, r.error) == ("FAILED", "States.IntrinsicFailure")


def test_uuid_and_math_random_are_seeded():
    state = {"Type": "Pass", "Parameters": {"u.$": "States.UUID()", "r.$": "States.MathRandom(0, 1000)"},
             "End": True}
    assert run(one(state), seed=3).output == run(one(state), seed=3).output
    assert run(one(state), seed=3).output != run(one(state), seed=4).output


# -- time ------------------------------------------------------------------------------------------------------
def test_a_one_day_wait_costs_no_wall_time():
    started = time.perf_counter()
    r = run(one({"Type": "Wait", "Seconds": 86_400, "End": True}))
    assert r.duration_ms == 86_400_000
    assert time.perf_counter() - started < 60  # a real sleep would take a day; no tighter bound under CI load


def test_wait_until_a_timestamp_and_from_paths():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Wait", "TimestampPath": "$.at", "Next": "B"},
        "B": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}}
    r = run(definition, {"at": "2026-01-01T01:00:00Z", "s": 30})
    assert r.duration_ms == 3_630_000


def test_task_timeout():
    slow = lambda e, c: 1  # noqa: E731
    slow.flowc_duration = lambda: 100.0  # type: ignore[attr-defined]
    r = run(one(task(TimeoutSeconds=10)), functions=fn(slow, timeout_s=900))
    assert (r.status, r.error, r.duration_ms) == ("FAILED", "States.Timeout", 10_000)
    assert [e["type"] for e in r.events][-2:] == ["LambdaFunctionTimedOut", "ExecutionFailed"]


def test_lambda_function_timeout_is_sandbox_timedout():
    slow = lambda e, c: 1  # noqa: E731
    slow.flowc_duration = lambda: 5.0  # type: ignore[attr-defined]
    r = run(one(task()), functions=fn(slow, timeout_s=3))
    assert (r.status, r.error) == ("FAILED", "Sandbox.Timedout")


def test_execution_timeout_is_timed_out():
    r = run({"StartAt": "W", "TimeoutSeconds": 60, "States": {"W": {"Type": "Wait", "Seconds": 3600, "End": True}}})
    assert (r.status, r.error, r.duration_ms) == ("TIMED_OUT", "States.Timeout", 60_000)
    assert r.events[-1]["type"] == "ExecutionTimedOut"


def test_map_max_concurrency_bounds_virtual_time():
    state = {"Type": "Map", "ItemsPath": "$", "MaxConcurrency": 2, "End": True,
             "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 10, "End": True}}}}
    assert run(one(state), list(range(6))).duration_ms == 30_000
    state["MaxConcurrency"] = 0
    assert run(one(state), list(range(6))).duration_ms == 10_000


def test_parallel_branches_run_concurrently_and_a_failure_aborts_the_others():
    definition = one({"Type": "Parallel", "End": True, "Branches": [
        {"StartAt": "Slow", "States": {"Slow": {"Type": "Wait", "Seconds": 100, "End": True}}},
        {"StartAt": "Bad", "States": {"Bad": {"Type": "Fail", "Error": "X", "Cause": "y"}}}]})
    r = run(definition)
    assert (r.status, r.error, r.cause, r.duration_ms) == ("FAILED", "X", "y", 0)
    assert "WaitStateAborted" in [e["type"] for e in r.events]


# -- Map tolerance and Distributed Map ---------------------------------------------------------------------------
def distributed(**fields: Any) -> dict[str, Any]:
    return one({"Type": "Map", "ItemsPath": "$", "End": True, **fields,
                "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                                  "StartAt": "W", "States": {"W": {"Type": "Task", "Resource": LAMBDA,
                                                                   "End": True}}}})


def test_distributed_map_tolerated_failures():
    def handler(event, context=None):
        if event % 3 == 0:
            raise ValueError("multiple of three")
        return event
    ok = run(distributed(ToleratedFailureCount=4), list(range(10)), functions=fn(handler))
    assert ok.status == "SUCCEEDED" and ok.output[1] == 1
    bad = run(distributed(ToleratedFailurePercentage=20), list(range(10)), functions=fn(handler))
    assert (bad.status, bad.error) == ("FAILED", "States.ExceedToleratedFailureThreshold")
    assert bad.billed.executions_started >= 1


def test_distributed_map_reader_and_batcher_with_mocks():
    definition = distributed(ItemReader={"Resource": "arn:aws:states:::s3:getObject",
                                         "ReaderConfig": {"InputType": "JSON"},
                                         "Parameters": {"Bucket": "b", "Key": "k"}},
                             ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"src": "s3"}})
    r = run(definition, {}, mocks={"S.ItemReader": {"result": [1, 2, 3]}},
            functions=fn(lambda e, c: {"n": len(e["Items"]), "src": e["BatchInput"]["src"]}))
    assert r.output == [{"n": 2, "src": "s3"}, {"n": 1, "src": "s3"}]


# -- child executions ---------------------------------------------------------------------------------------------
def test_start_execution_sync_returns_text_and_sync2_json():
    interp = Interpreter(TaskRunner())
    child = interp.add_machine("Child", one({"Type": "Pass", "Result": {"v": 1}, "End": True}))
    for suffix, output in ((".sync", '{"v":1}'), (".sync:2", {"v": 1})):
        parent = interp.add_machine("P" + suffix.replace(":", ""), one({
            "Type": "Task", "Resource": f"arn:aws:states:::states:startExecution{suffix}",
            "Parameters": {"StateMachineArn": child.arn, "Input": {"a": 1}}, "End": True}))
        r = interp.run(parent, {})
        assert r.status == "SUCCEEDED"
        assert r.output["Output"] == output and r.output["Status"] == "SUCCEEDED"
        assert r.billed.executions_started == 1 and r.billed.state_transitions == 2


# -- callbacks --------------------------------------------------------------------------------------------------
def callback_definition(**fields: Any) -> dict[str, Any]:
    return one({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": True,
                "Parameters": {"FunctionName": LAMBDA, "Payload": {"token.$": "$$.Task.Token"}}, **fields})


def test_a_handler_answers_a_callback_with_send_task_success():
    def handler(event, context=None):
        send_task_success(event["token"], {"approved": True}, delay=3600)
    r = run(callback_definition(), functions=fn(handler))
    assert (r.status, r.output, r.duration_ms) == ("SUCCEEDED", {"approved": True}, 3_600_050)


def test_a_handler_answers_with_boto3_like_deployed_code():
    import boto3

    def handler(event, context=None):
        sfn = boto3.client("stepfunctions", region_name="us-east-1", aws_access_key_id="x",
                           aws_secret_access_key="x")
        sfn.send_task_success(taskToken=event["token"], output=json.dumps({"via": "boto3"}))
    r = run(callback_definition(), functions=fn(handler))
    assert (r.status, r.output) == ("SUCCEEDED", {"via": "boto3"})


def test_a_mock_is_the_callback_and_wait_means_no_answer():
    assert run(callback_definition(), mocks={"S": {"result": {"ok": 1}}}).output == {"ok": 1}
    failed = run(callback_definition(), mocks={"S": {"error": "Rejected", "cause": "no"}})
    assert (failed.status, failed.error, failed.cause) == ("FAILED", "Rejected", "no")
    waiting = run(callback_definition(), mocks={"S": {"wait": True}})
    assert waiting.status == "RUNNING"
    timed = run(callback_definition(HeartbeatSeconds=60), mocks={"S": {"wait": True}})
    assert (timed.status, timed.error, timed.duration_ms) == ("FAILED", "States.HeartbeatTimeout", 60_000)


def test_callbacks_from_outside_the_run():
    interp = Interpreter(TaskRunner(functions=fn(lambda e, c: None)))
    machine = interp.add_machine("T", callback_definition())
    first = interp.run(machine, {})
    assert first.status == "RUNNING" and len(interp.waiting_tokens) == 1
    interp.send_task_success(interp.waiting_tokens[0], {"late": True})
    interp.resume()
    assert interp.executions[0].result().output == {"late": True}


# -- the rest ------------------------------------------------------------------------------------------------------
def test_a_task_without_handler_or_mock_stops_the_run():
    with pytest.raises(RunAborted, match=r"arn:aws:states:::batch:submitJob\.sync"):
        run(one({"Type": "Task", "Resource": "arn:aws:states:::batch:submitJob.sync", "End": True}))


def test_history_events_have_aws_shapes_and_links():
    r = run(one(task(Retry=[{"ErrorEquals": ["Boom"], "IntervalSeconds": 1}])), functions=fn(failing(1)))
    types = [e["type"] for e in r.events]
    assert types == ["ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                     "LambdaFunctionFailed", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                     "LambdaFunctionSucceeded", "TaskStateExited", "ExecutionSucceeded"]
    assert [e["id"] for e in r.events] == list(range(1, 11))
    assert all(e["previousEventId"] == e["id"] - 1 for e in r.events[1:])
    assert r.events[1]["stateEnteredEventDetails"] == {"name": "S", "input": "{}", "inputDetails": {"truncated": False}}
    assert r.events[4]["lambdaFunctionFailedEventDetails"]["error"] == "Boom"


def test_express_billing():
    r = run(one({"Type": "Wait", "Seconds": 1, "Next": "P"}) | {"States": {
        "S": {"Type": "Wait", "Seconds": 1, "Next": "P"}, "P": {"Type": "Pass", "End": True}}}, type="EXPRESS")
    assert r.billed.express_requests == 1
    assert r.billed.express_duration_ms == 1000
    assert r.billed.express_memory_mb == 64
    assert r.billed.state_transitions == 0


def test_jsonata_states_variables_and_outputs():
    definition = {"QueryLanguage": "JSONata", "StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"total": "{% $sum($states.input.xs) %}"}, "Output": {"n": 1}, "Next": "B"},
        "B": {"Type": "Choice", "Choices": [{"Condition": "{% $total > 5 %}", "Next": "Big",
                                             "Output": "{% {'t': $total} %}"}], "Default": "Small"},
        "Big": {"Type": "Pass", "End": True}, "Small": {"Type": "Succeed"}}}
    assert run(definition, {"xs": [1, 2, 3]}).output == {"t": 6}
    assert run(definition, {"xs": [1]}).states_entered == ["A", "B", "Small"]


def test_assign_is_evaluated_before_it_is_stored():
    definition = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "B"},
        "B": {"Type": "Pass", "Assign": {"x": 2, "old.$": "$x"}, "Next": "C"},
        "C": {"Type": "Pass", "Parameters": {"x.$": "$x", "old.$": "$old"}, "End": True}}}
    assert run(definition).output == {"x": 2, "old": 1}


# -- the same snippets on moto (where moto follows AWS) --------------------------------------------------------------
SNIPPETS = {
    "result-path": one({"Type": "Pass", "Result": {"r": 1}, "ResultPath": "$.made.c", "End": True}),
    "result-path-null": one({"Type": "Pass", "Result": {"r": 1}, "ResultPath": None, "End": True}),
    "output-path": one({"Type": "Pass", "Parameters": {"x.$": "$.a"}, "ResultPath": "$.p", "OutputPath": "$.p",
                        "End": True}),
    "map-item": one({"Type": "Map", "ItemsPath": "$.xs", "End": True, "MaxConcurrency": 1,
                     "ItemSelector": {"i.$": "$$.Map.Item.Index", "v.$": "$$.Map.Item.Value"},
                     "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}),
    "catch-result-path": {"StartAt": "P", "States": {
        "P": {"Type": "Parallel", "Next": "N", "Catch": [{"ErrorEquals": ["E"], "ResultPath": "$.err", "Next": "H"}],
              "Branches": [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}]},
        "N": {"Type": "Succeed"}, "H": {"Type": "Pass", "End": True}}},
    "assign-jsonpath": {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Result": {"v": 5}, "Assign": {"x.$": "$.v"}, "Next": "B"},
        "B": {"Type": "Pass", "Parameters": {"x.$": "$x"}, "End": True}}},
    "intrinsics": one({"Type": "Pass", "End": True, "Parameters": {
        "f.$": "States.Format('{}-{}', $.a, $.n)", "l.$": "States.ArrayLength($.xs)",
        "c.$": "States.ArrayContains($.xs, 2)", "j.$": "States.StringToJson('{\"q\": 1}')"}}),
    "parallel": one({"Type": "Parallel", "End": True, "ResultSelector": {"both.$": "$[*].b"},
                     "Branches": [{"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Result": {"b": 1},
                                                                      "End": True}}},
                                  {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "Result": {"b": 2},
                                                                      "End": True}}}]}),
    "fail-paths": one({"Type": "Fail", "ErrorPath": "$.e", "CausePath": "States.Format('because {}', $.a)"}),
    "wait-seconds-path": {"StartAt": "W", "States": {"W": {"Type": "Wait", "SecondsPath": "$.n", "End": True}}},
}


FN = "${Fn_f}"
LAMBDA_SNIPPETS = {
    "catch-assign-result-path": {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "Next": "N", "Catch": [
            {"ErrorEquals": ["Boom"], "ResultPath": "$.err", "Assign": {"caught.$": "$.Error"}, "Next": "H"}]},
        "N": {"Type": "Succeed"},
        "H": {"Type": "Pass", "Parameters": {"caught.$": "$caught", "err.$": "$.err.Error"}, "End": True}}},
    "lambda-invoke": one({"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": True,
                          "Parameters": {"FunctionName": FN, "Payload": {"a.$": "$.a"}},
                          "ResultSelector": {"p.$": "$.Payload", "code.$": "$.StatusCode"}}),
    "jsonata-catch": {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "Arguments": {"a": "{% $states.input.a %}"}, "Next": "N",
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "H"}]},
        "N": {"Type": "Succeed"},
        "H": {"Type": "Pass", "Output": {"e": "{% $states.input.Error %}"}, "End": True}}},
    "map-retry": one({"Type": "Map", "ItemsPath": "$.xs", "MaxConcurrency": 1, "End": True,
                      "Retry": [{"ErrorEquals": ["Boom"], "IntervalSeconds": 1, "MaxAttempts": 2}],
                      "ResultSelector": {"n.$": "States.ArrayLength($)"}, "ResultPath": "$.r",
                      "ItemProcessor": {"StartAt": "W", "States": {"W": {"Type": "Task", "Resource": FN,
                                                                          "End": True}}}}),
    "task-retry-then-catch": {"StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": FN, "Next": "N",
              "Retry": [{"ErrorEquals": ["Other"], "MaxAttempts": 3}, {"ErrorEquals": ["Boom"], "MaxAttempts": 0}],
              "Catch": [{"ErrorEquals": ["States.TaskFailed"], "Next": "H", "ResultPath": None}]},
        "N": {"Type": "Succeed"}, "H": {"Type": "Pass", "End": True}}},
}


def flaky_once():
    calls = {"n": 0}

    class Boom(Exception):
        pass

    def handler(event, context=None):
        calls["n"] += 1
        if calls["n"] == 1:
            raise Boom("first call fails")
        return {"echo": event}
    return handler


@pytest.mark.parametrize("name", sorted(LAMBDA_SNIPPETS))
def test_lambda_snippet_agrees_with_moto(sfn_oracle, name):
    data = {"a": "x", "xs": [1, 2]}
    definition = LAMBDA_SNIPPETS[name]
    theirs = run_on_moto(sfn_oracle, definition, data, lambdas={"f": flaky_once()})
    mine, _ = run_on_flowc(definition, data, lambdas={"f": flaky_once()})
    problems = same(theirs, mine, definition)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_agrees_with_moto(sfn_oracle, name):
    data = {"a": "x", "n": 2, "xs": [1, 2], "e": "Err"}
    theirs = run_on_moto(sfn_oracle, SNIPPETS[name], data, lambdas={})
    mine, _ = run_on_flowc(SNIPPETS[name], data, lambdas={})
    problems = same(theirs, mine, SNIPPETS[name])
    assert not problems, "\n".join(problems)


def test_map_progress_is_reported_per_finished_iteration():
    interp = Interpreter(TaskRunner())
    seen: list[tuple[str, int, int]] = []
    interp.progress = lambda state, done, total: seen.append((state, done, total))
    interp.add_machine("M", one({"Type": "Map", "End": True, "ItemProcessor": {
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}))
    assert interp.run("M", list(range(3))).status == "SUCCEEDED"
    assert seen == [("S", 1, 3), ("S", 2, 3), ("S", 3, 3)]


def test_jsonata_task_without_arguments_gets_the_state_input():
    definition = {"QueryLanguage": "JSONata", "StartAt": "S", "States": {"S": {
        "Type": "Task", "Resource": LAMBDA, "End": True}}}
    assert run(definition, {"x": 1}, functions=fn(lambda e, c: {"got": e})).output == {"got": {"x": 1}}
