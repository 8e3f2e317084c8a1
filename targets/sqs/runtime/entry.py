"""The Lambda entry point of every generated function: `flowc_sqs.entry.handler`.

- SQS batches (every function): each record is an envelope; the answer is a partial-batch response
  (`ReportBatchItemFailures`), so one bad message never sends its batch-mates round again. A message that is
  not due yet (a Wait, a retry delay) is put back with `ChangeMessageVisibility` (up to 12 h after it was
  sent) or re-sent with `DelaySeconds` (up to 15 min), so any delay works with at most a few receives.
- HTTP API requests, EventBridge/schedule events and direct invocations (ingress functions only): start an
  execution. The start message is sent, then the record written (so the execution id returned can be looked
  up at once; a crash in between leaves no zombie: the start message writes the record itself).
- The dead-letter queues (the sweeper function, `FLOWC_ROLE=sweeper`): end what could not be delivered.

Configuration comes from the environment: `FLOWC_WORKFLOW`, `FLOWC_ROLE` (`step` or `ingress`),
`FLOWC_STATE` (a step's task), `FLOWC_TABLE` (tracking table), `FLOWC_STACK`, `FLOWC_TIMEOUT`, one variable
per queue the function may send to, the name of the function a handler step invokes, and the deploy-time
values its task needs (table names, topic ARNs...).
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .engine import MAX_DELAY_SECONDS, MAX_VISIBILITY_SECONDS, Engine
from .envelope import Envelope, Line
from .flow import FlowRegistry
from .services import Services
from .sweeper import Sweeper

VISIBILITY_MARGIN = 60


class App:
    def __init__(self, flows: FlowRegistry, services: Services, *, workflow: str, role: str,
                 state: str | None = None, timeout: float = 60):
        self.flows = flows
        self.services = services
        self.workflow = workflow
        self.role = role
        self.engine = Engine(flows, services, state=state if role == "step" else None, timeout=timeout)
        self.sweeper = Sweeper(self.engine, services) if role == "sweeper" else None

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> App:
        env = os.environ if env is None else env
        services = Services(env=env)
        return cls(FlowRegistry(values=env), services, workflow=env.get("FLOWC_WORKFLOW", ""),
                   role=env.get("FLOWC_ROLE", "step"), state=env.get("FLOWC_STATE") or None,
                   timeout=float(env.get("FLOWC_TIMEOUT", "60")))

    # -- dispatch --------------------------------------------------------------------------------
    def handle(self, event: Any, context: Any = None) -> Any:
        self.services.learn_from_context(context)
        if isinstance(event, dict) and isinstance(event.get("Records"), list) and event["Records"] and \
                event["Records"][0].get("eventSource") == "aws:sqs":
            return self.sqs_batch(event["Records"], context)
        if self.role != "ingress":
            raise ValueError("a step function only processes SQS messages")
        if isinstance(event, dict) and "requestContext" in event and ("routeKey" in event or "httpMethod" in event):
            return self.http(event)
        return self.start(event)

    def http(self, event: dict) -> dict:
        body = event.get("body") or ""
        if event.get("isBase64Encoded"):
            body = base64.b64decode(body).decode("utf-8")
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return {"statusCode": 400, "headers": {"content-type": "application/json"},
                    "body": json.dumps({"message": "the request body must be JSON"})}
        started = self.start(data)
        return {"statusCode": 200, "headers": {"content-type": "application/json"}, "body": json.dumps(started)}

    def start(self, data: Any, *, name: str | None = None) -> dict:
        """Start an execution: write its RUNNING record, queue its start message. Like StartExecution."""
        flow = self.flows[self.workflow]
        name = name or str(uuid.uuid4())
        line = Line(workflow=self.workflow, execution=name, started=self.engine.iso(),
                    trace=f"{self.workflow}/{name}")
        deadline = self.engine.now + flow.max_duration
        line = replace(line, deadline=deadline)
        # The start message first, then the record: a crash in between cannot leave a RUNNING record that no
        # message will ever move (a zombie): the start message records the execution itself when it arrives
        # first. A failed send leaves nothing behind and the caller gets the error.
        self.services.client("sqs").send_message(QueueUrl=self.services.queue_url(flow.ingress),
                                                 MessageBody=Envelope("start", line, input=data).to_json())
        try:
            self.engine.store.create_execution(line.execution_key, workflow=self.workflow, name=name, input=data,
                                               started=line.started, deadline=deadline, parent=None,
                                               trace=line.trace)
        except Exception as err:  # started all the same: the start message will write the record
            self.services.emit({"type": "RecordDeferred", "execution": line.execution_key,
                                "error": f"{type(err).__name__}: {err}"})
        return {"executionArn": self.engine._execution_arn(self.workflow, name),
                "startDate": int(self.engine.now * 1000)}

    # -- SQS ---------------------------------------------------------------------------------------
    def sqs_batch(self, records: list[dict], context: Any) -> dict:
        if self.sweeper is not None:  # the dead-letter queues' consumer
            return self.sweeper.batch(records)
        failures: list[dict[str, str]] = []
        for record in records:
            if not self.sqs_record(record, context):
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def sqs_record(self, record: dict, context: Any) -> bool:
        """True: delete the message; False: leave it (redelivered after its visibility timeout)."""
        attributes = record.get("attributes") or {}
        receive_count = int(attributes.get("ApproximateReceiveCount", "1"))
        try:
            envelope = Envelope.from_json(record["body"])
        except (ValueError, KeyError, TypeError) as err:
            self.services.emit({"type": "PoisonMessage", "messageId": record.get("messageId"), "error": str(err)})
            return False  # kept: after maxReceiveCount deliveries SQS moves it to the dead-letter queue
        try:
            outcome = self.engine.process(envelope, receive_count=receive_count, lambda_context=context)
        except Exception as err:
            self.services.emit({"type": "ProcessingError", "messageId": record.get("messageId"),
                                "state": envelope.state, "error": f"{type(err).__name__}: {err}",
                                "receiveCount": receive_count})
            return False
        if outcome.action == "ack":
            return True
        if outcome.action == "retry":
            return False
        try:
            return self.defer(record, envelope, outcome.seconds, receive_count)
        except Exception as err:  # throttled: the message stays, and comes back after its visibility timeout
            self.services.emit({"type": "DeferFailed", "messageId": record.get("messageId"),
                                "error": f"{type(err).__name__}: {err}"})
            return False

    def defer(self, record: dict, envelope: Envelope, seconds: float, receive_count: int) -> bool:
        """A message that is not due: keep it invisible until it is, or re-send it with a delay."""
        sqs = self.services.client("sqs")
        queue_name = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        url = self.services.queue_url_for_name(queue_name)
        sent = float((record.get("attributes") or {}).get("SentTimestamp", "0")) / 1000.0
        allowed = MAX_VISIBILITY_SECONDS - (self.engine.now - sent) - VISIBILITY_MARGIN
        flow = self.flows[envelope.line.workflow]
        if seconds > MAX_DELAY_SECONDS and allowed >= MAX_DELAY_SECONDS and receive_count < flow.max_receive_count - 2:
            sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=record["receiptHandle"],
                                          VisibilityTimeout=int(min(seconds, allowed)))
            return False
        delay = max(0, min(MAX_DELAY_SECONDS, int(seconds)))  # whole seconds down; the function waits the rest
        sqs.send_message(QueueUrl=url, MessageBody=record["body"], DelaySeconds=delay)
        return True


_APP: App | None = None


def handler(event: Any, context: Any) -> Any:
    """`Handler: flowc_sqs.entry.handler` of every function flowc generates for the SQS target."""
    global _APP
    if _APP is None:
        _APP = App.from_environment()
    return _APP.handle(event, context)
