"""The SAM template of the SQS-chain deployment, as data (rendered to text by `target.py`).

Resources the program owns (tables, topics, queues, buses, buckets) get the same logical IDs and
properties as in the Step Functions template (the ASL target's builders are reused), so the two
deployments differ only where the architectures do: instead of state machines, queues and functions.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.targets import naming
from flowc.targets.asl.sam import DEFAULT_BUS_ARN, SAM_TRANSFORM, SamBuilder, getatt, ref, sub
from flowc.targets.sqs import plan as P

PYTHON_RUNTIME = "python3.12"
INLINE_CODE = "from flowc_sqs.entry import handler  # noqa: F401 - the code lives in the FlowcRuntime layer\n"


class SqsTemplate:
    def __init__(self, program_plan: P.ProgramPlan, out_dir: Path):
        self.plan = program_plan
        self.program = program_plan.program
        self.out_dir = out_dir
        self.asl = SamBuilder(self.program, program_plan.result.asl, out_dir)
        self.sections: list[tuple[str, dict[str, Any]]] = []  # (comment, resources)
        self.outputs: dict[str, Any] = {}

    # -- shared pieces ---------------------------------------------------------------------------------
    def runtime(self) -> dict[str, Any]:
        return {
            P.RUNTIME_LAYER: {"Type": "AWS::Serverless::LayerVersion", "Properties": {
                "Description": "flowc SQS-chain runtime (flowc_sqs) and the ASL semantics it shares with the "
                               "Step Functions target",
                "ContentUri": "runtime",
                "CompatibleRuntimes": ["python3.11", "python3.12", "python3.13"]}},
            P.TRACKING_TABLE: {"Type": "AWS::DynamoDB::Table", "Properties": {
                "BillingMode": "PAY_PER_REQUEST",
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                         {"AttributeName": "sk", "AttributeType": "S"}],
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                              {"AttributeName": "sk", "KeyType": "RANGE"}],
                "TimeToLiveSpecification": {"AttributeName": "expires", "Enabled": True}}},
        }

    def owned(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for (kind, name), res in sorted(self.program.resources.items()):
            if not res.owned or kind in ("function", "activity", "machine"):
                continue
            builder = getattr(self.asl, f"res_{kind}", None)
            if builder is not None:
                out[naming.logical_id(kind, name)] = builder(res)
        return out

    @staticmethod
    def queue(visibility: int, dlq: str) -> dict[str, Any]:
        return {"Type": "AWS::SQS::Queue", "Properties": {
            "VisibilityTimeout": visibility, "MessageRetentionPeriod": P.RETENTION,
            "RedrivePolicy": {"deadLetterTargetArn": getatt(dlq, "Arn"), "maxReceiveCount": P.MAX_RECEIVE_COUNT}}}

    @staticmethod
    def dead_letter_queue() -> dict[str, Any]:
        return {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": P.DLQ_RETENTION}}

    def environment(self, wf: P.WorkflowPlan, role: str, timeout: int, routes: set[str],
                    substitutions: set[str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        variables: dict[str, Any] = {
            "FLOWC_WORKFLOW": wf.name, "FLOWC_ROLE": role, "FLOWC_TIMEOUT": str(timeout),
            "FLOWC_TABLE": ref(P.TRACKING_TABLE), "FLOWC_STACK": ref("AWS::StackName"), "FLOWC_LOG": "info"}
        for queue in sorted(routes):
            variables[queue] = getatt(queue, "QueueName")
        for key in sorted(substitutions):
            kind, name = wf.deploy_values[key]
            variables[key] = self.asl.substitution_value(kind, name)
        variables.update(extra or {})
        return {"Variables": variables}

    def policies(self, routes: set[str], statements: list[dict[str, Any]]) -> list[Any]:
        out: list[Any] = [{"DynamoDBCrudPolicy": {"TableName": ref(P.TRACKING_TABLE)}}]
        out += [{"SQSSendMessagePolicy": {"QueueName": getatt(q, "QueueName")}} for q in sorted(routes)]
        if statements:
            out.append({"Version": "2012-10-17", "Statement": statements})
        return out

    def task_statements(self, step: P.StepPlan) -> list[dict[str, Any]]:
        """Least privilege for the step's own integration (the ASL target's grants, minus state machines)."""
        task = step.state.task
        if task is None:
            return []
        grants: dict[str, tuple[Any, set[str]]] = {}

        def grant(resource: Any, *actions: str) -> None:
            if resource is not None:
                grants.setdefault(json.dumps(resource, sort_keys=True), (resource, set()))[1].update(actions)

        integ = task.integration
        if integ == "lambda" and step.handler is None:
            grant(self.asl.iam_arn("function", task.target or ""), "lambda:InvokeFunction")
        elif integ.startswith("dynamodb."):
            action = integ.split(".", 1)[1]
            grant(self.asl.iam_arn("table", task.target or ""), "dynamodb:" + action[:1].upper() + action[1:])
        elif integ == "sns.publish":
            grant(self.asl.iam_arn("topic", task.target or ""), "sns:Publish")
        elif integ == "sqs.sendMessage":
            grant(self.asl.iam_arn("queue", task.target or ""), "sqs:SendMessage")
        elif integ == "events.putEvents":
            grant(self.asl.iam_arn("bus", task.target) if task.target else DEFAULT_BUS_ARN, "events:PutEvents")
        elif integ == "states.startExecution" and task.target not in self.plan.workflows:
            res = self.program.resources.get(("machine", task.target or ""))
            grant(res.arn if res is not None else None, "states:StartExecution")
        elif integ == "resource" and task.resource and task.resource.startswith("aws-sdk:"):
            parts = task.resource.split(":")
            if len(parts) >= 3:
                grant("*", f"{parts[1]}:{parts[2][:1].upper()}{parts[2][1:]}")
        return [{"Effect": "Allow", "Action": sorted(actions), "Resource": resource}
                for _key, (resource, actions) in sorted(grants.items())]

    def function(self, wf: P.WorkflowPlan, *, role: str, timeout: int, memory: int, routes: set[str],
                 substitutions: set[str], queue: str, batch: int, statements: list[dict[str, Any]],
                 extra_env: dict[str, Any] | None = None, code: str | None = None,
                 max_concurrency: int | None = None, reserved: int | None = None,
                 more_events: dict[str, Any] | None = None, description: str = "") -> dict[str, Any]:
        event: dict[str, Any] = {"Queue": getatt(queue, "Arn"), "BatchSize": batch,
                                 "FunctionResponseTypes": ["ReportBatchItemFailures"]}
        if max_concurrency is not None:
            event["ScalingConfig"] = {"MaximumConcurrency": max_concurrency}
        props: dict[str, Any] = {"Description": description[:256], "Runtime": PYTHON_RUNTIME,
                                 "Handler": "flowc_sqs.entry.handler" if code else "index.handler"}
        if code:
            props["CodeUri"] = code
        else:
            props["InlineCode"] = INLINE_CODE
        props.update({"Layers": [ref(P.RUNTIME_LAYER)], "Timeout": timeout, "MemorySize": memory,
                      # Retries, timers and loops send to queues that lead back to the same function on purpose;
                      # Lambda's recursion detection would stop them after ~16 rounds. The runtime's own guard
                      # rails (claims, deadlines, a hop limit) bound them instead.
                      "RecursiveLoop": "Allow"})
        if reserved is not None:
            props["ReservedConcurrentExecutions"] = reserved
        if wf.workflow.tracing:
            props["Tracing"] = "Active"
        props["Environment"] = self.environment(wf, role, timeout, routes, substitutions, extra_env)
        props["Policies"] = self.policies(routes, statements)
        props["Events"] = {"FromQueue": {"Type": "SQS", "Properties": event}, **(more_events or {})}
        return {"Type": "AWS::Serverless::Function", "Properties": props}

    # -- per workflow ------------------------------------------------------------------------------------
    def entry_events(self, wf: ir.Workflow) -> dict[str, Any]:
        from flowc.targets.asl.sam import trigger_events

        return trigger_events(self.program, wf, http=True)

    def workflow(self, wf: P.WorkflowPlan) -> None:
        entry = {
            wf.ingress_queue: self.queue(P.VISIBILITY_FACTOR * P.INGRESS_TIMEOUT, wf.ingress_dlq),
            wf.ingress_dlq: self.dead_letter_queue(),
            wf.ingress_function: self.function(
                wf, role="ingress", timeout=P.INGRESS_TIMEOUT, memory=P.INGRESS_MEMORY, routes=wf.routes,
                substitutions=set(), queue=wf.ingress_queue, batch=P.ROUTER_BATCH, statements=[],
                more_events=self.entry_events(wf.workflow),
                description=f"flowc: starts and routes executions of {wf.name}"),
        }
        self.sections.append((f"{wf.name}: entry point (starts executions, resumes after waits and child "
                              "workflows, runs inline states)", entry))
        self.outputs[wf.base + "IngressQueueUrl"] = {
            "Description": f"Send {{\"v\":1,\"kind\":\"start\",...}} envelopes or invoke "
                           f"{wf.ingress_function} to start {wf.name}", "Value": ref(wf.ingress_queue)}
        for step in wf.steps.values():
            extra: dict[str, Any] = {"FLOWC_STATE": step.name}
            code = None
            reserved = None
            if step.handler and step.function is not None:
                extra["FLOWC_HANDLER"] = step.handler
                extra.update({k: str(v) for k, v in sorted((step.function.props.get("env") or {}).items())})
                code = self.asl.code_uri(step.function)
                reserved = step.function.props.get("concurrency")
            resources = {
                step.queue: self.queue(P.VISIBILITY_FACTOR * step.function_timeout, step.dlq),
                step.dlq: self.dead_letter_queue(),
                step.function_logical: self.function(
                    wf, role="step", timeout=step.function_timeout, memory=step.memory, routes=step.routes,
                    substitutions=step.substitutions, queue=step.queue, batch=step.batch_size,
                    statements=self.task_statements(step), extra_env=extra, code=code,
                    max_concurrency=step.max_concurrency, reserved=reserved,
                    description=f"flowc: {wf.name} step {step.name}"),
            }
            routes = ", ".join(sorted(r for r in step.routes if r not in (step.queue, step.dlq)))
            self.sections.append((f"{wf.name} / {step.name}: queue -> function; sends to {routes or 'nothing else'}",
                                  resources))

    def build(self) -> dict[str, Any]:
        self.sections.append(("flowc runtime layer and the execution-tracking table", self.runtime()))
        owned = self.owned()
        if owned:
            self.sections.append(("resources the program declares (same logical IDs as the Step Functions "
                                  "template)", owned))
        for wf in self.plan.workflows.values():
            self.workflow(wf)
        from flowc.targets.sqs.sweeper_template import sweeper_section

        self.sections.append(sweeper_section(self))
        self.outputs["FlowcExecutionsTableName"] = {
            "Description": "Execution tracking: status, output, error and cause per execution (pk = Workflow/name)",
            "Value": ref(P.TRACKING_TABLE)}
        if any(t.kind == "http" for wf in self.program.workflows.values() for t in wf.triggers):
            self.outputs["HttpApiUrl"] = {"Description": "Base URL of the HTTP API",
                                          "Value": sub("https://${ServerlessHttpApi}.execute-api.${AWS::Region}."
                                                       "${AWS::URLSuffix}")}
        resources: dict[str, Any] = {}
        for _comment, section in self.sections:
            resources.update(section)
        names = ", ".join(self.program.workflows)
        return {"AWSTemplateFormatVersion": "2010-09-09", "Transform": SAM_TRANSFORM,
                "Description": f"flowc: SQS-chain deployment of {names}", "Resources": resources,
                "Outputs": dict(sorted(self.outputs.items()))}
