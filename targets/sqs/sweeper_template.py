"""The dead-letter sweeper in the SAM template: one function consuming every dead-letter queue.

See `runtime/sweeper.py` for what it does. Here: its event sources (one SQS event per dead-letter queue,
partial-batch responses, since every message is kept), its environment (the ingress queues of the workflows
that wait for children, so a child that could not be delivered still notifies its parent) and least
privilege: the tracking table, `sqs:ChangeMessageVisibility` on the dead-letter queues only (to keep each
message hidden between sweeps; receiving and deleting are the SQS event source's own grants), and sends to
those parents' ingress queues only.
"""

from __future__ import annotations

from typing import Any

from flowc.targets.asl.sam import getatt, ref
from flowc.targets.sqs import plan as P
from flowc.targets.sqs.sam import INLINE_CODE, PYTHON_RUNTIME

SWEEPER_FUNCTION = "FlowcSweeperFunction"
SWEEPER_TIMEOUT = 30  # s; the dead-letter queues keep SQS's default visibility timeout (30 s), which must not be less
SWEEPER_MEMORY = 128
SWEEPER_BATCH = 10


def dead_letter_queues(plan: P.ProgramPlan) -> list[str]:
    return sorted(q for wf in plan.workflows.values() for q in [wf.ingress_dlq, *(s.dlq for s in wf.steps.values())])


def sweeper_section(template: Any) -> tuple[str, dict[str, Any]]:
    """(comment, resources) for `SqsTemplate.sections`."""
    plan: P.ProgramPlan = template.plan
    dlqs = dead_letter_queues(plan)
    parents = sorted({q for wf in plan.workflows.values() for q in wf.parents.values()})
    variables: dict[str, Any] = {"FLOWC_ROLE": "sweeper", "FLOWC_TIMEOUT": str(SWEEPER_TIMEOUT),
                                 "FLOWC_TABLE": ref(P.TRACKING_TABLE), "FLOWC_STACK": ref("AWS::StackName"),
                                 "FLOWC_LOG": "info"}
    variables.update({queue: getatt(queue, "QueueName") for queue in parents})
    variables["FLOWC_LOG_DATA"] = "true" if any(wf.workflow.log_data for wf in plan.workflows.values()) else "false"
    # one explicit, versioned document: the tracking-table item actions the runtime's store uses, the sends to
    # waiting parents, and the visibility changes on the dead-letter queues it keeps messages in
    statements: list[dict[str, Any]] = [
        {"Effect": "Allow", "Action": list(template.TRACKING_ACTIONS), "Resource": getatt(P.TRACKING_TABLE, "Arn")},
        {"Effect": "Allow", "Action": ["sqs:ChangeMessageVisibility"], "Resource": [getatt(q, "Arn") for q in dlqs]}]
    if parents:
        statements.append({"Effect": "Allow", "Action": ["sqs:SendMessage"],
                           "Resource": [getatt(q, "Arn") for q in parents]})
    policies: list[Any] = [{"Version": "2012-10-17", "Statement": statements}]
    events = {f"From{dlq}": {"Type": "SQS", "Properties": {
        "Queue": getatt(dlq, "Arn"), "BatchSize": SWEEPER_BATCH, "FunctionResponseTypes": ["ReportBatchItemFailures"]}}
        for dlq in dlqs}
    function = {"Type": "AWS::Serverless::Function", "Properties": {
        "Description": "flowc: ends executions whose messages were dead-lettered (flowc.DeliveryFailed); keeps the "
                       "messages",
        "Runtime": PYTHON_RUNTIME, "Handler": "index.handler", "InlineCode": INLINE_CODE,
        "Layers": [ref(P.RUNTIME_LAYER)], "Timeout": SWEEPER_TIMEOUT, "MemorySize": SWEEPER_MEMORY,
        "Environment": {"Variables": variables}, "Policies": policies, "Events": events}}
    return "dead-letter sweeper: every dead-letter queue -> ends the executions it strands", {SWEEPER_FUNCTION: function}

