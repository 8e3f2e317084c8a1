"""The runtime's pieces on their own: envelopes and keys, configuration loading, the tracking table (claims,
joins), the Lambda entry point (HTTP starts, partial batches, deferred messages), integrations, JSONata."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.sqs import simulator
from flowc.targets.sqs.runtime import integrations, jsonata_eval
from flowc.targets.sqs.runtime.envelope import Envelope, Frame, Line, join_id
from flowc.targets.sqs.runtime.flow import Flow, substitute
from flowc.targets.sqs.runtime.semantics import StatesError
from flowc.targets.sqs.runtime.store import Store

from tests.helpers import WORKFLOWS


# -- envelopes ------------------------------------------------------------------------------------------------
def test_envelopes_round_trip_and_keys_name_one_step():
    line = Line("Orders", "e1", (Frame("j1", 2, 5, 2),), hop=3, vars={"x": 1}, started="2026-01-01T00:00:00Z",
                trace="t", deadline=10.5)
    env = Envelope("run", line, "Charge", 1, [1, 0], {"a": [1, 2.5]}, resume_at=99.0, extra={"waited": True})
    again = Envelope.from_json(env.to_json())
    assert again.to_dict() == env.to_dict() and again.key == env.key
    keys = {env.key, Envelope("run", line, "Charge", 2).key, Envelope("run", line.next_hop(), "Charge", 1).key,
            Envelope("run", Line("Orders", "e1", (Frame("j1", 3),), hop=3), "Charge", 1).key,
            Envelope("child", line, "Charge", 1).key}
    assert len(keys) == 5
    assert join_id(line, "M", 0) != join_id(line, "M", 1) != join_id(line.next_hop(), "M", 1)


def test_not_an_envelope_is_refused():
    for body in ('{"v": 2, "kind": "run"}', '{"kind": "run"}', '{"v": 1, "kind": "other"}'):
        with pytest.raises(ValueError):
            Envelope.from_json(body)


def test_substitution_is_textual_and_json_safe():
    text = json.dumps({"TableName": "${T}", "Other": "${Unknown}", "Both": "x-${T}"})
    assert json.loads(substitute(text, {"T": 'a"b'})) == {"TableName": 'a"b', "Other": "${Unknown}", "Both": 'x-a"b'}


def test_flow_index_and_limits():
    flow = Flow({"workflow": "W", "type": "EXPRESS", "ingress": "WIngressQueue", "steps": {"T": {"queue": "WTQueue"}},
                 "definition": {"StartAt": "P", "States": {
                     "P": {"Type": "Parallel", "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task",
                                                                                             "Resource": "x", "End": True}}}],
                           "End": True}}}})
    assert flow.owner == {"P": None, "T": "P"}
    assert flow.queue_for("T") == "WTQueue" and flow.queue_for("P") == "WIngressQueue"
    assert flow.max_duration == 300 and flow.deadline_timer
    with pytest.raises(ValueError, match="used twice"):
        Flow({"workflow": "W", "ingress": "I", "definition": {"StartAt": "A", "States": {
            "A": {"Type": "Parallel", "Branches": [{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}],
                  "End": True}}}})


# -- the tracking table ------------------------------------------------------------------------------------------
class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def now(self) -> float:
        return self.t


@pytest.fixture
def store():
    import boto3
    from moto import mock_aws

    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
        ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                         AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                               {"AttributeName": "sk", "AttributeType": "S"}])
        yield Store(ddb, "t", Clock())


def test_claims_make_a_step_run_once(store):
    first = store.claim("W/e", "k1", state="A", lease_seconds=10)
    assert first.outcome == "new"
    assert store.claim("W/e", "k1", state="A", lease_seconds=10).outcome == "busy"  # a concurrent duplicate
    assert store.record_result("W/e", "k1", first.owner, {"result": {"x": 1}})
    store.clock.t += 11  # the first invocation was killed: its lease ran out
    second = store.claim("W/e", "k1", state="A", lease_seconds=10)
    assert second.outcome == "taken_over" and second.previous["phase"] == "result"
    assert not store.mark_done("W/e", "k1", first.owner)  # the killed owner has lost the step
    assert store.mark_done("W/e", "k1", second.owner)
    assert store.claim("W/e", "k1", state="A", lease_seconds=10).outcome == "done"


def test_a_released_claim_is_taken_over_at_once_and_keeps_its_outcome(store):
    claim = store.claim("W/e", "k2", state="A", lease_seconds=10)
    store.release("W/e", "k2", claim.owner)
    again = store.claim("W/e", "k2", state="A", lease_seconds=10)
    assert again.outcome == "taken_over" and again.previous["phase"] == "claimed"  # nothing recorded: run again
    assert store.record_result("W/e", "k2", again.owner, {"result": 1}) == {"result": 1}
    assert store.record_result("W/e", "k2", again.owner, {"error": "late"}) == {"result": 1}  # the first one wins
    store.release("W/e", "k2", again.owner)
    third = store.claim("W/e", "k2", state="A", lease_seconds=10)
    assert third.previous["phase"] == "result" and json.loads(third.previous["outcome"]) == {"result": 1}
    assert store.record_result("W/e", "k2", claim.owner, {"result": 2}) is None  # not the owner any more


def test_joins_count_each_iteration_once_and_rank_them(store):
    assert store.create_join("W/e", "j", kind="Map", state="M", total=3, context={"raw": 1}, concurrency=1,
                             deferred=True)
    assert not store.create_join("W/e", "j", kind="Map", state="M", total=3, context={"raw": 2})
    assert store.join_context("W/e", "j") == {"raw": 1}
    written, join = store.report("W/e", "j", 2, output={"v": 2.5})
    assert written and join == {"seq": {"2": 1}, "done": 1, "results": {"2": '{"v":2.5}'}, "status": "OPEN"}
    written, join = store.report("W/e", "j", 2, output={"v": "again"})
    assert not written and join["done"] == 1 and json.loads(join["results"]["2"]) == {"v": 2.5}
    written, join = store.report("W/e", "j", 0, error={"Error": "E", "Cause": "c"})
    assert join["seq"] == {"0": 2} and join["failed"] == 1 and json.loads(join["errors"]["0"])["Error"] == "E"
    store.report("W/e", "j", 1, output=None)
    join = store.join_state("W/e", "j")
    assert join["seq"] == {"2": 1, "0": 2, "1": 3} and join["failed"] == 1 and join["total"] == 3
    assert store.close_join("W/e", "j", "DONE", 1) and not store.close_join("W/e", "j", "DONE", 1)
    assert not store.report("W/e", "j", 1, output=None)[0]


def test_executions_finish_once(store):
    assert store.create_execution("W/e", workflow="W", name="e", input={"a": 1}, started="s", deadline=None,
                                  parent=None, trace="t")
    assert not store.create_execution("W/e", workflow="W", name="e", input={"a": 2}, started="s", deadline=None,
                                      parent=None, trace="t")
    assert store.finish_execution("W/e", "SUCCEEDED", output={"ok": 1})["status"] == "SUCCEEDED"
    assert store.finish_execution("W/e", "SUCCEEDED", output={"ok": 1}) is not None  # the same ending, repeated
    assert store.finish_execution("W/e", "FAILED", error="E") is None
    assert store.execution("W/e")["output"] == '{"ok":1}'


# -- the Lambda entry point ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def onboarding():
    return analyse([WORKFLOWS / "member_onboarding.flow"])


@pytest.fixture
def stack(onboarding):
    dep = simulator.deployment(onboarding)
    sim = simulator._Simulation(onboarding, dep, handlers=None, mocks=None, seed=0, faults=None,
                                start=simulator.DEFAULT_START)
    with simulator._moto(sim.clock):
        sim.create_resources()
        yield sim


def test_http_start_writes_the_record_and_queues_the_start(stack):
    app = stack.app("MemberOnboardingIngressFunction")
    response = app.handle({"version": "2.0", "routeKey": "POST /github/member", "requestContext": {},
                           "body": json.dumps({"action": "member_added"}), "isBase64Encoded": False}, None)
    assert response["statusCode"] == 200
    arn = json.loads(response["body"])["executionArn"]
    name = arn.rsplit(":", 1)[-1]
    assert ":execution:flowc-sim-MemberOnboarding:" in arn
    assert stack.status("MemberOnboarding", name)["status"] == "RUNNING"
    sqs = stack.client("sqs")
    (msg,) = sqs.receive_message(QueueUrl=stack.dep.ref("MemberOnboardingIngressQueue"))["Messages"]
    start = Envelope.from_json(msg["Body"])
    assert (start.kind, start.line.execution, start.input) == ("start", name, {"action": "member_added"})
    bad = app.handle({"version": "2.0", "routeKey": "POST /github/member", "requestContext": {}, "body": "{nope"}, None)
    assert bad["statusCode"] == 400


def _record(body: str, *, sent: float, count: int = 1) -> dict[str, Any]:
    return {"messageId": "m1", "receiptHandle": "r", "body": body, "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:MemberOnboardingIngressQueue",
            "attributes": {"ApproximateReceiveCount": str(count), "SentTimestamp": str(int(sent * 1000))}}


def test_a_batch_reports_only_its_failed_records(stack):
    app = stack.app("MemberOnboardingIngressFunction")
    response = app.handle({"Records": [_record("garbage", sent=stack.clock.now())]}, None)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m1"}]}


def test_messages_not_due_are_kept_invisible_or_re_sent(stack, monkeypatch):
    app = stack.app("MemberOnboardingIngressFunction")
    calls: list[tuple[str, dict]] = []

    class FakeSqs:
        def change_message_visibility(self, **kw):
            calls.append(("visibility", kw))

        def send_message(self, **kw):
            calls.append(("send", kw))

    monkeypatch.setattr(app.services, "client", lambda name: FakeSqs())
    now = stack.clock.now()
    line = Line("MemberOnboarding", "e", started="x")
    far = Envelope("run", line, "CheckEvent", input={}, resume_at=now + 86400).to_json()
    assert app.sqs_record(_record(far, sent=now - 600), None) is False  # stays in the queue, invisible
    assert calls[-1][0] == "visibility" and 40000 < calls[-1][1]["VisibilityTimeout"] <= 43200 - 600
    old = _record(far, sent=now - 43000)  # too close to SQS's 12 h limit: re-sent with a delay
    assert app.sqs_record(old, None) is True and calls[-1] == ("send", {
        "QueueUrl": calls[-1][1]["QueueUrl"], "MessageBody": far, "DelaySeconds": 900})
    near = Envelope("run", line, "CheckEvent", input={}, resume_at=now + 42.2).to_json()
    # whole seconds rounded down: the function waits the last 0.2 s itself when it arrives (issue 13 item 6)
    assert app.sqs_record(_record(near, sent=now), None) is True and calls[-1][1]["DelaySeconds"] == 42


# -- integrations -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("resource, expect", [
    ("arn:aws:states:::dynamodb:putItem", ("service", "dynamodb", "putItem", "request")),
    ("arn:aws:states:::states:startExecution.sync:2", ("service", "states", "startExecution", "sync2")),
    ("arn:aws:states:::sqs:sendMessage.waitForTaskToken", ("service", "sqs", "sendMessage", "callback")),
    ("arn:aws:states:::aws-sdk:s3:listObjectsV2", ("aws-sdk", "s3", "listObjectsV2", "request")),
    ("arn:aws-cn:states:::sns:publish", ("service", "sns", "publish", "request")),
    ("arn:aws:lambda:us-east-1:123456789012:function:f:live", ("lambda", "lambda", "function", "request")),
    ("flowc:function:f", ("lambda", "lambda", "function", "request")),
])
def test_resources_are_parsed(resource, expect):
    r = integrations.parse_resource(resource)
    assert (r.kind, r.service, r.action, r.mode) == expect


def test_service_errors_are_named_like_step_functions():
    from botocore.exceptions import ClientError

    err = integrations.client_error("dynamodb", ClientError(
        {"Error": {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"},
         "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "r1"}}, "PutItem"))
    assert err.error == "DynamoDB.ConditionalCheckFailedException"
    assert err.cause.startswith("The conditional request failed (Service: DynamoDB; Status Code: 400;")
    assert integrations.error_name("s3", "NoSuchKey") == "S3.NoSuchKeyException"
    assert integrations.client_error("sns", OSError("boom")).error == "States.TaskFailed"


def test_json_bodies_are_sent_as_compact_text():
    sent: dict[str, Any] = {}

    class Client:
        def publish(self, **kw):
            sent.update(kw)
            return {"MessageId": "1", "ResponseMetadata": {"RequestId": "x"}}

    class Services:
        def client(self, name):
            return Client()

    result = integrations.call_service(Services(), integrations.parse_resource("arn:aws:states:::sns:publish"),
                                       {"TopicArn": "t", "Message": {"a": [1, "é"]}})
    assert sent["Message"] == '{"a":[1,"é"]}' and result == {"MessageId": "1"}


# -- JSONata ----------------------------------------------------------------------------------------------------------
def test_jsonata_templates():
    states = {"input": {"items": [{"p": 2}, {"p": 3}]}, "context": {"Execution": {"Name": "e"}}}
    template = {"total": "{% $sum($states.input.items.p) %}", "lit": "{ not % an expression",
                "nested": ["{% $states.context.Execution.Name %}", 1], "var": "{% $rate * 2 %}"}
    assert jsonata_eval.render(template, states, {"rate": 1.5}) == {
        "total": 5, "lit": "{ not % an expression", "nested": ["e", 1], "var": 3}
    with pytest.raises(StatesError) as caught:
        jsonata_eval.evaluate("{% $undefinedfn( %}", states)
    assert caught.value.error == "States.QueryEvaluationError"
