"""Run a compiled SQS-chain deployment locally: moto SQS/DynamoDB/SNS, the generated runtime, a virtual clock.

Everything is built from what `flowc compile --target sqs` writes, not from the IR: the queues with their
visibility timeouts, retention and redrive policies, the tables, topics and buses, and one event-source
mapping per function (queue, `BatchSize`, `ReportBatchItemFailures`) are read from the rendered
`template.yaml`; each function runs `flowc_sqs` with the environment the template gives it (its queue routes,
table names...) and the flow configurations the layer would carry.

moto's own SQS->Lambda mapping fires only inside `SendMessage`, never re-polls, hard-codes the receive count
and ignores partial-batch responses (tests/oracles/README.md), so the simulator polls like Lambda does:
`ReceiveMessage` up to the batch size, build the SQS event, invoke the function, delete what it did not
report as failed. Time is virtual: moto's SQS clock is patched to it, handlers "take" their declared
duration on it, and when nothing is visible the clock jumps to the next message's delay or visibility end.
So retries with backoff, 15-minute re-deliveries, day-long waits and visibility timeouts after a killed
invocation play out in milliseconds, with real receive counts and real dead-lettering.

    result = simulate(compile_result, "MemberOnboarding", {"action": "member_added", ...})
    result.status, result.output, result.billed.sqs_requests

`handlers`/`mocks` are keyed by step name (a `Mock` also replaces a service integration); steps without one
run the declared function's handler (`flowc.targets.local.HandlerModules`: one module instance per function
and run). A handler (declared or given) runs in its own function, as deployed: the step's function invokes
it through the Lambda API, which the simulator answers in-process (`targets/sqs/functions.py`), so the
runtime's invoke and error mapping run as on AWS; the handler function's invocation and GB-seconds are
billed, and so is the step function's wait for it. A `Mock` replaces the task itself (its error and cause
are what Step Functions would see), in-process, billed as the handler function's invocation would be.
`faults` injects duplicate deliveries and lost Lambda responses. Do not call this inside another active moto
mock (it starts and resets its own).
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import os
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from flowc.compiler.result import CompileResult
from flowc.targets.local import (
    BilledUnits,
    HandlerModules,
    LambdaContext,
    Mock,
    RunResult,
    TaskFailure,
    lambda_error,
    with_env,
)
from flowc.targets.sqs.injection import HANDLER, Call, Crash, Outage

REGION = "us-east-1"
ACCOUNT = "123456789012"
STACK = "flowc-sim"
DEFAULT_START = 1767225600.0  # 2026-01-01T00:00:00Z: runs are reproducible, whatever the wall clock says
DEFAULT_HANDLER_SECONDS = 0.05  # what a handler "takes" unless told otherwise
API_CALL_SECONDS = 0.004  # per AWS call the runtime makes (billed duration of its own work)
CHUNK = 64 * 1024  # SQS bills every 64 KiB of payload as a request


class SimulationError(RuntimeError):
    """The execution did not finish (stuck, or over the step budget): a bug in the chain, not an outcome."""


class InvocationKilled(BaseException):
    """Lambda stopped the invocation at the function timeout (the runtime cannot catch it)."""


class HandlerKilled(InvocationKilled):
    """A handler ran past the time left to it: Lambda stopped the function running it."""


@dataclass
class Faults:
    """Infrastructure misbehaviour to inject, drawn from the run's seed.

    duplicate_rate: probability that a message the runtime sends is delivered twice (SQS at-least-once).
    api_error_rate: probability that a tracking-table or SQS call of the runtime is throttled.
    lost_response_rate: probability that an invocation finished but Lambda never got its response, so no
      message of the batch is deleted and all of them come back after the visibility timeout.
    """

    duplicate_rate: float = 0.0
    lost_response_rate: float = 0.0
    api_error_rate: float = 0.0  # a DynamoDB/SQS call the runtime makes fails (throttling) before it happens
    crashes: list[Crash] = field(default_factory=list)  # targeted kills (flowc.targets.sqs.injection)
    outages: list[Outage] = field(default_factory=list)  # targeted failing calls


def slow(handler: Callable[..., Any], seconds: float | list[float]) -> Callable[..., Any]:
    """A handler that takes `seconds` of virtual time per call (a list: one per call, the last repeats).
    Longer than the function's timeout means Lambda kills the invocation."""
    durations = seconds if isinstance(seconds, list) else [seconds]
    calls = {"n": 0}

    def timed(event: Any, context: Any = None) -> Any:
        return handler(event, context)

    def duration() -> float:
        d = durations[min(calls["n"], len(durations) - 1)]
        calls["n"] += 1
        return float(d)

    timed.flowc_duration = duration  # type: ignore[attr-defined]
    return timed


