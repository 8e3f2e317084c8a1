"""moto's Step Functions interpreter as an executor for compiled ASL.

moto 5.2.5 ships a port of LocalStack's ASL interpreter (off by default). `SfnOracle` turns it on inside
`mock_aws`, and applies the few test-side patches that make it usable (see `PATCH_TARGETS`; every patch
is reverted on exit and guarded by a canary test, because a moto upgrade that renames a patched
attribute must fail loudly instead of silently disabling the patch):

1. Lambda: `LambdaSimpleBackend.invoke` only echoes its payload. It now runs the Python handler
   registered with `register_lambda`, in-process; an exception becomes a Lambda function error so
   ASL Retry/Catch see the exception's name as the error name (like the AWS Python runtime).
2. JSONata and Variables: moto stubs the JVM bridge `_eval_jsonata` (getmoto/moto#10105); it now
   evaluates with `jsonata-python`. Variable values are spliced into the expression text; moto
   quotes strings without escaping them, so they are JSON-encoded instead.
3. `states:startExecution[.sync|.sync:2]` (getmoto/moto#10076): `StateTaskService._normalise_parameters`
   / `_normalise_response` are no-ops in moto, so parameters never reach boto in its casing. They are
   re-implemented from botocore's service model; executions started without a name get a UUID name
   (moto names them `None`, so the second one collides).
4. Parsing: moto's Preprocessor keeps its QueryLanguage scope stack in a class-level list, so one
   definition that fails to parse poisons every later JSONPath CreateStateMachine in the process;
   each Preprocessor now gets its own list.
5. Wait states and Retry backoff do not sleep: the requested seconds are recorded in `oracle.sleeps`
   (`oracle.waits` / `oracle.backoffs` split them by origin) and the call returns at once. The
   `.sync` polling interval is lowered from 0.5 s to 5 ms (polling, not workflow time).

Use one oracle at a time (the patches are process-wide) and do not nest another `mock_aws()` inside
it: a nested mock_aws replaces moto's config (and so turns the interpreter off) until the outer one
stops.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import itertools
import json
import os
import re
import threading
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any
from unittest import mock

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's DEFAULT_ACCOUNT_ID
ROLE_NAME = "flowc-oracle-role"
ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE_NAME}"
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}
SYNC_POLL_SECONDS = 0.005

Handler = Callable[[Any, "LambdaContext"], Any]


# --------------------------------------------------------------------------------------------------
# What is patched, where, and why. The canary test imports every target and checks the attribute.
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PatchTarget:
    module: str
    owner: str | None  # class name inside `module`, or None for a module attribute
    attribute: str
    why: str

    def resolve(self) -> tuple[Any, Any]:
        """Return (owner object, current value); raises AttributeError when moto changed."""
        import importlib

        obj: Any = importlib.import_module(self.module)
        if self.owner is not None:
            obj = getattr(obj, self.owner)
        return obj, getattr(obj, self.attribute)

    def __str__(self) -> str:
        where = f"{self.module}.{self.owner}" if self.owner else self.module
        return f"{where}.{self.attribute}"


_SVC = "moto.stepfunctions.parser.asl.component.state.exec.state_task.service"
PATCH_TARGETS: dict[str, PatchTarget] = {
    "lambda_invoke": PatchTarget(
        "moto.awslambda_simple.models", "LambdaSimpleBackend", "invoke",
        "use_docker=False Lambda only echoes the payload and never fails: run registered handlers",
    ),
    "jsonata": PatchTarget(
        "moto.stepfunctions.parser.asl.jsonata.jsonata", None, "_eval_jsonata",
        "getmoto/moto#10105: JSONata/Variables call a stubbed JVM bridge (None): use jsonata-python",
    ),
    "jsonata_string_vars": PatchTarget(
        "moto.stepfunctions.parser.asl.eval.variable_store", None, "encode_jsonata_variable_declarations",
        "string variables are spliced into JSONata as '\"' + value + '\"' unescaped, so a value with a quote "
        "or backslash breaks every later expression (found here; no upstream issue seen): JSON-encode",
    ),
    "preprocessor_scope": PatchTarget(
        "moto.stepfunctions.parser.asl.parse.preprocessor", "Preprocessor", "_query_language_per_scope",
        "the QueryLanguage scope stack is a class-level list: a definition that fails to parse leaves its "
        "scope on it, and every later JSONPath definition in the process is rejected ('Unsupported "
        "declaration in QueryLanguage=JSONPath block'); parses in two threads share it too (found here; "
        "no upstream issue seen): give each Preprocessor its own list",
    ),
    "normalise_parameters": PatchTarget(
        f"{_SVC}.state_task_service", "StateTaskService", "_normalise_parameters",
        "getmoto/moto#10076: no-op, so startExecution gets SFN-cased keys boto does not know",
    ),
    "normalise_response": PatchTarget(
        f"{_SVC}.state_task_service", "StateTaskService", "_normalise_response",
        "getmoto/moto#10076: no-op, so .sync resolvers cannot find `ExecutionArn`",
    ),
    "start_execution_name": PatchTarget(
        "moto.stepfunctions.parser.models", "StepFunctionsParserBackend", "start_execution",
        "getmoto/moto#10076: an execution started without a name is named None; the 2nd collides",
    ),
    "wait": PatchTarget(
        "moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function",
        "WaitFunction", "_wait_interval",
        "Wait states really wait: record the seconds instead",
    ),
    "retry_sleep": PatchTarget(
        "moto.stepfunctions.parser.asl.component.common.retry.retrier_decl", None, "time",
        "Retry backoff calls time.sleep: give that module a clock whose sleep only records",
    ),
    "sync_poll": PatchTarget(
        f"{_SVC}.state_task_service_callback", None, "_DELAY_SECONDS_SYNC_CONDITION_CHECK",
        ".sync tasks poll the child every 0.5 s: poll every 5 ms",
    ),
}


# Confirmed differences from AWS, by id, so tests can name the one they work around, e.g.
# `pytest.mark.xfail(reason=KNOWN_DIFFERENCES["choice-no-match"])`. Each has a minimal reproduction in
# test_oracles.py (TestKnownDifferences), which fails once moto changes, and README.md.
KNOWN_DIFFERENCES: dict[str, str] = {
    "choice-no-match": "Choice with no match and no Default fails with States.Runtime "
                       "(AWS: States.NoChoiceMatched)",
    "item-batcher": "ItemBatcher is rejected by moto's ASL grammar at CreateStateMachine",
    "tolerated-failure-percentage-int": "an integer ToleratedFailurePercentage is rejected by the grammar "
                                        "(a float is accepted)",
    "jsonpath-and-or-filter": "JSONPath filters with && or || fail at run time with States.Runtime "
                              "(JsonPathParserError); AWS (Jayway) evaluates them (getmoto/moto#10078)",
    "distributed-map-express": "Distributed Map with ItemProcessor ExecutionType EXPRESS is rejected by "
                               "the grammar",
    "error-equals-unknown-states-name": "a Retry/Catch ErrorEquals naming an unknown 'States.' error (e.g. "
                                        "States.QuorumMet, raised by a Fail state) is rejected at "
                                        "CreateStateMachine; AWS deploys such definitions",
    "states-error-from-iteration": "a Map iteration (or Parallel branch) that fails with a 'States.' error, e.g. "
                                   "States.TaskFailed from a failed child execution, fails the state with "
                                   "States.Runtime (ValueError: Custom Error Names MUST NOT begin with 'States.'); "
                                   "AWS propagates the iteration's own error",
    "choice-missing-variable": "a Choice rule whose Variable is absent from the input compares false in moto "
                               "(the next rule or the Default is taken); AWS fails the state with "
                               "States.Runtime (only IsPresent may test an absent path)",
    "parallel-runtime-cause": "a States.Runtime error inside a Parallel branch surfaces with cause "
                              "\"ValueError(Custom Error Names MUST NOT begin with the prefix 'States.'...)\" "
                              "instead of the branch's cause",
    "create-checks-syntax-only": "CreateStateMachine checks syntax only: a missing Next target or an "
                                 "unreachable state is accepted (the run then fails with States.Runtime)",
    "http-invoke": "arn:aws:states:::http:invoke is rejected at CreateStateMachine (Unknown service 'http')",
    "no-sync-execution": "StartSyncExecution and TestState answer 404 Not yet implemented",
    "sync-output-text": "startExecution.sync's Output is the child's output re-serialised with spaces "
                        "('{\"a\": 1}'); InputDetails is absent. Compare parsed JSON, not text",
    "stop-execution-blocked": "StopExecution never gives ABORTED: while a task waits for a callback "
                              "(.waitForTaskToken) the execution stays RUNNING; a stop that lands earlier "
                              "in a task can turn into FAILED States.Runtime. SfnOracle's reset/stop also "
                              "fail pending callbacks so the threads end",
    "jsonata-uuid-hash": "the JSONata functions $uuid() and $hash() evaluate to the string 'Function $uuid "
                         "is currently not supported' (resp. $hash) instead of a value",
    "real-time-timeouts": "TimeoutSeconds/HeartbeatSeconds are measured in real (wall-clock) time: only Wait "
                          "states and Retry backoff are virtual",
}


# --------------------------------------------------------------------------------------------------
# Lambda handlers
# --------------------------------------------------------------------------------------------------
class HandlerError(Exception):
    """Raise from a handler to fail with an explicit ASL error name, e.g. `HandlerError("Pay.Declined")`.

    Without it the error name is the exception's class name, as the AWS Python runtime reports it.
    """

    def __init__(self, error_type: str, message: str = "") -> None:
        super().__init__(message)
        self.error_type = error_type


def error_class(name: str) -> type[Exception]:
    """An exception class named `name`, for handlers that should raise a custom error by class."""
    return type(name, (Exception,), {})


def error_type_of(exc: BaseException) -> str:
    """The `errorType` the AWS Python runtime would report for `exc`."""
    if isinstance(exc, HandlerError):
        return exc.error_type
    return type(exc).__name__


@dataclass
class LambdaContext:
    """The subset of the AWS Lambda context object handlers commonly read."""

    function_name: str
    invoked_function_arn: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    memory_limit_in_mb: int = 128
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 900_000


@dataclass
class Invocation:
    """One handler call, kept so tests can assert what a Lambda received."""

    function: str
    event: Any
    result: Any = None
    error: BaseException | None = None


# --------------------------------------------------------------------------------------------------
# Execution results
# --------------------------------------------------------------------------------------------------
def _details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def _maybe_json(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


@dataclass
class ExecutionResult:
    """What one execution did: status, parsed output, error/cause and the raw history (AWS names)."""

    arn: str
    status: str
    input: Any
    output: Any
    error: str | None
    cause: str | None
    events: list[dict[str, Any]]
    sleeps: list[float]

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"

    def events_of(self, *types: str) -> list[dict[str, Any]]:
        """History events of the given types (e.g. "TaskFailed", "MapIterationSucceeded")."""
        return [e for e in self.events if e["type"] in types]

    @property
    def states_entered(self) -> list[str]:
        """Names of entered states in history order, including those inside Map and Parallel."""
        return [_details(e)["name"] for e in self.events if e["type"].endswith("StateEntered")]

    @property
    def states_exited(self) -> list[str]:
        return [_details(e)["name"] for e in self.events if e["type"].endswith("StateExited")]

    def entered(self, state: str) -> int:
        """How many times `state` was entered."""
        return self.states_entered.count(state)

    def state_output(self, state: str) -> Any:
        """Parsed output of the last exit of `state` (KeyError when it never exited)."""
        for e in reversed(self.events):
            if e["type"].endswith("StateExited") and _details(e)["name"] == state:
                return _maybe_json(_details(e).get("output"))
        raise KeyError(state)

    @property
    def transitions(self) -> list[tuple[str, str]]:
        """(from, to) pairs of consecutively entered states; meaningful for sequential flows."""
        names = self.states_entered
        return list(itertools.pairwise(names))

    @property
    def failures(self) -> list[tuple[str, str | None, str | None]]:
        """(event type, error, cause) of every *Failed/*TimedOut event, e.g. each failed attempt."""
        out = []
        for e in self.events:
            if e["type"].endswith(("Failed", "TimedOut")):
                d = _details(e)
                out.append((e["type"], d.get("error"), d.get("cause")))
        return out

    def __str__(self) -> str:
        head = f"{self.status} output={self.output!r}"
        if self.error or self.cause:
            head += f" error={self.error!r} cause={self.cause!r}"
        return f"{head} states={self.states_entered}"


class ExecutionTimeout(AssertionError):
    """An execution was still RUNNING after `timeout` seconds of wall time."""


# --------------------------------------------------------------------------------------------------
# Definition substitutions, the way CloudFormation applies them
# --------------------------------------------------------------------------------------------------
def definition_string(definition: dict[str, Any] | str) -> str:
    """The definition as CloudFormation passes it on: an object is serialised (sorted, indented)."""
    if isinstance(definition, str):
        return definition
    return json.dumps(definition, indent=2, sort_keys=True)


def _substitution_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def apply_substitutions(definition: str, substitutions: dict[str, Any] | None) -> str:
    """Replace `${Key}` placeholders like AWS::StepFunctions::StateMachine's DefinitionSubstitutions.

    The resource provider does a plain textual replacement (Apache `StringUtils.replaceEachRepeatedly`):
    no JSON escaping, placeholders with no entry are left as they are, replacement repeats while a value
    itself contains a placeholder, and a cycle is an error.
    """
    if not substitutions:
        return definition
    table = {"${" + key + "}": _substitution_value(value) for key, value in substitutions.items()}
    # Longest first, so `${Ab}` wins over `${A}` if both were ever prefixes of each other.
    regex = re.compile("|".join(sorted((re.escape(k) for k in table), key=len, reverse=True)))
    text = definition
    for _ in range(len(table) + 1):
        replaced = regex.sub(lambda m: table[m.group(0)], text)
        if replaced == text:
            return replaced
        text = replaced
    if regex.search(text):
        raise ValueError("DefinitionSubstitutions are cyclic: output of one pass is the input of another")
    return text


# --------------------------------------------------------------------------------------------------
# Normalisation of service-integration parameters/responses from botocore's model (moto#10076)
# --------------------------------------------------------------------------------------------------
@functools.cache
def _operation_model(service: str, snake_action: str) -> Any:
    """botocore's OperationModel for e.g. ("stepfunctions", "start_execution"), or None."""
    from botocore import xform_name
    from botocore.exceptions import UnknownServiceError

    try:
        model = _botocore_session().get_service_model(service)
    except UnknownServiceError:
        return None
    wanted = snake_action.replace("_", "")
    for name in model.operation_names:
        # moto's camel_to_snake_case and botocore's xform_name split acronyms differently.
        if xform_name(name).replace("_", "") == wanted:
            return model.operation_model(name)
    return None


@functools.cache
def _botocore_session() -> Any:
    import botocore.session

    return botocore.session.get_session()


def _normalise_parameters(self: Any, parameters: dict, boto_service_name: str | None = None,
                          service_action_name: str | None = None) -> None:
    """Rename ASL parameter keys to boto's member names (and stringify string members), per the model."""
    op = _operation_model(self._get_boto_service_name(boto_service_name),
                          self._get_boto_service_action(service_action_name))
    if op is not None and op.input_shape is not None:
        self._to_boto_request(parameters, op.input_shape)


def _normalise_response(self: Any, response: Any, boto_service_name: str | None = None,
                        service_action_name: str | None = None) -> None:
    """Rename boto response keys to Step Functions' PascalCase, per the model's output shape."""
    op = _operation_model(self._get_boto_service_name(boto_service_name),
                          self._get_boto_service_action(service_action_name))
    if op is not None and op.output_shape is not None:
        self._from_boto_response(response, op.output_shape)
    _dates_to_epoch_millis(response)


def _dates_to_epoch_millis(value: Any) -> Any:
    """boto parses timestamps into datetimes, which moto cannot serialise into the execution output;
    Step Functions' integrations report them as epoch milliseconds (e.g. `StartDate` of `.sync`)."""
    if isinstance(value, dict):
        for key, item in value.items():
            value[key] = _dates_to_epoch_millis(item)
    elif isinstance(value, list):
        value[:] = [_dates_to_epoch_millis(item) for item in value]
    elif isinstance(value, datetime.datetime):
        return int(value.timestamp() * 1000)
    return value


def _eval_jsonata_python(expression: str) -> Any:
    """Evaluate like moto's JVM bridge would: plain JSON out, JSONataException on any failure."""
    import jsonata
    from moto.stepfunctions.parser.asl.jsonata.jsonata import JSONataException

    try:
        result = jsonata.Jsonata(expression).evaluate(None)
        # The bridge round-trips through a JSON string; do the same (drops jsonata-python's list types).
        return json.loads(json.dumps(result))
    except Exception as ex:
        raise JSONataException("UNKNOWN", str(ex)) from ex


def _encode_variable_declarations(bindings: dict[str, Any]) -> str:
    """`$a:=<JSON>;$b:=<JSON>;` - JSON literals are valid JSONata literals, strings included."""
    return "".join(
        f"{ref}:={json.dumps(value, separators=(',', ':'), default=str)};" for ref, value in bindings.items()
    )


class _PerInstanceList:
    """Stands in for `Preprocessor._query_language_per_scope`: a fresh list on every instance."""

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        return obj.__dict__.setdefault("_oracle_query_language_per_scope", [])


class _RecordingClock:
    """Stands in for the `time` module inside moto's retrier: `sleep` records instead of sleeping."""

    def __init__(self, record: Callable[[float], None]) -> None:
        self._record = record

    def sleep(self, seconds: float) -> None:
        self._record(float(seconds))

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


_ACTIVE_LOCK = threading.Lock()
_ACTIVE: list[SfnOracle] = []


def check_patch_targets() -> list[str]:
    """Problems with the patch targets (empty when every patched attribute still exists)."""
    problems = []
    for key, target in PATCH_TARGETS.items():
        try:
            target.resolve()
        except (ImportError, AttributeError) as ex:
            problems.append(f"{key}: {target} is gone ({ex}); the patch '{target.why}' cannot apply")
    return problems


# --------------------------------------------------------------------------------------------------
# The oracle
# --------------------------------------------------------------------------------------------------
class SfnOracle:
    """moto Step Functions (+ Lambda, DynamoDB, SNS, SQS fakes) that really executes ASL.

    `with SfnOracle() as oracle:` or the `sfn_oracle` fixture from `tests.oracles.fixtures`.
    """

    def __init__(self, region: str = REGION) -> None:
        self.region = region
        self.sleeps: list[float] = []
        self.waits: list[float] = []
        self.backoffs: list[float] = []
        self.invocations: list[Invocation] = []
        self._handlers: dict[str, Handler] = {}
        self._stack: contextlib.ExitStack | None = None
        self._role_ready = False
        self._lock = threading.Lock()

    # ---- lifecycle ---------------------------------------------------------------------------------
    def __enter__(self) -> SfnOracle:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        from moto import mock_aws

        with _ACTIVE_LOCK:
            if _ACTIVE:
                raise RuntimeError("another SfnOracle is active: the moto patches are process-wide")
            _ACTIVE.append(self)
        stack = contextlib.ExitStack()
        try:
            stack.enter_context(mock.patch.dict(os.environ, {
                "AWS_DEFAULT_REGION": self.region,
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SECURITY_TOKEN": "testing",
                "AWS_SESSION_TOKEN": "testing",
            }))
            stack.enter_context(mock_aws(config=MOTO_CONFIG))  # type: ignore[arg-type]
            for key, replacement in self._replacements().items():
                owner, _ = PATCH_TARGETS[key].resolve()  # AttributeError here = moto changed
                stack.enter_context(mock.patch.object(owner, PATCH_TARGETS[key].attribute, replacement))
        except BaseException:
            stack.close()
            with _ACTIVE_LOCK:
                _ACTIVE.remove(self)
            raise
        self._stack = stack

    def stop(self) -> None:
        if self._stack is None:
            return
        try:
            self._stop_running_executions()
        finally:
            self._stack.close()
            self._stack = None
            with _ACTIVE_LOCK:
                if self in _ACTIVE:
                    _ACTIVE.remove(self)

    def reset(self) -> None:
        """Forget every resource, handler and recording (moto backends are reset, patches stay)."""
        from moto.core.base_backend import BackendDict

        self._stop_running_executions()
        BackendDict.reset()
        self._handlers.clear()
        self.sleeps.clear()
        self.waits.clear()
        self.backoffs.clear()
        self.invocations.clear()
        self._role_ready = False

    def warm_up(self) -> float:
        """Pay the interpreter's one-off costs (ANTLR parser caches, jsonata import); returns seconds."""
        t0 = time.perf_counter()
        arn = self.deploy({
            "StartAt": "A",
            "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"x": 1},
                             "Output": "{% $x %}", "Next": "B"},
                       "B": {"Type": "Pass", "Parameters": {"v.$": "$"}, "End": True}},
        }, name=f"warm-up-{uuid.uuid4().hex[:8]}")
        self.execute(arn, {})
        return time.perf_counter() - t0

    # ---- patches -----------------------------------------------------------------------------------
    def _replacements(self) -> dict[str, Any]:
        oracle = self
        original_start_execution = PATCH_TARGETS["start_execution_name"].resolve()[1]

        def invoke(backend: Any, function_name: str, qualifier: str | None, body: Any, headers: Any,
                   response_headers: Any) -> bytes:
            return oracle._invoke(backend, function_name, qualifier, body, headers, response_headers)

        def start_execution(backend: Any, state_machine_arn: str, name: str | None = None,
                            execution_input: Any = None, trace_header: Any = None) -> Any:
            return original_start_execution(backend, state_machine_arn, name or str(uuid.uuid4()),
                                            execution_input, trace_header)

        def wait_interval(_wait_function: Any, env: Any, wait_seconds: float) -> None:
            oracle._record(oracle.waits, max(0.0, float(wait_seconds)))

        return {
            "lambda_invoke": invoke,
            "jsonata": _eval_jsonata_python,
            "jsonata_string_vars": _encode_variable_declarations,
            "preprocessor_scope": _PerInstanceList(),
            "normalise_parameters": _normalise_parameters,
            "normalise_response": _normalise_response,
            "start_execution_name": start_execution,
            "wait": wait_interval,
            "retry_sleep": _RecordingClock(lambda s: oracle._record(oracle.backoffs, s)),
            "sync_poll": SYNC_POLL_SECONDS,
        }

    def _record(self, bucket: list[float], seconds: float) -> None:
        with self._lock:
            bucket.append(seconds)
            self.sleeps.append(seconds)

    def _invoke(self, backend: Any, function_name: str, qualifier: str | None, body: Any, headers: Any,
                response_headers: dict[str, str]) -> bytes:
        fn = backend.get_function(function_name, qualifier)  # ResourceNotFound like real moto/AWS
        name = fn.function_name
        handler = self._handlers.get(name)
        raw = body.decode() if isinstance(body, bytes) else (body or "")
        event = json.loads(raw) if raw.strip() else {}
        record = Invocation(function=name, event=event)
        with self._lock:
            self.invocations.append(record)
        if handler is None:
            record.error = LookupError(f"no handler registered for Lambda {name!r}")
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": "Oracle.NoHandlerRegistered",
                               "errorMessage": str(record.error)}).encode()
        context = LambdaContext(function_name=name, invoked_function_arn=fn.function_arn,
                                log_group_name=f"/aws/lambda/{name}")
        try:
            record.result = handler(event, context)
        except Exception as exc:
            record.error = exc
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": error_type_of(exc), "errorMessage": str(exc)}).encode()
        return json.dumps(record.result).encode()

    def _stop_running_executions(self) -> None:
        """Stop executions a test left running (e.g. waiting for a task token): no stray threads."""
        from moto.stepfunctions.parser.models import stepfunctions_parser_backends

        try:
            backend = stepfunctions_parser_backends[ACCOUNT_ID][self.region]
            executions = backend._get_executions()
        except Exception:
            return
        from moto.stepfunctions.parser.asl.eval.callback.callback import CallbackOutcomeFailure

        for execution in executions:
            if execution.status != "RUNNING":
                continue
            with contextlib.suppress(Exception):
                execution.stop(stop_date=datetime.datetime.now(datetime.UTC), error="Oracle.Stopped",
                               cause="stopped by SfnOracle")
            # Stopping alone leaves a task blocked on a callback (waitForTaskToken, activity) waiting for
            # ever; failing its callbacks lets the now-stopped program unwind and its threads end.
            with contextlib.suppress(Exception):
                pool = execution.exec_worker.env.callback_pool_manager
                for callback_id in list(pool._pool):
                    pool.notify(callback_id, CallbackOutcomeFailure(
                        callback_id=callback_id, error="Oracle.Stopped", cause="stopped by SfnOracle"))

    # ---- clients and resources ---------------------------------------------------------------------
    def client(self, service: str) -> Any:
        """A cached boto3 client for `service` in the oracle's region (only valid while started)."""
        if self._stack is None:
            raise RuntimeError("SfnOracle is not started: its clients would reach real AWS")
        return _client(service, self.region)

    @property
    def sfn(self) -> Any:
        return self.client("stepfunctions")

    def _ensure_role(self) -> None:
        if self._role_ready:
            return
        iam = self.client("iam")
        trust = {"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "sts:AssumeRole",
            "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]}}]}
        with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
            iam.create_role(RoleName=ROLE_NAME, AssumeRolePolicyDocument=json.dumps(trust))
        self._role_ready = True

    def register_lambda(self, name: str, handler: Handler) -> str:
        """Create Lambda `name` in moto and run `handler(event, context)` when it is invoked; its ARN."""
        self._ensure_role()
        self._handlers[name] = handler
        lam = self.client("lambda")
        try:
            return lam.get_function(FunctionName=name)["Configuration"]["FunctionArn"]
        except lam.exceptions.ResourceNotFoundException:
            pass
        return lam.create_function(
            FunctionName=name, Runtime="python3.12", Role=ROLE_ARN, Handler="index.handler",
            Code={"ZipFile": _STUB_ZIP}, Timeout=30,
        )["FunctionArn"]

    def create_table(self, name: str, key: str = "id") -> str:
        """An on-demand DynamoDB table with a string hash key; its ARN."""
        return self.client("dynamodb").create_table(
            TableName=name, BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
        )["TableDescription"]["TableArn"]

    def create_topic(self, name: str) -> str:
        return self.client("sns").create_topic(Name=name)["TopicArn"]

    def create_queue(self, name: str, **attributes: str) -> str:
        """An SQS queue; its ARN (use `queue_url` for the URL that sqs:sendMessage wants)."""
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def queue_url(self, name_or_arn: str) -> str:
        return self.client("sqs").get_queue_url(QueueName=name_or_arn.rsplit(":", 1)[-1])["QueueUrl"]

    def drain_queue(self, name_or_arn: str) -> list[Any]:
        """Receive and delete every visible message; bodies parsed as JSON when they are JSON."""
        sqs, url, bodies = self.client("sqs"), self.queue_url(name_or_arn), []
        while True:
            msgs = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not msgs:
                return bodies
            for m in msgs:
                bodies.append(_maybe_json(m["Body"]))
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    # ---- state machines ----------------------------------------------------------------------------
    def deploy(self, definition: dict[str, Any] | str, *, name: str, type: str = "STANDARD",
               substitutions: dict[str, Any] | None = None) -> str:
        """CreateStateMachine after applying DefinitionSubstitutions as CloudFormation would; its ARN.

        moto only checks syntax here (missing `Next` targets and unreachable states are accepted).
        """
        self._ensure_role()
        text = apply_substitutions(definition_string(definition), substitutions)
        return self.sfn.create_state_machine(
            name=name, definition=text, roleArn=ROLE_ARN, type=type,
        )["stateMachineArn"]

    def start_execution(self, arn: str, input: Any = None, *, name: str | None = None) -> str:
        """Start an execution without waiting (e.g. to SendTaskSuccess meanwhile); its ARN."""
        return self.sfn.start_execution(
            stateMachineArn=arn, name=name or str(uuid.uuid4()),
            input=json.dumps({} if input is None else input),
        )["executionArn"]

    def wait_for(self, execution_arn: str, *, timeout: float = 30.0, first_sleep: int = 0) -> ExecutionResult:
        """Wait (wall-clock `timeout`) until the execution is no longer RUNNING; what it did."""
        deadline = time.monotonic() + timeout
        status = self._status_probe(execution_arn)
        while status() == "RUNNING":
            if time.monotonic() > deadline:
                entered = [_details(e).get("name") for e in self.history(execution_arn)
                           if e["type"].endswith("StateEntered")]
                raise ExecutionTimeout(f"{execution_arn} still RUNNING after {timeout}s; entered: {entered}")
            time.sleep(0.001)
        desc = self.sfn.describe_execution(executionArn=execution_arn)
        return ExecutionResult(
            arn=execution_arn, status=desc["status"], input=_maybe_json(desc.get("input")),
            output=_maybe_json(desc.get("output")), error=desc.get("error"), cause=desc.get("cause"),
            events=self.history(execution_arn), sleeps=list(self.sleeps[first_sleep:]),
        )

    def execute(self, arn: str, input: Any = None, *, name: str | None = None,
                timeout: float = 30.0) -> ExecutionResult:
        """Start an execution, wait for it to end (wall-clock `timeout`) and return what it did.

        `result.sleeps` holds the Wait/Retry seconds requested while it ran (by any execution).
        """
        first_sleep = len(self.sleeps)
        exec_arn = self.start_execution(arn, input, name=name)
        return self.wait_for(exec_arn, timeout=timeout, first_sleep=first_sleep)

    def _status_probe(self, execution_arn: str) -> Callable[[], str]:
        """Read the status off moto's Execution object (cheap, so polling every ms costs nothing);
        fall back to DescribeExecution if moto's backend layout ever changes."""
        try:
            from moto.stepfunctions.parser.models import stepfunctions_parser_backends

            execution = stepfunctions_parser_backends[ACCOUNT_ID][self.region].describe_execution(execution_arn)
            execution.status  # noqa: B018 - probe the attribute once
            return lambda: execution.status
        except Exception:
            return lambda: self.sfn.describe_execution(executionArn=execution_arn)["status"]

    def history(self, execution_arn: str) -> list[dict[str, Any]]:
        """The raw execution history (boto3 shapes: `type`, `id`, `stateEnteredEventDetails`, ...)."""
        events: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"executionArn": execution_arn, "maxResults": 1000}
        while True:
            page = self.sfn.get_execution_history(**kwargs)
            events.extend(page["events"])
            if not page.get("nextToken"):
                return events
            kwargs["nextToken"] = page["nextToken"]


def _stub_zip() -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


_STUB_ZIP = _stub_zip()


@functools.cache
def _client(service: str, region: str) -> Any:
    """Clients are cached per process: creating one costs 20-100 ms, and moto intercepts every client."""
    import boto3

    return boto3.client(service, region_name=region, aws_access_key_id="testing",
                        aws_secret_access_key="testing")


@contextlib.contextmanager
def sfn_oracle() -> Iterator[SfnOracle]:
    """`with sfn_oracle() as oracle:` - the same as `with SfnOracle() as oracle:`."""
    with SfnOracle() as oracle:
        yield oracle
