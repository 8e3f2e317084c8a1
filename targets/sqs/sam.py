"""The SAM template of the SQS-chain deployment, as data (rendered to text by `target.py`).

Resources the program owns (tables, topics, queues, buses, buckets) get the same logical IDs and
properties as in the Step Functions template (the ASL target's builders are reused), so the two
deployments differ only where the architectures do: instead of state machines, queues and functions.
The program's handlers are deployed as the Step Functions template deploys them (same logical IDs, code,
environment and `uses` policies, a role each); a handler step's function only runs the flowc runtime and may
invoke that one function (`lambda:InvokeFunction` on its ARN), so the handler's credentials reach neither the
tracking table nor the queues.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.targets import http_api, naming, security
from flowc.targets.asl.sam import SAM_TRANSFORM, SamBuilder, getatt, ref, sub
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
                **security.table_defaults(None),
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
                out.update(self.asl.companions(res))
        return out

    @staticmethod
    def queue(visibility: int, dlq: str) -> dict[str, Any]:
        return {"Type": "AWS::SQS::Queue", "Properties": {
            "VisibilityTimeout": visibility, "MessageRetentionPeriod": P.RETENTION, "SqsManagedSseEnabled": True,
            "RedrivePolicy": {"deadLetterTargetArn": getatt(dlq, "Arn"), "maxReceiveCount": P.MAX_RECEIVE_COUNT}}}

    @staticmethod
    def dead_letter_queue() -> dict[str, Any]:
        return {"Type": "AWS::SQS::Queue", "Properties": {"MessageRetentionPeriod": P.DLQ_RETENTION,
                                                          "SqsManagedSseEnabled": True}}

    @staticmethod
    def with_log_groups(resources: dict[str, Any]) -> dict[str, Any]:
        """Each function's log group, with a retention (Lambda's own never expires)."""
        out = dict(resources)
        for logical, res in resources.items():
            if res["Type"] == "AWS::Serverless::Function":
                out[logical + "Logs"] = security.log_group(sub("/aws/lambda/${" + logical + "}"))
        return out

    def environment(self, wf: P.WorkflowPlan, role: str, timeout: int, routes: set[str],
                    substitutions: set[str], extra: dict[str, Any] | None = None) -> dict[str, Any]:
        variables: dict[str, Any] = {
            "FLOWC_WORKFLOW": wf.name, "FLOWC_ROLE": role, "FLOWC_TIMEOUT": str(timeout),
            "FLOWC_TABLE": ref(P.TRACKING_TABLE), "FLOWC_STACK": ref("AWS::StackName"), "FLOWC_LOG": "info",
            "FLOWC_LOG_DATA": "true" if wf.workflow.log_data else "false"}
        for queue in sorted(routes):
            variables[queue] = getatt(queue, "QueueName")
        for key in sorted(substitutions):
            kind, name = wf.deploy_values[key]
            variables[key] = self.asl.substitution_value(kind, name, naming.key_attribute(key, kind, name))
        variables.update(extra or {})
        return {"Variables": variables}

    # What flowc_sqs's store does with the tracking table (runtime/store.py): no Scan, Query, batch writes,
    # or table-level calls, which SAM's DynamoDBCrudPolicy would also grant.
    TRACKING_ACTIONS = ("dynamodb:BatchGetItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem",
                        "dynamodb:UpdateItem")

    def policies(self, routes: set[str], statements: list[dict[str, Any]]) -> list[Any]:
        """One explicit policy document: the runtime's (the user's handler has a function and role of its
        own, with what it `uses`)."""
        own: list[dict[str, Any]] = [{"Effect": "Allow", "Action": list(self.TRACKING_ACTIONS),
                                      "Resource": getatt(P.TRACKING_TABLE, "Arn")}]
        if routes:
            own.append({"Effect": "Allow", "Action": ["sqs:SendMessage"],
                        "Resource": [getatt(q, "Arn") for q in sorted(routes)]})
        return [{"Version": "2012-10-17", "Statement": own + statements}]

    def task_statements(self, step: P.StepPlan) -> list[dict[str, Any]]:
        """Least privilege for the step's own integration: the cited table's grants (targets/iam_table.json),
        as the ASL target computes them; a handler step may invoke its handler's function and nothing else."""
        from flowc.targets import iam

        task = step.state.task
        if step.handler_function is not None:
            return [{"Effect": "Allow", "Action": ["lambda:InvokeFunction"],
                     "Resource": getatt(step.handler_function, "Arn")}]
        if task is None:
            return []
        if task.integration == "states.startExecution" and task.target in self.plan.workflows:
            return []  # child workflows of the chain are started through their ingress queue
        return iam.merge(self.asl.task_grants(task))

    def function(self, wf: P.WorkflowPlan, *, role: str, timeout: int, memory: int, routes: set[str],
                 substitutions: set[str], queue: str, batch: int, statements: list[dict[str, Any]],
                 extra_env: dict[str, Any] | None = None, max_concurrency: int | None = None,
                 more_events: dict[str, Any] | None = None, description: str = "") -> dict[str, Any]:
        event: dict[str, Any] = {"Queue": getatt(queue, "Arn"), "BatchSize": batch,
                                 "FunctionResponseTypes": ["ReportBatchItemFailures"]}
        if max_concurrency is not None:
            event["ScalingConfig"] = {"MaximumConcurrency": max_concurrency}
        props: dict[str, Any] = {"Description": description[:256], "Runtime": PYTHON_RUNTIME,
                                 "Handler": "index.handler", "InlineCode": INLINE_CODE}
        props.update({"Layers": [ref(P.RUNTIME_LAYER)], "Timeout": timeout, "MemorySize": memory,
                      # Retries, timers and loops send to queues that lead back to the same function on purpose;
                      # Lambda's recursion detection would stop them after ~16 rounds. The runtime's own guard
                      # rails (claims, deadlines, a hop limit) bound them instead.
                      "RecursiveLoop": "Allow"})
        if wf.workflow.tracing:
            props["Tracing"] = "Active"
        props["Environment"] = self.environment(wf, role, timeout, routes, substitutions, extra_env)
        props["Policies"] = self.policies(routes, statements)
        props["Events"] = {"FromQueue": {"Type": "SQS", "Properties": event}, **(more_events or {})}
        return {"Type": "AWS::Serverless::Function", "Properties": props}

    # -- per workflow ------------------------------------------------------------------------------------
    def entry_events(self, wf: ir.Workflow) -> dict[str, Any]:
        from flowc.targets.asl.sam import trigger_events

        return trigger_events(self.program, wf)

    def workflow(self, wf: P.WorkflowPlan) -> None:
        entry = {
            wf.ingress_queue: self.queue(P.VISIBILITY_FACTOR * P.INGRESS_TIMEOUT, wf.ingress_dlq),
            wf.ingress_dlq: self.dead_letter_queue(),
            wf.ingress_dlq + "Alarm": security.dlq_alarm(wf.ingress_dlq),
            wf.ingress_function: self.function(
                wf, role="ingress", timeout=P.INGRESS_TIMEOUT, memory=P.INGRESS_MEMORY, routes=wf.routes,
                substitutions=wf.inline_substitutions, queue=wf.ingress_queue, batch=P.ROUTER_BATCH, statements=[],
                more_events=self.entry_events(wf.workflow),
                description=f"flowc: starts and routes executions of {wf.name}"),
        }
        self.sections.append((f"{wf.name}: entry point (starts executions, resumes after waits and child "
                              "workflows, runs inline states)", self.with_log_groups(entry)))
        self.outputs[wf.base + "IngressQueueUrl"] = {
            "Description": f"Send {{\"v\":1,\"kind\":\"start\",...}} envelopes or invoke "
                           f"{wf.ingress_function} to start {wf.name}", "Value": ref(wf.ingress_queue)}
        for step in wf.steps.values():
            extra: dict[str, Any] = {"FLOWC_STATE": step.name}
            if step.handler_function is not None:
                extra[step.handler_function] = ref(step.handler_function)  # its name, for lambda:Invoke
            resources = {
                step.queue: self.queue(P.VISIBILITY_FACTOR * step.function_timeout, step.dlq),
                step.dlq: self.dead_letter_queue(),
                step.dlq + "Alarm": security.dlq_alarm(step.dlq),
                step.function_logical: self.function(
                    wf, role="step", timeout=step.function_timeout, memory=step.function_memory,
                    routes=step.routes, substitutions=step.substitutions, queue=step.queue, batch=step.batch_size,
                    statements=self.task_statements(step), extra_env=extra, max_concurrency=step.max_concurrency,
                    description=f"flowc: {wf.name} step {step.name}"),
            }
            routes = ", ".join(sorted(r for r in step.routes if r not in (step.queue, step.dlq)))
            invokes = f"; invokes {step.handler_function}" if step.handler_function else ""
            self.sections.append((f"{wf.name} / {step.name}: queue -> function{invokes}; sends to "
                                  f"{routes or 'nothing else'}", self.with_log_groups(resources)))

    def handlers(self) -> dict[str, Any]:
        """The program's handlers, each in its own function with its own role: what it `uses`, nothing of
        flowc's (the ASL target's builder, so both templates deploy the same function)."""
        out: dict[str, Any] = {}
        for logical, res in self.plan.handler_functions().items():
            function = self.asl.res_function(res)
            props = function["Properties"]
            props.setdefault("Description", f"flowc: handler {res.name}, invoked by its steps' functions")
            if any(wf.workflow.tracing and any(s.handler_function == logical for s in wf.steps.values())
                   for wf in self.plan.workflows.values()):
                props["Tracing"] = "Active"
            out[logical] = function
            out.update(self.asl.companions(res))
        return out

    def build(self) -> dict[str, Any]:
        self.sections.append(("flowc runtime layer and the execution-tracking table", self.runtime()))
        owned = self.owned()
        if owned:
            self.sections.append(("resources the program declares (same logical IDs as the Step Functions "
                                  "template)", owned))
        handlers = self.handlers()
        if handlers:
            self.sections.append(("the program's handlers: a function and role each, invoked synchronously by their "
                                  "steps' functions; no access to the tracking table or the queues", handlers))
        for wf in self.plan.workflows.values():
            self.workflow(wf)
        from flowc.targets.sqs.sweeper_template import sweeper_section

        comment, resources = sweeper_section(self)
        self.sections.append((comment, self.with_log_groups(resources)))
        self.outputs["FlowcExecutionsTableName"] = {
            "Description": "Execution tracking: status, output, error and cause per execution (pk = Workflow/name)",
            "Value": ref(P.TRACKING_TABLE)}
        routes = [http_api.Route(t, wf.base, "lambda", wf.ingress_function, i)
                  for wf in self.plan.workflows.values()
                  for i, t in enumerate((t for t in wf.workflow.triggers if t.kind == "http"), start=1)]
        if routes:
            api, outputs = http_api.build(routes)
            self.sections.append(("HTTP API: authorization, throttling and access logs per route",
                                  api))
            self.outputs.update(outputs)
        resources: dict[str, Any] = {}
        for _comment, section in self.sections:
            resources.update(section)
        names = ", ".join(self.program.workflows)
        return {"AWSTemplateFormatVersion": "2010-09-09", "Transform": SAM_TRANSFORM,
                "Description": f"flowc: SQS-chain deployment of {names}", "Resources": resources,
                "Outputs": dict(sorted(self.outputs.items()))}