# ------------------------------------------------------------------------------------------------------
# the clock
# ------------------------------------------------------------------------------------------------------
class VirtualClock:
    def __init__(self, start: float):
        self.t = float(start)
        self._timers: list[list[Any]] = []  # [moment, action]: the runtime's watchdogs

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self._move(self.t + max(0.0, float(seconds)))

    def jump_to(self, moment: float) -> None:
        self._move(max(self.t, float(moment)))

    def call_at(self, moment: float, action: Callable[[], None]) -> Callable[[], None]:
        """Like a timer thread: `action` runs when the clock passes `moment` (unless cancelled first)."""
        entry = [float(moment), action]
        self._timers.append(entry)

        def cancel() -> None:
            if entry in self._timers:
                self._timers.remove(entry)
        return cancel

    def _move(self, target: float) -> None:
        while True:
            due = [e for e in self._timers if e[0] <= target]
            if not due:
                break
            entry = min(due, key=lambda e: e[0])
            self._timers.remove(entry)
            self.t = max(self.t, entry[0])
            entry[1]()
        self.t = max(self.t, target)

    # moto's SQS model reads these two
    def unix_time(self, dt: Any = None) -> float:
        return self.t if dt is None else _real_unix_time(dt)

    def unix_time_millis(self, dt: Any = None) -> float:
        return self.unix_time(dt) * 1000.0


def _real_unix_time(dt: Any) -> float:
    from moto.core.utils import unix_time

    return unix_time(dt)


# ------------------------------------------------------------------------------------------------------
# counting what AWS bills
# ------------------------------------------------------------------------------------------------------
class Meter:
    def __init__(self) -> None:
        self.billed = BilledUnits()
        self.calls = 0  # AWS calls made by the runtime during the current invocation

    def add(self, **units: Any) -> None:
        for key, value in units.items():
            setattr(self.billed, key, getattr(self.billed, key) + value)


def _chunks(*texts: str) -> int:
    size = sum(len(t.encode("utf-8")) for t in texts)
    return max(1, math.ceil(size / CHUNK))


class Counted:
    """A boto3 client whose calls are counted as billed units (and may be duplicated by fault injection)."""

    def __init__(self, service: str, client: Any, meter: Meter, sim: _Simulation | None = None):
        self._service = service
        self._client = client
        self._meter = meter
        self._sim = sim

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._client, name)
        if not callable(method):
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            self._meter.calls += 1
            sim = self._sim
            if sim is not None:
                sim.inject(self._service, name, kwargs, "before")
                if self._service in ("dynamodb", "sqs"):
                    sim.maybe_throttle(self._service, name)
            self._count(name, kwargs)
            result = method(*args, **kwargs)
            if sim is not None:
                if self._service == "sqs" and name in ("send_message", "send_message_batch"):
                    sim.maybe_duplicate(name, kwargs)
                sim.inject(self._service, name, kwargs, "after")
            return result
        return call

    def _count(self, name: str, kwargs: dict[str, Any]) -> None:
        m, service = self._meter, self._service
        if service == "sqs":
            if name == "send_message":
                m.add(sqs_requests=_chunks(kwargs.get("MessageBody", "")), sqs_sends=1)
            elif name == "send_message_batch":
                m.add(sqs_requests=_chunks(*[e.get("MessageBody", "") for e in kwargs.get("Entries", [])]),
                      sqs_sends=1)
            elif name in ("change_message_visibility", "change_message_visibility_batch"):
                m.add(sqs_requests=1, sqs_visibility_changes=1)
            elif name in ("delete_message", "delete_message_batch"):
                m.add(sqs_requests=1, sqs_deletes=1)
        elif service == "dynamodb":
            if name in ("put_item", "update_item", "delete_item"):
                m.add(dynamodb_writes=1)
            elif name == "get_item":
                m.add(dynamodb_reads=1)
            elif name == "batch_get_item":
                m.add(dynamodb_reads=sum(len(v.get("Keys", [])) for v in kwargs.get("RequestItems", {}).values()))
            elif name == "transact_write_items":
                m.add(dynamodb_writes=2 * len(kwargs.get("TransactItems", [])))
            elif name in ("query", "scan"):
                m.add(dynamodb_reads=1)
        elif service == "sns" and name == "publish":
            m.add(sns_publishes=1)
        elif service == "events" and name == "put_events":
            m.add(eventbridge_events=len(kwargs.get("Entries", [])))
        elif service == "lambda" and name == "invoke":
            m.add(lambda_invocations=1)
        elif service == "stepfunctions" and name == "start_execution":
            m.add(executions_started=1)


# ------------------------------------------------------------------------------------------------------
# the deployment, as the template describes it
# ------------------------------------------------------------------------------------------------------
@dataclass
class Mapping:
    """An event-source mapping: queue -> function."""

    function: str
    queue: str
    batch_size: int
    partial: bool
    max_concurrency: int | None = None


@dataclass
class FunctionSpec:
    logical: str
    env: dict[str, str]
    timeout: int
    memory: int
    role: str = "step"
    state: str | None = None


