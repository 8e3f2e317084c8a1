"""The SAM template that deploys the Step Functions version of a program.

One `AWS::Serverless::StateMachine` per workflow (definition file +
DefinitionSubstitutions for every ARN), the resources the program owns, triggers
as `Events` (and an HTTP API for http routes), and least-privilege policies
written as explicit statements on concrete ARNs. Child workflows are named
`${AWS::StackName}-<Workflow>` and referred to by constructed ARNs, so parents
and children never form a circular reference.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flowc.compiler import ir
from flowc.targets import naming, security
from flowc.targets.asl.emit import EmitResult

SAM_TRANSFORM = "AWS::Serverless-2016-10-31"


def sub(text: str) -> dict:
    return {"Fn::Sub": text}


def ref(logical: str) -> dict:
    return {"Ref": logical}


def getatt(logical: str, attr: str) -> dict:
    return {"Fn::GetAtt": [logical, attr]}


def machine_name(workflow: str) -> dict:
    return sub("${AWS::StackName}-" + workflow)


def machine_arn(workflow: str) -> dict:
    return sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:stateMachine:${AWS::StackName}-"
               + workflow)


def logging_level(wf: ir.Workflow) -> str:
    """Execution logging is on by default at ERROR (without execution data); `logging off` turns it off."""
    return wf.logging or security.DEFAULT_LOG_LEVEL


def map_execution_arns(workflow: str) -> dict:
    """Child executions a Distributed Map run starts: `execution:<machine>/<map run label>:<id>`."""
    return sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${AWS::StackName}-"
               + workflow + "/*:*")


def execution_arns(workflow: str) -> dict:
    return sub("arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:execution:${AWS::StackName}-"
               + workflow + ":*")


DEFAULT_BUS_ARN = sub("arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/default")


def trigger_events(program: ir.Program, wf: ir.Workflow) -> dict:
    """SAM `Events` for a workflow's schedule and event triggers (http routes: targets/http_api.py).

    Shared by both templates: the state machine takes them here, the SQS chain's ingress function there.
    """
    from flowc.targets.asl import trigger_input
    from flowc.targets.asl.values import ValueRenderer

    values = SamBuilder(program, {}, Path("."))

    def value_of(name: str, attribute: str) -> Any:
        res = wf.resources.get(name)
        return values.substitution_value(res.kind if res is not None else "workflow", name, attribute)

    # Lowering has checked the pattern and settled each reference's attribute: render it as `!Ref`/`!GetAtt`.
    pattern = ValueRenderer(lambda d: None, lambda v, _key: value_of(v.name, (v.attribute or "arn").capitalize())
                            ).literal

    events: dict[str, Any] = {}
    for i, t in enumerate(wf.triggers, start=1):
        if t.kind == "schedule":
            props: dict[str, Any] = {"Schedule": t.expression, "Enabled": t.enabled}
            if t.input is not None:
                props.update(trigger_input.properties(t.input, value_of))
            if t.description:
                props["Description"] = t.description
            events[f"Schedule{i}"] = {"Type": "Schedule", "Properties": props}
        elif t.kind == "event":
            props = {"Pattern": pattern(t.pattern, "JSONPath")}
            if t.bus:
                res = program.resources.get(("bus", t.bus))
                props["EventBusName"] = (ref(naming.logical_id("bus", t.bus)) if res is not None and res.owned
                                         else (res.arn if res is not None else t.bus))
            if t.input is not None:
                props.update(trigger_input.properties(t.input, value_of))
            events[f"Event{i}"] = {"Type": "EventBridgeRule", "Properties": props}
    return events


# (kind, attribute) -> "Ref" or the GetAtt attribute that gives it, per the CloudFormation resource reference.
_ATTRIBUTE_VALUES: dict[tuple[str, str], str] = {
    ("function", "Arn"): "Arn", ("function", "Name"): "Ref",
    ("table", "Name"): "Ref", ("table", "Arn"): "Arn",
    ("topic", "Arn"): "Ref", ("topic", "Name"): "TopicName",
    ("queue", "Url"): "Ref", ("queue", "Arn"): "Arn", ("queue", "Name"): "QueueName",
    ("bus", "Name"): "Ref", ("bus", "Arn"): "Arn",
    ("activity", "Arn"): "Ref", ("activity", "Name"): "Name",
    ("bucket", "Name"): "Ref", ("bucket", "Arn"): "Arn",
}


class SamBuilder:
    def __init__(self, program: ir.Program, emitted: dict[str, EmitResult], out_dir: Path):
        self.program = program
        self.emitted = emitted
        self.out_dir = out_dir
        self.resources: dict[str, Any] = {}
        self.outputs: dict[str, Any] = {}
        self.routes: list[Any] = []  # http_api.Route

    # -- resources the program owns ---------------------------------------------------
    def owned_resources(self) -> None:
        for (kind, name), res in sorted(self.program.resources.items()):
            if not res.owned:
                continue
            builder = getattr(self, f"res_{kind}", None)
            if builder is not None:
                self.resources[naming.logical_id(kind, name)] = builder(res)
                self.resources.update(self.companions(res))

    def companions(self, res: ir.Resource) -> dict[str, Any]:
        """What a security review expects next to an owned resource: a function's log group with a
        retention (instead of the never-expiring one Lambda creates), a queue's dead-letter queue and an
        alarm on its depth."""
        logical = naming.logical_id(res.kind, res.name)
        if res.kind == "function":
            return {logical + "Logs": security.log_group(sub("/aws/lambda/${" + logical + "}"))}
        if res.kind == "queue":
            return security.dead_letter(logical, res.name, res.props)
        return {}

    def res_function(self, res: ir.Resource) -> dict:
        p = res.props
        props: dict[str, Any] = {"Handler": p["handler"], "Runtime": p.get("runtime", "python3.12"),
                                 "CodeUri": self.code_uri(res)}
        if "memory" in p:
            props["MemorySize"] = p["memory"]
        if "timeout" in p:
            props["Timeout"] = p["timeout"]
        if "description" in p:
            props["Description"] = p["description"]
        if "concurrency" in p:
            props["ReservedConcurrentExecutions"] = p["concurrency"]
        env = self.function_env(res)
        if env:
            props["Environment"] = {"Variables": env}
        policies = self.function_policies(res)
        if policies:
            props["Policies"] = policies
        return {"Type": "AWS::Serverless::Function", "Properties": props}

    def function_env(self, res: ir.Resource) -> dict[str, Any]:
        """`env` plus, for every resource the function `uses`, a variable holding what its SDK calls need
        (`ORDERS_TABLE`: the table's name, `JOBS_QUEUE_URL`: the queue's URL...); `env` wins on a clash."""
        from flowc.compiler.permissions import function_env

        env = function_env(res.props)
        return self.env_values(env) if env else {}

    def function_policies(self, res: ir.Resource) -> list[Any]:
        """SAM policy templates for `uses` and `policies`, and the callback template for the handler of a
        `invoke FN callback` step (it answers with SendTaskSuccess/Failure/Heartbeat)."""
        from flowc.compiler import permissions

        out: list[Any] = []

        def add(policy: Any) -> None:
            if policy not in out:
                out.append(policy)

        for use in res.props.get("uses") or ():
            if use.template == permissions.CALLBACK_TEMPLATE:
                add(permissions.CALLBACK_POLICY)  # SendTask* take no resource: see permissions.CALLBACK_POLICY
            else:
                add({use.template: {use.parameter: self.ref_value(use.target)}})
        for entry in res.props.get("policies") or ():
            if isinstance(entry, str):
                add(entry)
            else:
                add({name: {k: self.ref_value(v) if isinstance(v, ir.ResourceRef) else v for k, v in params.items()}
                     for name, params in entry.items()})
        if self.callback_workflows().get(res.name):
            add(permissions.CALLBACK_POLICY)
        return out

    def ref_value(self, target: ir.ResourceRef) -> Any:
        return self.substitution_value(target.kind, target.name, target.attribute.capitalize())

    def callback_workflows(self) -> dict[str, list[str]]:
        """Declared function -> the workflows that hand it a task token (`invoke FN callback`)."""
        cached = getattr(self, "_callbacks", None)
        if cached is not None:
            return cached
        out: dict[str, list[str]] = {}
        for name, wf in sorted(self.program.workflows.items()):
            for state in wf.graph.walk():
                task = state.task
                if task is not None and task.integration == "lambda" and task.mode == "callback" and task.target \
                        and name not in out.setdefault(task.target, []):
                    out[task.target].append(name)
        self._callbacks = out
        return out

    def env_values(self, env: dict[str, Any]) -> dict[str, Any]:
        """Environment variables: literals as strings, resources as `!Ref`/`!GetAtt` of the attribute named."""
        out: dict[str, Any] = {}
        for key, value in sorted(env.items()):
            if isinstance(value, ir.ResourceRef):
                out[key] = self.substitution_value(value.kind, value.name, value.attribute.capitalize())
            else:
                out[key] = str(value)
        return out

    def code_uri(self, res: ir.Resource) -> str:
        base = Path(res.span.file).parent
        target = (base / res.props["code"]).resolve()
        try:
            rel = os.path.relpath(target, self.out_dir.resolve())
        except ValueError:
            rel = str(target)
        return Path(rel).as_posix()

    def res_table(self, res: ir.Resource) -> dict:
        p = res.props
        attrs = [{"AttributeName": p["key"], "AttributeType": p.get("key_type", "S")}]
        schema = [{"AttributeName": p["key"], "KeyType": "HASH"}]
        if "sort" in p:
            attrs.append({"AttributeName": p["sort"], "AttributeType": p.get("sort_type", "S")})
            schema.append({"AttributeName": p["sort"], "KeyType": "RANGE"})
        return {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST", "AttributeDefinitions": attrs, "KeySchema": schema,
            **security.table_defaults(p.get("kms"))}}

    def res_topic(self, res: ir.Resource) -> dict:
        props: dict[str, Any] = {}
        if res.props.get("fifo"):
            props = {"FifoTopic": True, "TopicName": sub("${AWS::StackName}-" + res.name + ".fifo")}
        props.update(security.topic_encryption(res.props.get("kms")))
        return {"Type": "AWS::SNS::Topic", "Properties": props}

    def res_queue(self, res: ir.Resource) -> dict:
        p = res.props
        props: dict[str, Any] = {}
        if p.get("fifo"):
            props["FifoQueue"] = True
            props["QueueName"] = sub("${AWS::StackName}-" + res.name + ".fifo")
        if "visibility" in p:
            props["VisibilityTimeout"] = p["visibility"]
        if "retention" in p:
            props["MessageRetentionPeriod"] = p["retention"]
        props.update(security.queue_encryption(p.get("kms")))
        props["RedrivePolicy"] = {"deadLetterTargetArn": getatt(naming.logical_id("queue", res.name) + "DLQ", "Arn"),
                                  "maxReceiveCount": security.MAX_RECEIVE_COUNT}
        return {"Type": "AWS::SQS::Queue", "Properties": props}

    def res_bus(self, res: ir.Resource) -> dict:
        return {"Type": "AWS::Events::EventBus", "Properties": {"Name": sub("${AWS::StackName}-" + res.name)}}

    def res_activity(self, res: ir.Resource) -> dict:
        return {"Type": "AWS::StepFunctions::Activity", "Properties": {"Name": sub("${AWS::StackName}-" + res.name)}}

    def res_bucket(self, res: ir.Resource) -> dict:
        return {"Type": "AWS::S3::Bucket"}

    # -- values for substitutions and policies ----------------------------------------------
    def resource(self, kind: str, name: str) -> ir.Resource | None:
        return self.program.resources.get((kind, name))

    def substitution_value(self, kind: str, name: str, attribute: str | None = None) -> Any:
        """A resource's attribute ("Arn", "Name", "Url"; default: what a task's own field needs) in CloudFormation."""
        attribute = attribute or naming.KIND_ATTRIBUTE[kind]
        if kind == "workflow":
            return machine_name(name) if attribute == "Name" else machine_arn(name)
        res = self.resource(kind, name)
        if res is None:
            return f"unknown-{kind}-{name}"
        if not res.owned:
            return naming.arn_to_attribute(kind, res.arn or "", attribute)
        logical = naming.logical_id(kind, name)
        how = _ATTRIBUTE_VALUES.get((kind, attribute))
        if how is None:
            return f"unknown-{kind}-{name}-{attribute}"
        return ref(logical) if how == "Ref" else getatt(logical, how)

    def iam_arn(self, kind: str, name: str) -> Any:
        if kind == "workflow":
            return machine_arn(name)
        res = self.resource(kind, name)
        if res is None:
            return None
        if not res.owned:
            return res.arn
        logical = naming.logical_id(kind, name)
        return {"function": getatt(logical, "Arn"), "table": getatt(logical, "Arn"), "topic": ref(logical),
                "queue": getatt(logical, "Arn"), "bus": getatt(logical, "Arn"), "activity": ref(logical),
                "bucket": getatt(logical, "Arn")}.get(kind)

    # -- state machines ------------------------------------------------------------------------
    def state_machine(self, wf: ir.Workflow, emitted: EmitResult) -> None:
        logical = naming.logical_id("workflow", wf.name)
        props: dict[str, Any] = {
            "Name": machine_name(wf.name),
            "Type": wf.type,
            "DefinitionUri": f"{wf.name}.asl.json",
        }
        if emitted.substitutions:
            props["DefinitionSubstitutions"] = {
                key: self.substitution_value(kind, name, naming.key_attribute(key, kind, name))
                for key, (kind, name) in sorted(emitted.substitutions.items())}
        statements = self.policy_statements(wf)
        if logging_level(wf) != "OFF":
            group = logical + "Logs"
            self.resources[group] = security.log_group(sub("/aws/vendedlogs/states/${AWS::StackName}-" + wf.name))
            props["Logging"] = {"Level": logging_level(wf), "IncludeExecutionData": wf.log_data,
                                "Destinations": [{"CloudWatchLogsLogGroup": {"LogGroupArn": getatt(group, "Arn")}}]}
        if wf.tracing:
            props["Tracing"] = {"Enabled": True}
        if statements:
            props["Policies"] = [{"Version": "2012-10-17", "Statement": statements}]
        events = self.events(wf)
        if events:
            props["Events"] = events
        self.resources[logical] = {"Type": "AWS::Serverless::StateMachine", "Properties": props}
        self.outputs[logical + "Arn"] = {"Description": f"ARN of the {wf.name} state machine",
                                         "Value": ref(logical)}
        self.http_routes(wf, logical)

    def policy_statements(self, wf: ir.Workflow) -> list[dict]:
        """The role's statements: for every distinct task shape, the table's grants (targets/iam_table.json)."""
        from flowc.targets import iam

        pairs: list[tuple[Any, Any]] = []
        # Grants depend only on these task attributes and repeat (idempotently) for every task that
        # shares them: a 10,000-step workflow has a handful of distinct ones.
        seen: set[tuple] = set()
        for state in wf.graph.walk():
            if state.map is not None and state.map.distributed:
                pairs += self.map_grants(wf, state.map)
            task = state.task
            if task is None:
                continue
            payload = task.args.get("payload")
            signature = (task.integration, task.target, task.mode, task.resource,
                         tuple(sorted(iam.literal_params(payload).items())) if task.integration == "resource" else ())
            if signature in seen:
                continue
            seen.add(signature)
            pairs += self.task_grants(task)
        for key, on in (("logging", logging_level(wf) != "OFF"), ("tracing", wf.tracing)):
            if on:
                pairs += iam.grants(key, iam.GrantContext()) or []
        return iam.merge(pairs)

    def grant_context(self, task: ir.TaskSpec) -> Any:
        """What the table's scopes mean for one task: its target's ARN, executions, KMS key, parameters."""
        from flowc.targets import iam

        ctx = iam.GrantContext(params=iam.literal_params(task.args.get("payload")))
        if task.integration == "states.startExecution":
            if task.target in self.program.workflows:
                ctx.target, ctx.target_executions = machine_arn(task.target), execution_arns(task.target)
            else:
                res = self.program.resources.get(("machine", task.target or ""))
                ctx.target = res.arn if res is not None else None
                if ctx.target:
                    ctx.target_executions = ctx.target.replace(":stateMachine:", ":execution:") + ":*"
        elif task.integration == "events.putEvents" and not task.target:
            ctx.target = DEFAULT_BUS_ARN
        elif task.target and task.target_kind:
            ctx.target = self.iam_arn(task.target_kind, task.target)
            res = self.resource(task.target_kind, task.target)
            ctx.kms = res.props.get("kms") if res is not None else None
        return ctx

    def task_grants(self, task: ir.TaskSpec) -> list[tuple[Any, Any]]:
        from flowc.targets import iam

        key = iam.task_key(task)
        if key is None:
            return []
        found = iam.grants(key, self.grant_context(task))
        if found is not None:
            return found
        action = iam.fallback_action(key)
        return [(("*",), (action,))] if action else []

    def map_grants(self, wf: ir.Workflow, spec: ir.MapSpec) -> list[tuple[Any, Any]]:
        """A Distributed Map starts child executions of its own machine, and reads/writes S3 if told to."""
        from flowc.targets import iam

        ctx = iam.GrantContext(self_arn=machine_arn(wf.name), self_map_executions=map_execution_arns(wf.name))
        pairs = iam.grants("map:distributed", ctx) or []
        for kind, value in (("itemreader", spec.reader), ("resultwriter", spec.writer)):
            params = iam.literal_params(value)
            resource = params.get("Resource")
            key = iam.resource_key(resource) if resource else None
            if key is None:
                continue
            inner = iam.literal_params(next((i.value for i in value.items if i.key == "Parameters"), None))
            pairs += iam.grants(f"{kind}:{key}", iam.GrantContext(params=inner)) or []
        return pairs

    def events(self, wf: ir.Workflow) -> dict:
        return trigger_events(self.program, wf)

    def http_routes(self, wf: ir.Workflow, machine_logical: str) -> None:
        """Routes of this workflow; the HTTP API is built once all workflows are known (targets/http_api.py)."""
        from flowc.targets.http_api import Route

        routes = [t for t in wf.triggers if t.kind == "http"]
        self.routes += [Route(t, machine_logical, "states", machine_logical, i) for i, t in enumerate(routes, start=1)]

    # -- whole template ----------------------------------------------------------------------
    def build(self) -> dict:
        self.owned_resources()
        for name, wf in self.program.workflows.items():
            self.state_machine(wf, self.emitted[name])
        if self.routes:
            from flowc.targets import http_api

            resources, outputs = http_api.build(self.routes)
            self.resources.update(resources)
            self.outputs.update(outputs)
        names = ", ".join(self.program.workflows)
        template: dict[str, Any] = {
            "AWSTemplateFormatVersion": "2010-09-09",
            "Transform": SAM_TRANSFORM,
            "Description": f"flowc: Step Functions deployment of {names}",
            "Resources": dict(sorted(self.resources.items())),
        }
        if self.outputs:
            template["Outputs"] = dict(sorted(self.outputs.items()))
        return template


def build_template(program: ir.Program, emitted: dict[str, EmitResult], out_dir: Path) -> dict:
    return SamBuilder(program, emitted, out_dir).build()
