"""The dead-letter sweeper: the give-up path that does not depend on the failing delivery.

A message that could not be processed `maxReceiveCount` times is moved by SQS to its queue's dead-letter
queue. The runtime tries to fail the execution on that last delivery, but it cannot when the reason it failed
is DynamoDB itself (down, throttled, conflicting), when the invocation crashed, or when the step was refused
(another invocation's claim) rather than failed. Without more, the execution would stay RUNNING for ever
(unless it has a timeout). One function, `FlowcSweeperFunction`, consumes every dead-letter queue of the
deployment and, for each message, ends its execution FAILED with `flowc.DeliveryFailed` if it is still
RUNNING (notifying a parent that waits for it, as any ending does). A start message whose record was never
written gets one, FAILED, so its parent hears about it too.

Messages are kept, not consumed: after the sweep each one is hidden for 12 hours and reported back as not
processed, so the dead-letter queue still holds it (for inspection and for a redrive to its source queue)
until the queue's retention ends. A later sweep of the same message finds the execution ended and changes
nothing. The runtime's own dead-letter copies (a task failed with nothing to catch it) carry `dead_letter`:
their line already failed the normal way, and the sweeper leaves them alone. When DynamoDB still fails, the
message comes back after a few minutes and is swept again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from .envelope import Envelope

DELIVERY_FAILED = "flowc.DeliveryFailed"
KEEP_SECONDS = 43200  # SQS's longest visibility timeout: a swept message is looked at twice a day
RETRY_SECONDS = 300  # the sweep failed (DynamoDB still unavailable): try again in five minutes


class Sweeper:
    def __init__(self, engine: Any, services: Any):
        self.engine = engine
        self.services = services

    def batch(self, records: list[dict]) -> dict[str, Any]:
        """Sweep every record and keep all of them in their queue (reported as not processed)."""
        failures = []
        for record in records:
            try:
                swept = self.sweep(record)
            except Exception as err:  # DynamoDB (or SQS) still failing: the message comes back later
                self.services.emit({"type": "SweepFailed", "messageId": record.get("messageId"),
                                    "error": f"{type(err).__name__}: {err}"})
                swept = False
            self.keep(record, KEEP_SECONDS if swept else RETRY_SECONDS)
            failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}

    def sweep(self, record: dict) -> bool:
        """End the message's execution if it is still RUNNING. True when nothing is left to do for it."""
        queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        try:
            env = Envelope.from_json(record["body"])
        except (ValueError, KeyError, TypeError):
            self.services.emit({"type": "DeadLetterKept", "messageId": record.get("messageId"), "queue": queue,
                                "reason": "not a flowc envelope"})
            return True
        if "dead_letter" in env.extra:  # the runtime's copy of a failed task: its line has already failed
            return True
        line = replace(env.line, scope=())
        engine = self.engine
        store = engine.store
        if env.kind == "start" and store.execution(line.execution_key) is None:
            flow = engine.flows[line.workflow]
            store.create_execution(line.execution_key, workflow=line.workflow, name=line.execution, input=env.input,
                                   started=line.started or engine.iso(),
                                   deadline=line.deadline or engine.now + flow.max_duration,
                                   parent=env.extra.get("parent"), trace=line.trace or line.execution_key)
        what = f"state {env.state}" if env.state else f"the {env.kind} message"
        engine.fail_execution(line, DELIVERY_FAILED, f"{what} of {line.execution_key} could not be delivered: its "
                                                     f"message was moved to the dead-letter queue {queue}")
        self.services.emit({"type": "DeadLetterSwept", "workflow": line.workflow, "execution": line.execution,
                            "state": env.state, "queue": queue, "time": engine.now})
        return True

    def keep(self, record: dict, seconds: int) -> None:
        queue = str(record.get("eventSourceARN", "")).rsplit(":", 1)[-1]
        try:
            self.services.client("sqs").change_message_visibility(
                QueueUrl=self.services.queue_url_for_name(queue), ReceiptHandle=record["receiptHandle"],
                VisibilityTimeout=seconds)
        except Exception as err:  # the message is kept anyway; it only comes back sooner
            self.services.emit({"type": "KeepFailed", "messageId": record.get("messageId"),
                                "error": f"{type(err).__name__}: {err}"})