@dataclass
class Deployment:
    template: dict[str, Any]
    flows: dict[str, dict[str, Any]]
    queues: dict[str, dict[str, Any]] = field(default_factory=dict)  # logical -> properties
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    topics: list[str] = field(default_factory=list)
    buses: dict[str, Any] = field(default_factory=dict)
    buckets: list[str] = field(default_factory=list)
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    mappings: list[Mapping] = field(default_factory=list)
    ingress: dict[str, str] = field(default_factory=dict)  # workflow -> ingress function
    handler_functions: set[str] = field(default_factory=set)  # the functions handler steps invoke

    @classmethod
    def from_files(cls, files: dict[str, str]) -> Deployment:
        from ruamel.yaml import YAML

        template = YAML(typ="safe", pure=True).load(files["template.yaml"])
        flows = {Path(p).stem: json.loads(text) for p, text in files.items()
                 if p.startswith("runtime/python/flowc_sqs/flows/") and p.endswith(".json")}
        dep = cls(template, flows)
        for logical, res in template["Resources"].items():
            kind, props = res["Type"], res.get("Properties") or {}
            if kind == "AWS::SQS::Queue":
                dep.queues[logical] = props
            elif kind == "AWS::DynamoDB::Table":
                dep.tables[logical] = props
            elif kind == "AWS::SNS::Topic":
                dep.topics.append(logical)
            elif kind == "AWS::Events::EventBus":
                dep.buses[logical] = props
            elif kind == "AWS::S3::Bucket":
                dep.buckets.append(logical)
        for logical, res in template["Resources"].items():
            if res["Type"] != "AWS::Serverless::Function":
                continue
            props = res["Properties"]
            env = {k: dep.resolve(v) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
            spec = FunctionSpec(logical, env, int(props.get("Timeout", 3)), int(props.get("MemorySize", 128)),
                                env.get("FLOWC_ROLE", "step" if "FLOWC_WORKFLOW" in env else "handler"),
                                env.get("FLOWC_STATE"))
            dep.functions[logical] = spec
            if spec.role == "ingress":
                dep.ingress[env["FLOWC_WORKFLOW"]] = logical
            for event in (props.get("Events") or {}).values():
                if event.get("Type") != "SQS":
                    continue
                ep = event["Properties"]
                queue = ep["Queue"]["Fn::GetAtt"][0]
                dep.mappings.append(Mapping(logical, queue, int(ep.get("BatchSize", 10)),
                                            "ReportBatchItemFailures" in (ep.get("FunctionResponseTypes") or []),
                                            (ep.get("ScalingConfig") or {}).get("MaximumConcurrency")))
        dep.handler_functions = {conf["invoke"] for flow in flows.values()
                                 for conf in flow.get("steps", {}).values() if conf.get("invoke")}
        return dep

    # CloudFormation intrinsics, resolved the way this simulated stack names things.
    def physical(self, logical: str) -> str:
        if logical in self.buses:
            return self.resolve(self.buses[logical].get("Name", logical))
        if logical in self.buckets:
            return logical.lower()
        return logical

    def resolve(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and len(value) == 1:
            ((fn, arg),) = value.items()
            if fn == "Ref":
                return self.ref(arg)
            if fn == "Fn::GetAtt":
                return self.getatt(arg[0], arg[1])
            if fn == "Fn::Sub":
                return self.sub(arg)
        return json.dumps(value)

    def ref(self, logical: str) -> str:
        pseudo = {"AWS::StackName": STACK, "AWS::Region": REGION, "AWS::AccountId": ACCOUNT,
                  "AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
        if logical in pseudo:
            return pseudo[logical]
        if logical in self.queues:
            return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{logical}"
        if logical in self.topics:
            return f"arn:aws:sns:{REGION}:{ACCOUNT}:{logical}"
        return self.physical(logical)

    def getatt(self, logical: str, attribute: str) -> str:
        if attribute == "QueueName":
            return logical
        if attribute == "Arn":
            if logical in self.queues:
                return f"arn:aws:sqs:{REGION}:{ACCOUNT}:{logical}"
            if logical in self.tables:
                return f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{logical}"
            return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{logical}"
        if attribute == "Name":
            return self.physical(logical)
        return logical

    def sub(self, arg: Any) -> str:
        import re

        text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])

        def one(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in extra:
                return str(self.resolve(extra[name]))
            if "." in name and not name.startswith("AWS::"):
                logical, attribute = name.split(".", 1)
                return self.getatt(logical, attribute)
            return self.ref(name)
        return re.sub(r"\$\{([^}]+)\}", one, text)


# ------------------------------------------------------------------------------------------------------
# the run
# ------------------------------------------------------------------------------------------------------
class _Simulation:
    def __init__(self, result: CompileResult, deployment: Deployment, *, handlers: dict[str, Callable] | None,
                 mocks: dict[str, Mock] | None, seed: int, faults: Faults | None, start: float):
        self.result = result
        self.dep = deployment
        self.rng = random.Random(seed)
        self.seed = seed
        self.faults = faults or Faults()
        self.clock = VirtualClock(start)
        self.meter = Meter()
        self.events: list[dict[str, Any]] = []
        self._handler_calls = 0
        self.code: dict[tuple[str, str], Callable] = {}  # (workflow, step) -> what its handler function runs
        self.handlers = self._handlers(handlers or {}, mocks or {})
        self.apps: dict[str, Any] = {}
        self.invocation_seconds = 0.0
        self.current: FunctionSpec | None = None  # the function being invoked (for targeted faults)
        self.ttl = {logical: props["TimeToLiveSpecification"]["AttributeName"]
                    for logical, props in deployment.tables.items()
                    if (props.get("TimeToLiveSpecification") or {}).get("Enabled")}

    # -- handlers ------------------------------------------------------------------------------------
    def _handlers(self, handlers: dict[str, Callable], mocks: dict[str, Mock]) -> dict[str, Callable]:
        """The in-process replacements of tasks (mocks, and given callables for service steps); fills
        `self.code` with what each handler step's function runs (a given callable or the declared handler)."""
        program = self.result.program
        assert program is not None
        out: dict[str, Callable] = {}
        modules = HandlerModules()  # each function its own module instance, as each Lambda its own environment
        for wf_name, flow in self.dep.flows.items():
            for step, conf in flow.get("steps", {}).items():
                given = handlers.get(f"{wf_name}.{step}", handlers.get(step))
                mocked = mocks.get(f"{wf_name}.{step}", mocks.get(step))
                function = conf.get("invoke")
                if mocked is not None:
                    fn = self._timed(_mock_handler(mocked if isinstance(mocked, Mock) else Mock(mocked)), step)
                    out[step] = self._billed_as(function, fn) if function else fn
                    continue
                if given is not None:
                    fn = given
                elif conf.get("handler"):
                    res = program.resources.get(("function", conf.get("function")))
                    assert res is not None
                    fn = with_env(modules.load(conf["function"], Path(res.span.file).parent / res.props["code"],
                                               conf["handler"]), self._user_env(function))
                else:
                    continue  # a service integration: the runtime calls moto
                if function:
                    self.code[(wf_name, step)] = self._timed(fn, step, killed=HandlerKilled)
                else:
                    out[step] = self._timed(fn, step)
        return out

    def _user_env(self, function: str | None) -> dict[str, str]:
        """The variables the template gives the handler's function (`env`, `uses`)."""
        spec = self.dep.functions.get(function or "")
        return {k: str(v) for k, v in spec.env.items()} if spec is not None else {}

    def _billed_as(self, function: str, fn: Callable) -> Callable:
        """A mock standing in for a handler: billed as the invocation of the handler's function would be."""
        sim = self

        def run(event: Any, context: Any = None) -> Any:
            started = sim.clock.now()
            sim.meter.calls += 1
            try:
                return fn(event, context)
            finally:
                sim.bill_handler(function, sim.clock.now() - started)
        return run

    def handler_calls(self) -> int:
        self._handler_calls += 1
        return self._handler_calls

    def bill_handler(self, function: str, seconds: float, *, invocation: bool = True) -> None:
        """The handler function's own invocation (the step function is billed for its wait as well)."""
        spec = self.dep.functions[function]
        seconds = min(float(spec.timeout), seconds)
        self.meter.add(lambda_invocations=1 if invocation else 0,
                       lambda_gb_seconds=round(spec.memory / 1024.0 * max(0.001, seconds), 9))

    def _timed(self, fn: Callable, step: str = "", killed: type[InvocationKilled] = InvocationKilled) -> Callable:
        """The handler on the virtual clock: it takes its declared time (`slow`, a mock's "seconds"; a mock's
        "wait" never answers); past the invocation's remaining time, Lambda kills the invocation (`killed`:
        the step's own, or the handler function's)."""
        sim = self
        duration = getattr(fn, "flowc_duration", None)

        def run(event: Any, context: Any = None) -> Any:
            declared = duration() if duration is not None else None
            seconds = DEFAULT_HANDLER_SECONDS if declared is None else declared
            remaining = context.get_remaining_time_in_millis() / 1000.0 if context is not None else math.inf
            if seconds >= remaining:
                if getattr(fn, "flowc_mock", None) is not None:
                    fn.flowc_mock(event)  # type: ignore[attr-defined] - the hung call still used its entry
                sim.clock.advance(remaining)
                sim.invocation_seconds += remaining
                raise killed()
            sim.clock.advance(seconds)
            sim.invocation_seconds += seconds
            sim.inject(HANDLER, step, {"event": event}, "before")
            result = fn(event, context)
            sim.inject(HANDLER, step, {"event": event}, "after")
            return result
        return run

    # -- the stack -----------------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        return _client(service)

    def lambda_api(self) -> Any:
        """Lambda as the runtime sees it: the handler functions run here (`functions.answer`), others in moto."""
        return _HandlerFunctions(self, self.client("lambda"))

    def create_resources(self) -> None:
        sqs, ddb = self.client("sqs"), self.client("dynamodb")
        pending = dict(self.dep.queues)
        while pending:  # dead-letter queues before the queues that redrive into them
            for logical, props in sorted(pending.items()):
                redrive = props.get("RedrivePolicy")
                target = redrive["deadLetterTargetArn"]["Fn::GetAtt"][0] if redrive else None
                if target is not None and target in pending:
                    continue
                attributes = {k: str(props[k]) for k in ("VisibilityTimeout", "MessageRetentionPeriod",
                                                         "DelaySeconds") if k in props}
                if redrive:
                    attributes["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": self.dep.getatt(target, "Arn"),
                                                              "maxReceiveCount": redrive["maxReceiveCount"]})
                sqs.create_queue(QueueName=logical, Attributes=attributes)
                del pending[logical]
        for logical, props in self.dep.tables.items():
            ddb.create_table(TableName=logical, BillingMode="PAY_PER_REQUEST", KeySchema=props["KeySchema"],
                             AttributeDefinitions=props["AttributeDefinitions"])
        for logical in self.dep.topics:
            self.client("sns").create_topic(Name=logical)
        for logical in self.dep.buses:
            self.client("events").create_event_bus(Name=self.dep.physical(logical))
        for logical in self.dep.buckets:
            self.client("s3").create_bucket(Bucket=logical.lower())

    def app(self, logical: str) -> Any:
        found = self.apps.get(logical)
        if found is not None:
            return found
        runtime = _runtime()
        spec = self.dep.functions[logical]
        env = {**spec.env, "AWS_REGION": REGION, "FLOWC_ACCOUNT": ACCOUNT}
        services = runtime.Services(
            env=env, clock=self.clock, client_factory=lambda service: Counted(
                service, self.lambda_api() if service == "lambda" else self.client(service), self.meter, self),
            region=REGION, account=ACCOUNT,
            handlers=self.handlers, events=self._event(logical), error_formatter=_error, seed=self.seed)
        flows = runtime.FlowRegistry(self.dep.flows, values=env)
        app = runtime.App(flows, services, workflow=env.get("FLOWC_WORKFLOW", ""), role=spec.role, state=spec.state,
                          timeout=spec.timeout)
        self.apps[logical] = app
        return app

    def _event(self, function: str) -> Callable[[dict], None]:
        def sink(event: dict) -> None:
            self.events.append({**event, "function": function})
        return sink

    # -- fault injection -------------------------------------------------------------------------------
    def inject(self, service: str, operation: str, params: dict[str, Any], when: str) -> None:
        """The targeted faults (`Faults.crashes`, `Faults.outages`) at one call of the running invocation."""
        if not (self.faults.crashes or self.faults.outages) or self.current is None:
            return
        call = Call(self.current.logical, self.current.state, service, operation, params)
        if when == "before":
            for outage in self.faults.outages:
                if outage.hit(call):
                    self.events.append({"type": "FaultOutage", "service": service, "operation": operation,
                                        "code": outage.code, "function": call.function, "time": self.clock.now()})
                    raise outage.error(operation)
        for crash in self.faults.crashes:
            if crash.hit(call, when):
                self.events.append({"type": "FaultCrash", "service": service, "operation": operation, "when": when,
                                    "function": call.function, "time": self.clock.now()})
                raise InvocationKilled()

    def maybe_throttle(self, service: str, operation: str) -> None:
        if self.faults.api_error_rate and self.rng.random() < self.faults.api_error_rate:
            from botocore.exceptions import ClientError

            self.events.append({"type": "FaultThrottled", "service": service, "operation": operation,
                                "time": self.clock.now()})
            raise ClientError({"Error": {"Code": "ThrottlingException", "Message": "Rate exceeded (injected)"},
                               "ResponseMetadata": {"HTTPStatusCode": 400}}, operation)

    def maybe_duplicate(self, name: str, kwargs: dict[str, Any]) -> None:
        if self.faults.duplicate_rate <= 0:
            return
        sqs = self.client("sqs")
        if name == "send_message":
            if self.rng.random() < self.faults.duplicate_rate:
                sqs.send_message(**kwargs)
                self.events.append({"type": "FaultDuplicate", "time": self.clock.now()})
            return
        for entry in kwargs.get("Entries", []):
            if self.rng.random() < self.faults.duplicate_rate:
                sqs.send_message(QueueUrl=kwargs["QueueUrl"], MessageBody=entry["MessageBody"],
                                 **({"DelaySeconds": entry["DelaySeconds"]} if "DelaySeconds" in entry else {}))
                self.events.append({"type": "FaultDuplicate", "time": self.clock.now()})

    # -- Lambda -----------------------------------------------------------------------------------------
    def invoke(self, logical: str, event: Any, *, start: str | None = None) -> tuple[Any, bool]:
        """One invocation: (response, completed). Billed as Lambda time: handlers + the runtime's calls.
        `start`: a direct invocation of an ingress function that starts execution `start` with `event` as input."""
        spec = self.dep.functions[logical]
        app = self.app(logical)
        self.meter.calls = 0
        self.invocation_seconds = 0.0
        started = self.clock.now()
        context = _Context(logical, spec.memory, spec.timeout, self.clock, started,
                           f"{self.rng.getrandbits(64):016x}")
        completed, response = True, None
        self.current = spec
        try:
            if start:
                app.services.learn_from_context(context)
                response = app.start(event, name=start)
            else:
                response = app.handle(event, context)
        except InvocationKilled:
            completed = False
        except Exception as err:
            if start:
                raise  # the caller of StartExecution gets the error
            # a function error: Lambda deletes nothing, the whole batch comes back after its visibility timeout
            self.events.append({"type": "FunctionError", "function": logical, "error": f"{type(err).__name__}: "
                                f"{err}", "time": self.clock.now()})
            completed = False
        finally:
            self.current = None
        runtime_seconds = self.meter.calls * API_CALL_SECONDS
        self.clock.advance(runtime_seconds)
        seconds = min(float(spec.timeout), self.invocation_seconds + runtime_seconds)
        self.meter.add(lambda_invocations=1, lambda_gb_seconds=round(spec.memory / 1024.0 * max(0.001, seconds), 9))
        self.meter.calls = 0
        return response, completed

    def poll(self, mapping: Mapping) -> bool:
        """One poller round for a mapping: True if it delivered something."""
        if not self.deliverable(mapping.queue):
            return False  # a real poller would make an empty receive here; it costs nothing per execution
        sqs = self.client("sqs")
        url = self.dep.ref(mapping.queue)
        res = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=min(10, mapping.batch_size),
                                  AttributeNames=["All"], MessageAttributeNames=["All"])
        messages = res.get("Messages", [])
        if not messages:
            return False
        self.meter.add(sqs_requests=_chunks(*[m["Body"] for m in messages]), sqs_receives=1)
        records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
                    "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
                    "eventSource": "aws:sqs", "eventSourceARN": self.dep.getatt(mapping.queue, "Arn"),
                    "awsRegion": REGION} for m in messages]
        response, completed = self.invoke(mapping.function, {"Records": records})
        if not completed:
            self.events.append({"type": "InvocationKilled", "function": mapping.function, "time": self.clock.now()})
            return True  # nothing deleted: the batch comes back after the visibility timeout
        if self.faults.lost_response_rate and self.rng.random() < self.faults.lost_response_rate:
            self.events.append({"type": "FaultLostResponse", "function": mapping.function, "time": self.clock.now()})
            return True
        failed = {f["itemIdentifier"] for f in (response or {}).get("batchItemFailures", [])} if mapping.partial \
            else set()
        done = [{"Id": str(i), "ReceiptHandle": r["receiptHandle"]} for i, r in enumerate(records)
                if r["messageId"] not in failed]
        if done:
            self.meter.add(sqs_requests=1, sqs_deletes=1)
            sqs.delete_message_batch(QueueUrl=url, Entries=done)
        return True

    def deliverable(self, queue: str) -> bool:
        """Whether a receive would find something (moto's in-memory queue, read without an API call)."""
        from moto.sqs.models import sqs_backends

        found = sqs_backends[ACCOUNT][REGION].queues.get(queue)
        return found is None or any(m.visible and not m.delayed for m in found._messages)

    def next_wakeup(self) -> float | None:
        """When the next message becomes visible or its delay ends (moto's internal state), in seconds."""
        from moto.sqs.models import sqs_backends

        now_ms = self.clock.now() * 1000.0
        best: float | None = None
        for queue in sqs_backends[ACCOUNT][REGION].queues.values():
            for message in queue._messages:
                moment = max(float(message.delayed_until or 0), float(message.visible_at or 0))
                if moment > now_ms and (best is None or moment < best):
                    best = moment
        return None if best is None else best / 1000.0 + 0.001

    def expire(self) -> None:
        """DynamoDB TTL: delete the items whose TTL attribute has passed (AWS does it within days; here at once,
        the worst case for the runtime)."""
        ddb, now = self.client("dynamodb"), self.clock.now()
        for table, attribute in self.ttl.items():
            kwargs: dict[str, Any] = {"TableName": table, "FilterExpression": "#ttl < :now",
                                      "ExpressionAttributeNames": {"#ttl": attribute},
                                      "ExpressionAttributeValues": {":now": {"N": str(int(now))}}}
            for page in ddb.get_paginator("scan").paginate(**kwargs):
                for item in page.get("Items", []):
                    key = {k: item[k] for k in _key_names(self.dep.tables[table])}
                    ddb.delete_item(TableName=table, Key=key)
                    self.events.append({"type": "ItemExpired", "table": table, "key": key, "time": now})

    def status(self, workflow: str, name: str) -> dict[str, Any] | None:
        item = self.client("dynamodb").get_item(
            TableName="FlowcExecutionsTable", Key={"pk": {"S": f"{workflow}/{name}"}, "sk": {"S": "EXECUTION"}},
            ConsistentRead=True).get("Item")
        return None if item is None else {k: next(iter(v.values())) for k, v in item.items()}

    def run(self, workflow: str, data: Any, *, max_invocations: int) -> tuple[str, dict[str, Any]]:
        ingress = self.dep.ingress[workflow]
        name = str(uuid.UUID(int=self.rng.getrandbits(128), version=4))
        for attempt in range(1, 6):  # a client retries StartExecution on throttling, with the same name
            try:
                started, completed = self.invoke(ingress, data, start=name)
                break
            except Exception as err:
                if attempt == 5:
                    raise SimulationError(f"starting {workflow} failed: {err}") from err
                self.clock.advance(0.1 * 2 ** attempt)
        if completed and not isinstance(started, dict):
            raise SimulationError(f"starting {workflow} failed: {started!r}")
        if not completed:  # the ingress died: the caller got no answer, the queues and the table decide what runs
            self.events.append({"type": "StartUnanswered", "workflow": workflow, "execution": name,
                                "time": self.clock.now()})
        mappings = sorted(self.dep.mappings, key=lambda m: m.queue)
        invocations = 0
        seen = 0
        idle = 0  # rounds in a row without a delivery
        while True:
            ended = any(e.get("type", "").startswith("Execution") and e["type"] != "ExecutionStarted"
                        and e.get("workflow") == workflow and e.get("execution") == name for e in self.events[seen:])
            seen = len(self.events)
            if ended or invocations == 0:
                record = self.status(workflow, name)
                if record is not None and record.get("status") != "RUNNING":
                    return name, record
            order = list(mappings)
            self.rng.shuffle(order)
            progressed = False
            for mapping in order:
                if self.poll(mapping):
                    progressed, idle = True, 0
                    invocations += 1
                    if invocations > max_invocations:
                        raise SimulationError(f"{workflow}/{name} still RUNNING after {max_invocations} invocations; "
                                              f"last events: {self.events[-8:]}")
            if not progressed:
                record = self.status(workflow, name)
                if record is not None and record.get("status") != "RUNNING":
                    return name, record
                idle += 1
                if idle < 3 and any(self.deliverable(m.queue) for m in mappings):
                    continue  # a receive moved a message to its dead-letter queue: the sweeper's turn
                wake = self.next_wakeup()
                if wake is None:
                    what = "is RUNNING" if record is not None else "has no execution record"
                    raise SimulationError(f"{workflow}/{name} {what} but no message is left in any queue; "
                                          f"last events: {self.events[-8:]}")
                self.clock.jump_to(wake)
                self.expire()
                idle = 0


