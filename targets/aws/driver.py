"""`flowc run --remote --drive`: be Lambda's SQS pollers for a deployed SQS chain, in this process.

For emulators whose Lambda cannot run code (moto's server without Docker only echoes payloads, and its
SQS->Lambda mapping fires only inside SendMessage). Everything else is the deployed stack: its queues,
redrive policies, tracking table, tables and topics, and each function's environment as deployed (read
with GetFunctionConfiguration). What runs here is what the functions would run: flowc's routing runtime
(`flowc_sqs`) with the flow files compiled from FILE; a handler step's invoke of its handler function is
answered here too, by the workflow's handler from the working copy (not the uploaded zip), as the Lambda
Python runtime would answer it (`targets/sqs/functions.py`).

Like Lambda's pollers, a round receives up to `BatchSize` messages from each mapped queue, invokes the
function's runtime with the SQS event, and deletes what it did not report as failed (partial batch
responses); SQS applies delays, visibility timeouts and redrive. The stack's event-source mappings are
disabled while the driver runs (so a real or emulated poller does not race it) and re-enabled after.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from flowc.targets.aws.chain import ChainStack
from flowc.targets.aws.session import Aws
from flowc.targets.local import LambdaContext, load_handler
from pydantic import BaseModel, ConfigDict


class Mapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    uuid: str
    function: str  # function name
    queue_url: str
    queue_arn: str
    batch_size: int
    enabled: bool


class Driver:
    """Polls the stack's queues and runs each function's runtime in-process."""

    def __init__(self, aws: Aws, chain: ChainStack, flows: dict[str, dict[str, Any]],
                 handlers: dict[str, Callable[..., Any]], emit: Callable[[dict[str, Any]], None] | None = None):
        self.aws = aws
        self.chain = chain
        self.flows = flows
        self.handlers = handlers
        self.emit = emit or (lambda _event: None)
        self.apps: dict[str, Any] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.mappings = self._mappings()

    def _mappings(self) -> list[Mapping]:
        lam, sqs = self.aws.client("lambda"), self.aws.client("sqs")
        found: list[Mapping] = []
        for name in sorted(self.chain.functions().values()):
            config = lam.get_function_configuration(FunctionName=name)
            self.configs[name] = config
            for esm in lam.list_event_source_mappings(FunctionName=name).get("EventSourceMappings", []):
                arn = esm["EventSourceArn"]
                if ":sqs:" not in arn:
                    continue
                account, queue = arn.split(":")[4], arn.split(":")[5]
                url = sqs.get_queue_url(QueueName=queue, QueueOwnerAWSAccountId=account)["QueueUrl"]
                found.append(Mapping(uuid=esm["UUID"], function=name, queue_url=url, queue_arn=arn,
                                     batch_size=int(esm.get("BatchSize", 10)),
                                     enabled=esm.get("State", "Enabled") in ("Enabled", "Enabling", "Updating")))
        return found

    @contextlib.contextmanager
    def driving(self) -> Iterator[Driver]:
        """Disable the stack's event-source mappings while this driver polls; restore them after."""
        lam = self.aws.client("lambda")
        disabled = [m for m in self.mappings if m.enabled]
        for m in disabled:
            lam.update_event_source_mapping(UUID=m.uuid, Enabled=False)
        try:
            yield self
        finally:
            for m in disabled:
                with contextlib.suppress(Exception):  # best effort: report nothing over the run's outcome
                    lam.update_event_source_mapping(UUID=m.uuid, Enabled=True)

    def app(self, function: str) -> Any:
        found = self.apps.get(function)
        if found is not None:
            return found
        from flowc.targets.sqs.runtime.entry import App
        from flowc.targets.sqs.runtime.flow import FlowRegistry
        from flowc.targets.sqs.runtime.services import Services

        config = self.configs[function]
        env = {**(config.get("Environment") or {}).get("Variables", {}), "AWS_REGION": self.aws.region}
        arn = config["FunctionArn"]
        step = (self.flows.get(env.get("FLOWC_WORKFLOW", ""), {}).get("steps") or {}).get(env.get("FLOWC_STATE", ""))
        handler = self.handlers.get(env.get("FLOWC_STATE", "")) if step and step.get("invoke") else None
        local = {env[step["invoke"]]: handler} if handler is not None and step["invoke"] in env else {}

        def client(service: str) -> Any:
            if service == "lambda" and local:
                from flowc.targets.sqs.functions import LocalFunctions

                return LocalFunctions(self.aws.client(service), local, lambda name: self.context(name)
                                      if name in self.configs else LambdaContext(name))
            return self.aws.client(service)
        services = Services(env=env, client_factory=client, region=self.aws.region,
                            account=arn.split(":")[4], events=self.emit)
        app = App(FlowRegistry(self.flows, values=env), services, workflow=env["FLOWC_WORKFLOW"],
                  role=env.get("FLOWC_ROLE", "step"), state=env.get("FLOWC_STATE") or None,
                  timeout=float(env.get("FLOWC_TIMEOUT", config.get("Timeout", 60))))
        self.apps[function] = app
        return app

    def context(self, function: str) -> LambdaContext:
        config = self.configs[function]
        context = LambdaContext(function, int(config.get("MemorySize", 128)), int(config.get("Timeout", 3)))
        context.invoked_function_arn = config["FunctionArn"]
        return context

    def start(self, workflow: str, data: Any) -> tuple[str, str]:
        """What invoking the ingress function does: (execution ARN, execution name)."""
        function = self.chain.ingress(workflow)
        app = self.app(function)
        app.services.learn_from_context(self.context(function))
        started = app.start(data)
        arn = started["executionArn"]
        return arn, arn.rsplit(":", 1)[-1]

    def step(self) -> bool:
        """One polling round over every mapping; True when some message was processed."""
        sqs = self.aws.client("sqs")
        busy = False
        for m in self.mappings:
            res = sqs.receive_message(QueueUrl=m.queue_url, MaxNumberOfMessages=min(10, m.batch_size),
                                      AttributeNames=["All"], MessageAttributeNames=["All"], WaitTimeSeconds=0)
            messages = res.get("Messages", [])
            if not messages:
                continue
            busy = True
            records = [{"messageId": msg["MessageId"], "receiptHandle": msg["ReceiptHandle"], "body": msg["Body"],
                        "attributes": msg.get("Attributes", {}), "messageAttributes": {},
                        "md5OfBody": msg.get("MD5OfBody", ""), "eventSource": "aws:sqs", "eventSourceARN": m.queue_arn,
                        "awsRegion": self.aws.region} for msg in messages]
            response = self.app(m.function).handle({"Records": records}, self.context(m.function))
            failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])}
            done = [{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(records)
                    if r["messageId"] not in failed]
            if done:
                sqs.delete_message_batch(QueueUrl=m.queue_url, Entries=done)
        return busy


def local_handlers(result: Any, flows: dict[str, dict[str, Any]]) -> dict[str, Callable[..., Any]]:
    """{step: the declared Python handler} from the working copy, for every step that runs one."""
    program = result.program
    out: dict[str, Callable[..., Any]] = {}
    for flow in flows.values():
        for step, conf in flow.get("steps", {}).items():
            if not conf.get("handler"):
                continue
            res = program.resources.get(("function", conf.get("function")))
            if res is None or not res.owned:
                continue
            out[step] = load_handler(Path(res.span.file).parent / res.props["code"], conf["handler"])
    return out


def compiled_flows(files: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The flow files the layer carries, from the SQS target's rendered files."""
    prefix = "runtime/python/flowc_sqs/flows/"
    return {Path(p).stem: json.loads(text) for p, text in files.items() if p.startswith(prefix) and p.endswith(".json")}