class Snapshot:
    """The simulated stack at the end of a run, for tests (`simulate(..., observe=...)`)."""

    def __init__(self, sim: _Simulation, workflow: str, execution: str):
        self.sim = sim
        self.workflow = workflow
        self.execution = execution
        self.events = sim.events

    def client(self, service: str) -> Any:
        return _client(service)

    def lambda_api(self) -> Any:
        """Lambda as the runtime sees it: the handler functions run here (`functions.answer`), others in moto."""
        return _HandlerFunctions(self, self.client("lambda"))

    def messages(self, queue: str) -> list[Any]:
        """Bodies (JSON-decoded) of the messages in a queue, visible or not, without receiving them."""
        from moto.sqs.models import sqs_backends

        found = sqs_backends[ACCOUNT][REGION].queues[queue]._messages
        return [json.loads(m.body) for m in found]

    def items(self, table: str) -> list[dict[str, Any]]:
        return self.client("dynamodb").scan(TableName=table).get("Items", [])

    def tracking(self) -> list[dict[str, Any]]:
        return self.items("FlowcExecutionsTable")

    def queues(self) -> list[str]:
        return sorted(self.sim.dep.queues)


class _HandlerFunctions:
    """The simulated Lambda API: an invoke of a handler function runs, on the virtual clock, what the invoking
    step's handler is (declared or given), with the function's own context and timeout; the answer is the
    Lambda Python runtime's (targets/sqs/functions.py). Other calls go to moto."""

    def __init__(self, sim: _Simulation, client: Any):
        self._sim = sim
        self._client = client

    def invoke(self, *, FunctionName: str, InvocationType: str = "RequestResponse",  # boto3 spells them so
               Payload: bytes | str = b"", **kwargs: Any) -> dict[str, Any]:
        from flowc.targets.sqs.functions import FunctionTimedOut, answer

        sim = self._sim
        caller = sim.current
        code = sim.code.get((caller.env.get("FLOWC_WORKFLOW", ""), caller.state or "")) if caller else None
        if FunctionName not in sim.dep.handler_functions or code is None:
            return self._client.invoke(FunctionName=FunctionName, InvocationType=InvocationType, Payload=Payload,
                                       **kwargs)
        spec = sim.dep.functions[FunctionName]
        started = sim.clock.now()
        # request ids from a counter: the run's seeded draws (faults, jitter) stay what they were
        context = _Context(FunctionName, spec.memory, spec.timeout, sim.clock, started,
                           f"{FunctionName}-{sim.handler_calls()}")

        def run(event: Any, ctx: Any) -> Any:
            try:
                return code(event, ctx)
            except HandlerKilled:
                raise FunctionTimedOut(spec.timeout, ctx.aws_request_id) from None
        try:
            return answer(run, Payload, context, asynchronous=InvocationType == "Event")
        finally:
            sim.bill_handler(FunctionName, sim.clock.now() - started, invocation=False)  # Counted counts it

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _Context(LambdaContext):
    """The Lambda context, with the remaining time on the virtual clock."""

    def __init__(self, name: str, memory: int, timeout: int, clock: VirtualClock, started: float, request: str):
        super().__init__(name, memory, timeout, request)
        self._clock, self._deadline = clock, started + timeout

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - self._clock.now()) * 1000))


def _key_names(table: dict[str, Any]) -> list[str]:
    return [k["AttributeName"] for k in table["KeySchema"]]


def _mock_handler(m: Mock) -> Callable[..., Any]:
    def handler(event: Any, context: Any = None) -> Any:
        return m(event)

    def duration() -> float | None:
        if m.peek_waits():
            return math.inf  # never answers
        return m.peek_seconds()

    handler.flowc_duration = duration  # type: ignore[attr-defined]
    handler.flowc_mock = m  # type: ignore[attr-defined]
    return handler


def _error(exc: BaseException) -> Any:
    """Handler exceptions as the shared local contract reports them (flowc.targets.local.lambda_error)."""
    from flowc.targets.sqs.runtime.semantics import StatesError

    failure = exc if isinstance(exc, TaskFailure) else lambda_error(exc)
    return StatesError(failure.error, failure.cause or "")


@functools.cache
def _client(service: str) -> Any:
    import boto3

    return boto3.client(service, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")


def _runtime() -> Any:
    """The runtime package exactly as shipped in the layer (imported from flowc's source tree)."""
    import types

    from flowc.targets.sqs.runtime.entry import App
    from flowc.targets.sqs.runtime.flow import FlowRegistry
    from flowc.targets.sqs.runtime.services import Services

    return types.SimpleNamespace(App=App, FlowRegistry=FlowRegistry, Services=Services)


_CACHE: dict[int, tuple[CompileResult, Deployment]] = {}


def deployment(result: CompileResult) -> Deployment:
    """The rendered app of a compile result, parsed (cached per result object)."""
    cached = _CACHE.get(id(result))
    if cached is not None and cached[0] is result:
        return cached[1]
    from flowc.targets.sqs.target import check, render

    problems = [d for d in check(result) if d.is_error]
    if problems:
        raise ValueError("the SQS target does not support this program: " +
                         "; ".join(f"{d.code} {d.message}" for d in problems))
    files = render(result, Path("."), [])
    dep = Deployment.from_files(files)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[id(result)] = (result, dep)
    return dep


@contextlib.contextmanager
def _moto(clock: VirtualClock) -> Iterator[None]:
    from moto import mock_aws

    env = {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_SECURITY_TOKEN": "testing", "AWS_SESSION_TOKEN": "testing"}
    with mock.patch.dict(os.environ, env), mock_aws(), \
            mock.patch("moto.sqs.models.unix_time", clock.unix_time), \
            mock.patch("moto.sqs.models.unix_time_millis", clock.unix_time_millis):
        yield


def simulate(result: CompileResult, workflow: str, input: Any, *, handlers: dict[str, Callable] | None = None,
             mocks: dict[str, Mock] | None = None, seed: int = 0, faults: Faults | None = None,
             start_time: float = DEFAULT_START, max_invocations: int = 20000,
             observe: Callable[[Snapshot], None] | None = None) -> RunResult:
    """Execute `workflow` of a compiled program on the simulated SQS chain; the outcome and billed units."""
    dep = deployment(result)
    if workflow not in dep.ingress:
        raise KeyError(f"no workflow {workflow!r} in this program (have: {', '.join(dep.ingress)})")
    sim = _Simulation(result, dep, handlers=handlers, mocks=mocks, seed=seed, faults=faults, start=start_time)
    with _moto(sim.clock):
        sim.create_resources()
        name, record = sim.run(workflow, input, max_invocations=max_invocations)
        if observe is not None:
            observe(Snapshot(sim, workflow, name))
    status = record["status"]
    entered = _states_entered(sim.events, workflow, name)
    return RunResult(
        target="sqs", workflow=workflow, status=status,
        output=json.loads(record["output"]) if status == "SUCCEEDED" else None,
        error=record.get("error") if status != "SUCCEEDED" else None,
        cause=record.get("cause") if status != "SUCCEEDED" else None,
        states_entered=entered, events=_history(sim.events, workflow, name, dep),
        billed=sim.meter.billed,
        duration_ms=round((float(record.get("stopped_at", 0)) - float(record.get("started_at", 0))) * 1000),
    )


def _mine(event: dict, workflow: str, name: str) -> bool:
    return event.get("workflow") == workflow and event.get("execution") == name


def _states_entered(events: list[dict], workflow: str, name: str) -> list[str]:
    seen: set[str] = set()
    out = []
    for e in events:
        if e.get("type") == "StateEntered" and _mine(e, workflow, name) and e["key"] not in seen:
            seen.add(e["key"])
            out.append(e["state"])
    return out


def _history(events: list[dict], workflow: str, name: str, dep: Deployment) -> list[dict[str, Any]]:
    """The run in (a subset of) the AWS execution-history format."""
    types = {}
    flow = dep.flows.get(workflow, {})

    def index(graph: dict) -> None:
        for state_name, state in graph.get("States", {}).items():
            types[state_name] = state.get("Type", "Task")
            for sub in [*state.get("Branches", ()), state.get("ItemProcessor") or state.get("Iterator") or {}]:
                index(sub)
    index(flow.get("definition", {}))
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for e in events:
        if not _mine(e, workflow, name):
            continue
        kind = e["type"]
        base = {"id": len(out) + 1, "timestamp": e["time"]}
        if kind == "StateEntered":
            if e["key"] in seen:
                continue
            seen.add(e["key"])
            out.append({**base, "type": f"{types.get(e['state'], 'Task')}StateEntered",
                        "stateEnteredEventDetails": {"name": e["state"]}})
        elif kind == "TaskFailed":
            out.append({**base, "type": "TaskFailed", "taskFailedEventDetails": {
                "resource": e["state"], "error": e.get("error"), "cause": e.get("cause")}})
        elif kind == "ExecutionStarted":
            out.append({**base, "type": "ExecutionStarted", "executionStartedEventDetails": {
                "input": json.dumps(e.get("input"))}})
        elif kind == "ExecutionSucceeded":
            out.append({**base, "type": "ExecutionSucceeded", "executionSucceededEventDetails": {
                "output": json.dumps(e.get("output"))}})
        elif kind in ("ExecutionFailed", "ExecutionTimedOut"):
            out.append({**base, "type": kind, f"{kind[0].lower()}{kind[1:]}EventDetails": {
                "error": e.get("error"), "cause": e.get("cause")}})
    return out
