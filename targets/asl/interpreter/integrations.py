"""Task states: what runs behind a `Resource`, and the history events AWS records for it.

Resolution for a Task state `S` of workflow `W`, first match wins:

1. a mock (`flowc.targets.local.Mock`) keyed `W.S` or `S`: it stands in for the whole integration (its result is the
   task's raw result; for `.waitForTaskToken` it is the callback: result = SendTaskSuccess, error =
   SendTaskFailure, `{"wait": true}` = no callback ever);
2. a handler keyed `W.S` or `S`: called like a Lambda handler with the task's parameters;
3. by resource: a Lambda function ARN (direct, or `lambda:invoke`'s FunctionName) runs the declared
   function's handler in-process; `states:startExecution[.sync|.sync:2|.waitForTaskToken]` of a known
   state machine runs it as a child execution in this interpreter; `aws-sdk:sfn:sendTask*` reach this
   interpreter's callbacks; other service integrations call the `services` backend (moto);
4. otherwise the run stops with `RunAborted` naming the step and what it needs (a mock).

Virtual durations: a Lambda handler takes `lambda_seconds` (default 50 ms, the SQS simulator's figure)
unless it carries `flowc_duration` (see `flowc.targets.sqs.simulator.slow`) or its mock says `"seconds"`;
service calls take `service_seconds` (10 ms).
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import functools
import json
import sys
import uuid
from collections.abc import Callable
from typing import Any

from flowc.targets import local
from flowc.targets.local import LambdaContext, Mock, TaskFailure, lambda_error
from flowc.targets.runtime.errors import HEARTBEAT_TIMEOUT, RUNTIME, TIMEOUT, StatesError

from . import billing
from . import expressions as ex
from . import history as hist_mod
from .interface import Engine, RunAborted
from .scheduler import Park, Sleep

REGION = "us-east-1"
_TASK_SCHEDULED = ("resourceType", "resource", "region", "parameters")


def _from_snapshot(snap: bytes | str) -> Any:
    return json.loads(snap)


def _submitted(history: Any, previous: int, resource_type: str, resource: str, output: Any) -> int:
    """TaskSubmitted: the output the service answered when the task was submitted."""
    return history.add_data("TaskSubmitted", previous, hist_mod.TASK_OUTPUT, (
        resource_type, resource, hist_mod.snapshot(output) if history.enabled else "", hist_mod.NOT_TRUNCATED))


def _scheduled_limits(keys: tuple[str, ...], values: tuple[Any, ...], timeout: float | None,
                      heartbeat: float | None) -> tuple[tuple[str, ...], tuple[Any, ...]]:
    """TaskScheduled's details with `timeoutInSeconds`/`heartbeatInSeconds` after the parameters."""
    if timeout is not None:
        keys, values = (*keys, "timeoutInSeconds"), (*values, int(timeout))
    if heartbeat is not None:
        keys, values = (*keys, "heartbeatInSeconds"), (*values, int(heartbeat))
    return keys, values
ACCOUNT = "123456789012"
OPTIMIZED_PREFIX = "arn:aws:states:::"
LAMBDA_PREFIX = "arn:aws:lambda:"
ACTIVITY_MARK = ":activity:"
DEFAULT_LAMBDA_SECONDS = 0.05
DEFAULT_SERVICE_SECONDS = 0.01
SUFFIXES = (".waitForTaskToken", ".sync:2", ".sync")


class FunctionSpec:
    """A Lambda function the run knows: its handler (or a loader for it), memory and timeout."""

    __slots__ = ("_handler", "loader", "memory_mb", "name", "timeout_s")

    def __init__(self, name: str, handler: Callable[..., Any] | None = None, *,
                 loader: Callable[[], Callable[..., Any]] | None = None, memory_mb: int = 128,
                 timeout_s: int = 3):
        self.name = name
        self._handler = handler
        self.loader = loader
        self.memory_mb = memory_mb
        self.timeout_s = timeout_s

    @property
    def handler(self) -> Callable[..., Any] | None:
        """The handler, loaded on first use; None for a function known only by its ARN."""
        if self._handler is None and self.loader is not None:
            self._handler = self.loader()
        return self._handler


@functools.lru_cache(maxsize=4096)  # a pure function of a definition's text: worked out once per resource
def split_resource(resource: str) -> tuple[str, str, str]:
    """`arn:aws:states:::sqs:sendMessage.waitForTaskToken` -> ("sqs", "sendMessage", ".waitForTaskToken")."""
    rest = resource[len(OPTIMIZED_PREFIX):]
    suffix = ""
    for candidate in SUFFIXES:
        if rest.endswith(candidate):
            suffix = candidate
            rest = rest[: -len(candidate)]
            break
    if rest.startswith("aws-sdk:"):
        _, service, action = [*rest.split(":", 2), "", ""][:3]
        return "aws-sdk:" + service, action, suffix
    service, _, action = rest.partition(":")
    return service, action, suffix


@functools.lru_cache(maxsize=4096)
def function_name(arn_or_name: str) -> str:
    """The function name in a Lambda ARN (with or without qualifier) or a bare name."""
    if arn_or_name.startswith(LAMBDA_PREFIX):
        parts = arn_or_name.split(":")
        return parts[6] if len(parts) > 6 else arn_or_name
    return arn_or_name.split(":")[0]


def _sdk_metadata(rng: Any) -> dict[str, Any]:
    request_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return {
        "SdkHttpMetadata": {"AllHttpHeaders": {"X-Amzn-Requestid": [request_id]},
                            "HttpHeaders": {"X-Amzn-Requestid": request_id}, "HttpStatusCode": 200},
        "SdkResponseMetadata": {"RequestId": request_id},
    }


class TaskRunner:
    """Runs Task states for an `Interpreter`. See the module docstring for the resolution order."""

    def __init__(self, *, functions: dict[str, FunctionSpec] | None = None,
                 handlers: dict[str, Callable[..., Any]] | None = None, mocks: dict[str, Any] | None = None,
                 services: Any = None, lambda_seconds: float = DEFAULT_LAMBDA_SECONDS,
                 service_seconds: float = DEFAULT_SERVICE_SECONDS, sdk_metadata: bool = True,
                 item_readers: dict[str, Any] | None = None):
        self.functions = dict(functions or {})
        self.handlers = dict(handlers or {})
        self.mocks = {k: (v if isinstance(v, Mock) else Mock(v)) for k, v in (mocks or {}).items()}
        self.services = services
        self.lambda_seconds = lambda_seconds
        self.service_seconds = service_seconds
        self.sdk_metadata = sdk_metadata
        self.item_readers = dict(item_readers or {})
        self.interp: Engine = None  # type: ignore[assignment]  # set by `bind`, before any task runs
        self._current_meter = billing.Meter()
        # (state, resource, input, whether input is its JSON snapshot) of every task call
        self._calls: list[tuple[str, str, Any, bool]] = []

    def bind(self, interp: Engine) -> None:
        """The interpreter this runner serves (it passes itself): all the runner knows of the engine."""
        self.interp = interp

    @property
    def calls(self) -> list[dict[str, Any]]:
        """Every task call: state, resource, input (for tests; kept as tuples, one object fewer per call for
        the garbage collector of a long-lived interpreter)."""
        return [{"state": state, "resource": resource, "input": _from_snapshot(value) if snap else value}
                for state, resource, value, snap in self._calls]

    def _lookup(self, table: dict[str, Any], workflow: str, state: str) -> Any:
        if not table:  # (most runs give no handlers by step, many no mocks)
            return None
        return table.get(f"{workflow}.{state}", table.get(state))

    # -- the entry point -----------------------------------------------------------------------------------
    def run(self, frame: Any, st: Any, params: Any, ctx: Any, timeout: float | None, heartbeat: float | None,
            token: str | None = None):
        """The generator that runs the task: the integration's own, handed back rather than delegated to (the
        engine's `yield from` starts it at once, so everything here happens when it would inside a generator,
        and each resume of the task passes one generator fewer)."""
        execution = frame.execution
        resource = st.resource
        if not isinstance(resource, str):
            raise StatesError(RUNTIME, f"Task state '{st.name}' has no Resource")
        workflow = execution.machine.name
        mock = self._lookup(self.mocks, workflow, st.name)
        handler = None if mock is not None else self._lookup(self.handlers, workflow, st.name)
        self._current_meter = execution.meter
        if execution.history.enabled:  # the snapshot the task's history event reuses (a copy, not kept alive)
            self._calls.append((st.name, resource, frame.snapshot(params), True))
        else:
            self._calls.append((st.name, resource, params, False))
        if resource.startswith(LAMBDA_PREFIX):
            return self._lambda_direct(frame, st, resource, params, mock, handler, timeout)
        if ACTIVITY_MARK in resource:
            return self._activity(frame, st, resource, params, mock, handler, timeout, heartbeat)
        if not resource.startswith(OPTIMIZED_PREFIX):
            raise local_abort(st, f"resource {resource!r} is not an ARN this interpreter knows; give it a mock")
        service, action, suffix = split_resource(resource)
        return self._service(frame, st, service, action, suffix, params, mock, handler, timeout, heartbeat, token)

    # -- Lambda ------------------------------------------------------------------------------------------------
    def _function(self, name: str) -> FunctionSpec:
        spec = self.functions.get(name)
        if spec is None:
            spec = FunctionSpec(name)
        return spec

    def _invoke_handler(self, st: Any, spec: FunctionSpec | None, fn: Callable[..., Any], event: Any,
                        mock: Mock | None, event_snap: Any = None):
        """Run a handler in virtual time: (seconds, killed, limit, result, error, the result's JSON text);
        bills Lambda when it is one. `event_snap`: the event's snapshot, if made already (the copy reuses it)."""
        interp = self.interp
        memory = spec.memory_mb if spec is not None else 128
        limit = spec.timeout_s if spec is not None else 900
        seconds = self.lambda_seconds
        if mock is not None:
            declared = mock.peek_seconds()
            if declared is not None:
                seconds = declared
        elif getattr(fn, "flowc_duration", None) is not None:
            seconds = float(fn.flowc_duration())
        request_id = interp.new_name()  # drawn for a mock too: the seeded names after it stay the same
        killed = seconds >= limit
        error: TaskFailure | None = None
        result = result_snap = None
        if not killed:
            try:
                with local.callback_receiver(interp):
                    copied = ex.copy_from(event, event_snap)
                    context = None if mock is not None else LambdaContext(
                        spec.name if spec is not None else st.name, memory, limit, request_id=request_id)
                    if interp.tokens and "botocore.client" in sys.modules:  # else there is nothing to route
                        with _sfn_callbacks_routed(interp):
                            result = fn(copied) if context is None else fn(copied, context)
                    else:
                        result = fn(copied) if context is None else fn(copied, context)
                result, result_snap = ex.copy_json_text(result)
            except TaskFailure as failure:
                error = failure
            except StatesError as failure:
                error = TaskFailure(failure.error, failure.cause)
            except Exception as exc:
                error = lambda_error(exc)
        if spec is not None or mock is None:
            meter = self._current_meter
            meter.add("lambda_invocations")
            meter.add("lambda_gb_seconds", _gb_seconds(memory, min(seconds, limit)))
        return min(seconds, float(limit)), killed, limit, result, error, result_snap

    def _lambda_direct(self, frame: Any, st: Any, resource: str, params: Any, mock: Mock | None,
                       handler: Callable[..., Any] | None, timeout: float | None):
        history = frame.execution.history
        snap = None
        if history.enabled:
            snap = frame.snapshot(params)
            if timeout is None:
                frame.last = history.add_data("LambdaFunctionScheduled", frame.last, hist_mod.LAMBDA_SCHEDULED,
                                              (resource, snap, hist_mod.NOT_TRUNCATED))
            else:
                frame.last = history.add_data("LambdaFunctionScheduled", frame.last, hist_mod.LAMBDA_SCHEDULED_TIMEOUT,
                                              (resource, snap, hist_mod.NOT_TRUNCATED, int(timeout)))
        else:
            frame.last = history.add("LambdaFunctionScheduled", frame.last)
        frame.last = history.add("LambdaFunctionStarted", frame.last)
        name = function_name(resource)
        spec = self.functions.get(name)
        fn = mock or handler or (spec.handler if spec is not None else None)
        if fn is None:
            raise local_abort(st, f"Lambda function {name!r} has no handler: declare it with `handler` and `code`, "
                                  "or give the step a mock")
        self._current_meter = frame.execution.meter
        seconds, killed, limit, result, error, result_snap = self._invoke_handler(st, spec, fn, params, mock, snap)
        if timeout is not None and timeout < seconds:
            yield Sleep(timeout)
            frame.last = history.add("LambdaFunctionTimedOut", frame.last, {"error": TIMEOUT})
            raise StatesError(TIMEOUT, "")
        yield Sleep(seconds)
        if killed:
            error = _sandbox_timeout(limit)
        if error is not None:
            frame.last = history.add("LambdaFunctionFailed", frame.last, _error_details(error))
            raise StatesError(error.error, error.cause or "")
        frame.remember(result, result_snap)
        frame.last = history.add_data("LambdaFunctionSucceeded", frame.last, hist_mod.OUTPUT, (
            result_snap, hist_mod.NOT_TRUNCATED))
        return result

    # -- activities --------------------------------------------------------------------------------------------
    def _activity(self, frame: Any, st: Any, resource: str, params: Any, mock: Mock | None,
                  handler: Callable[..., Any] | None, timeout: float | None, heartbeat: float | None):
        history = frame.execution.history
        details: dict[str, Any] = {"resource": resource, "input": ex.dumps(params),
                                   "inputDetails": {"truncated": False}}
        if timeout is not None:
            details["timeoutInSeconds"] = int(timeout)
        if heartbeat is not None:
            details["heartbeatInSeconds"] = int(heartbeat)
        frame.last = history.add("ActivityScheduled", frame.last, details)
        fn = mock or handler
        if fn is None:
            raise local_abort(st, f"activity {resource.rsplit(':', 1)[-1]!r} needs a mock (or a handler) for this step")
        frame.last = history.add("ActivityStarted", frame.last, {"workerName": "flowc-local"})
        self._current_meter = frame.execution.meter
        seconds = self.service_seconds
        if isinstance(fn, Mock):
            if fn.peek_waits():
                fn(params)
                yield from self._park_forever(frame, st, timeout, heartbeat, "Activity")
            declared = fn.peek_seconds()
            seconds = declared if declared is not None else seconds
        if timeout is not None and timeout < seconds:
            yield Sleep(timeout)
            frame.last = history.add("ActivityTimedOut", frame.last, {"error": TIMEOUT})
            raise StatesError(TIMEOUT, "")
        try:
            result = ex.copy_json(fn(ex.copy_json(params)) if isinstance(fn, Mock) else fn(ex.copy_json(params), None))
        except TaskFailure as failure:
            yield Sleep(seconds)
            frame.last = history.add("ActivityFailed", frame.last, _error_details(failure))
            raise StatesError(failure.error, failure.cause or "") from None
        except Exception as exc:
            failure = lambda_error(exc)
            yield Sleep(seconds)
            frame.last = history.add("ActivityFailed", frame.last, _error_details(failure))
            raise StatesError(failure.error, failure.cause or "") from None
        yield Sleep(seconds)
        frame.last = history.add_data("ActivitySucceeded", frame.last, hist_mod.OUTPUT, (
            hist_mod.snapshot(result) if history.enabled else "", hist_mod.NOT_TRUNCATED))
        return result

    def _park_forever(self, frame: Any, st: Any, timeout: float | None, heartbeat: float | None, kind: str):
        key = f"hang:{frame.execution.arn}:{st.name}:{self.interp.new_name()}"
        try:
            yield Park(key, timeout=timeout, heartbeat=heartbeat,
                       timeout_error=lambda: StatesError(TIMEOUT, ""),
                       heartbeat_error=lambda: StatesError(HEARTBEAT_TIMEOUT, ""))
        except StatesError as err:
            frame.last = frame.execution.history.add(f"{kind}TimedOut", frame.last, {"error": err.error})
            raise

    # -- optimized and SDK integrations -------------------------------------------------------------------------
    def _service(self, frame: Any, st: Any, service: str, action: str, suffix: str, params: Any,
                 mock: Mock | None, handler: Callable[..., Any] | None, timeout: float | None,
                 heartbeat: float | None, token: str | None):
        interp = self.interp
        execution = frame.execution
        history = execution.history
        resource_type = service
        resource_name = action + suffix
        self._current_meter = execution.meter
        if history.enabled:
            keys, values = _TASK_SCHEDULED, (resource_type, resource_name, REGION, frame.snapshot(params))
            if timeout is not None or heartbeat is not None:
                keys, values = _scheduled_limits(keys, values, timeout, heartbeat)
            frame.last = history.add_data("TaskScheduled", frame.last, keys, values)
            frame.last = history.add("TaskStarted", frame.last, {"resourceType": resource_type,
                                                                 "resource": resource_name})
        else:
            history.last_id += 2
            frame.last = history.last_id
        started = interp.clock.t
        deadline = None if timeout is None else started + timeout

        try:
            if mock is not None:
                result = yield from self._mocked(frame, st, mock, params, suffix, timeout, heartbeat, token,
                                                 service, action)
            elif service == "lambda" and action == "invoke":
                result = yield from self._lambda_invoke(frame, st, params, handler, timeout, suffix, token, deadline)
            elif service == "states" and action == "startExecution":
                result = yield from self._start_execution(frame, st, params, suffix, handler, timeout, heartbeat,
                                                          token, deadline)
            elif service == "aws-sdk:sfn" and action in ("sendTaskSuccess", "sendTaskFailure", "sendTaskHeartbeat"):
                result = self._sfn_callback(action, params)
                yield Sleep(self.service_seconds)
            elif handler is not None:
                result = yield from self._call_handler(st, handler, params)
                if suffix == ".waitForTaskToken":
                    result = yield from self._wait_callback(frame, st, token, deadline, heartbeat)
            else:
                if suffix.startswith(".sync"):
                    raise local_abort(st, f"arn:aws:states:::{service}:{action}{suffix} waits for a job this "
                                          "interpreter cannot run; give the step a mock")
                result = yield from self._backend(frame, st, service, action, params)
                if suffix == ".waitForTaskToken":
                    frame.last = _submitted(history, frame.last, resource_type, resource_name, result)
                    result = yield from self._wait_callback(frame, st, token, deadline, heartbeat)
        except _Timeout as err:
            raise _task_timed_out(frame, resource_type, resource_name, err.error) from None
        except StatesError as err:
            if err.error in (TIMEOUT, HEARTBEAT_TIMEOUT) and getattr(err, "task_timeout", False):
                raise _task_timed_out(frame, resource_type, resource_name, err) from None
            raise _task_failed(frame, resource_type, resource_name, err) from None
        frame.last = history.add_data("TaskSucceeded", frame.last, hist_mod.TASK_OUTPUT, (
            resource_type, resource_name, frame.snapshot(result) if history.enabled else "",
            hist_mod.NOT_TRUNCATED))
        return result

    def _mocked(self, frame: Any, st: Any, mock: Mock, params: Any, suffix: str, timeout: float | None,
                heartbeat: float | None, token: str | None, service: str, action: str):
        self._bill_service(frame, service, action, params, mocked=True)
        seconds = mock.peek_seconds()
        if mock.peek_waits():
            mock(params)
            yield from self._wait_callback(frame, st, token or f"hang:{self.interp.new_name()}",
                                           None if timeout is None else self.interp.clock.t + timeout, heartbeat)
        seconds = self.service_seconds if seconds is None else seconds
        if timeout is not None and timeout < seconds:
            yield Sleep(timeout)
            raise _Timeout(None)
        yield Sleep(seconds)
        try:
            answer = mock(ex.copy_from(params, frame.out_snap if frame.out is params else None))
        except TaskFailure as failure:
            raise StatesError(failure.error, failure.cause or "") from None
        result, snap = ex.copy_json_text(answer)
        frame.remember(result, snap)
        return result

    def _call_handler(self, st: Any, handler: Callable[..., Any], params: Any):
        seconds, _killed, _limit, result, error, _snap = self._invoke_handler(st, None, handler, params, None)
        yield Sleep(seconds)
        if error is not None:
            raise StatesError(error.error, error.cause or "")
        return result

    def _wait_callback(self, frame: Any, st: Any, token: str | None, deadline: float | None,
                       heartbeat: float | None):
        assert token is not None
        early = self.interp.early.pop(token, None)
        if early is not None:
            value, error, delay = early
            if delay > 0:
                yield Sleep(delay)
            if error is not None:
                raise error
            return value
        now = self.interp.clock.t
        timeout = None if deadline is None else max(0.0, deadline - now)

        def timeout_error() -> StatesError:
            err = StatesError(TIMEOUT, "")
            err.task_timeout = True  # type: ignore[attr-defined]
            return err

        def heartbeat_error() -> StatesError:
            err = StatesError(HEARTBEAT_TIMEOUT, "")
            err.task_timeout = True  # type: ignore[attr-defined]
            return err
        result = yield Park(token, timeout=timeout, heartbeat=heartbeat, timeout_error=timeout_error,
                            heartbeat_error=heartbeat_error)
        return result

    def _lambda_invoke(self, frame: Any, st: Any, params: Any, handler: Callable[..., Any] | None,
                       timeout: float | None, suffix: str, token: str | None, deadline: float | None):
        if not isinstance(params, dict) or "FunctionName" not in params:
            raise StatesError(RUNTIME, "lambda:invoke needs the parameter FunctionName")
        name = function_name(str(params["FunctionName"]))
        spec = self.functions.get(name)
        fn = handler or (spec.handler if spec is not None else None)
        if fn is None:
            raise local_abort(st, f"Lambda function {name!r} has no handler: declare it with `handler` and `code`, "
                                  "or give the step a mock")
        payload = params.get("Payload", {})
        if isinstance(payload, str):
            with contextlib.suppress(ValueError):
                payload = json.loads(payload)
        asynchronous = params.get("InvocationType") == "Event"
        seconds, killed, limit, result, error, _snap = self._invoke_handler(st, spec, fn, payload, None)
        if asynchronous:
            yield Sleep(self.service_seconds)
            out: dict[str, Any] = {"Payload": "", "StatusCode": 202}
        else:
            if timeout is not None and timeout < seconds:
                yield Sleep(timeout)
                raise _Timeout(None)
            yield Sleep(seconds)
            if killed:
                error = _sandbox_timeout(limit)
            if error is not None:
                raise StatesError(error.error, error.cause or "")
            out = {"ExecutedVersion": "$LATEST", "Payload": result, "StatusCode": 200}
        if self.sdk_metadata:
            out.update(_sdk_metadata(self.interp.rng))
        if suffix == ".waitForTaskToken":
            frame.last = _submitted(frame.execution.history, frame.last, "lambda", "invoke" + suffix, out)
            return (yield from self._wait_callback(frame, st, token, deadline, None))
        return out

    # -- child executions --------------------------------------------------------------------------------------
    def _start_execution(self, frame: Any, st: Any, params: Any, suffix: str, handler: Any,
                         timeout: float | None, heartbeat: float | None, token: str | None, deadline: float | None):
        interp = self.interp
        if not isinstance(params, dict) or "StateMachineArn" not in params:
            raise StatesError(RUNTIME, "states:startExecution needs the parameter StateMachineArn")
        arn = str(params["StateMachineArn"])
        machine = interp.machine(arn)
        if machine is None:
            raise local_abort(st, f"state machine {arn} is not part of this run; give the step a mock")
        data = params.get("Input", {})
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError as err:
                raise StatesError("StepFunctions.InvalidExecutionInputException", str(err)) from None
        name = params.get("Name")
        # only a named start can collide (scanning every execution of a long-lived interpreter each start was
        # quadratic in the API's executions/s)
        if name is not None and any(e.name == name and e.machine is machine for e in interp.executions):
            raise StatesError("StepFunctions.ExecutionAlreadyExistsException",
                              f"Execution Already Exists: '{machine.arn.replace(':stateMachine:', ':execution:')}:{name}'")
        yield Sleep(self.service_seconds)
        child = interp.start(machine, data, name=name, parent=frame.execution)
        started = {"ExecutionArn": child.arn, "StartDate": round(child.start_time * 1000)}
        if self.sdk_metadata and not suffix:
            started.update(_sdk_metadata(interp.rng))
        if not suffix:
            return started
        history = frame.execution.history
        frame.last = _submitted(history, frame.last, "states", "startExecution" + suffix, started)
        if suffix == ".waitForTaskToken":
            return (yield from self._wait_callback(frame, st, token, deadline, heartbeat))
        remaining = None if deadline is None else max(0.0, deadline - interp.clock.t)
        try:
            done = yield from interp.wait_for(child, remaining)
        except StatesError as err:
            if err.error == TIMEOUT:
                raise _Timeout(None) from None
            raise
        described = done.describe(parsed=suffix == ".sync:2")
        if done.status != "SUCCEEDED":
            # the cause is the same description the task would return: `.sync:2` with Input as JSON, `.sync`
            # as text (moto/LocalStack, recorded from AWS, do the same)
            raise StatesError("States.TaskFailed", ex.dumps(described))
        return described

    def _sfn_callback(self, action: str, params: Any) -> Any:
        interp = self.interp
        token = params.get("TaskToken") if isinstance(params, dict) else None
        try:
            if action == "sendTaskSuccess":
                output = params.get("Output")
                if isinstance(output, str):
                    output = json.loads(output)
                interp.send_task_success(token, output)
            elif action == "sendTaskFailure":
                interp.send_task_failure(token, params.get("Error"), params.get("Cause"))
            else:
                interp.send_task_heartbeat(token)
        except TaskFailure as failure:
            raise StatesError("Sfn.TaskTimedOutException", failure.cause or "") from None
        return {}

    # -- the services backend ------------------------------------------------------------------------------------
    def _backend(self, frame: Any, st: Any, service: str, action: str, params: Any):
        if self.services is None:
            raise local_abort(st, f"arn:aws:states:::{service}:{action} needs AWS services: install moto (pip install "
                                  "'moto[dynamodb,sns,sqs,events,s3]') or give the step a mock")
        yield Sleep(self.service_seconds)
        self._bill_service(frame, service, action, params, mocked=False)
        try:
            return self.services.call(service, action, params)
        except TaskFailure as failure:
            raise StatesError(failure.error, failure.cause or "") from None

    def _bill_service(self, frame: Any, service: str, action: str, params: Any, *, mocked: bool) -> None:
        kind = _billed_as(service, action)
        if kind is None:
            return
        meter = frame.execution.meter
        if kind == "eventbridge":
            entries = params.get("Entries", []) if isinstance(params, dict) else []
            meter.add("eventbridge_events", sum(billing.chunks(ex.size(e)) for e in entries) or 1)
            return
        size = hist_mod.snapshot_size(frame.snapshot(params))  # (the task's TaskScheduled made it, usually)
        if kind == "dynamodb_write":
            meter.add("dynamodb_writes", billing.dynamodb_write_units(size))
        elif kind == "dynamodb_read":
            consistent = isinstance(params, dict) and bool(params.get("ConsistentRead"))
            meter.add("dynamodb_reads", billing.dynamodb_read_units(size, consistent))
        elif kind == "sns":
            meter.add("sns_publishes", billing.chunks(size))
        else:  # sqs
            n = billing.chunks(size)
            meter.add("sqs_requests", n)
            meter.add("sqs_sends", n)

    # -- Distributed Map IO ----------------------------------------------------------------------------------------
    def read_items(self, frame: Any, st: Any, env: Any, states: Any):
        """ItemReader: a mock keyed `<Map>.ItemReader` (its result is the item list), or S3 through the backend."""
        workflow = frame.execution.machine.name
        mock = self._lookup(self.mocks, workflow, f"{st.name}.ItemReader")
        reader = st.item_reader or {}
        params = reader.get("Parameters", reader.get("Arguments", {}))
        params = ex.jsonata_template(params, "Arguments")(env, states) if st.ql == "JSONata" else ex.template(params)(env)
        yield Sleep(self.service_seconds)
        if mock is not None:
            try:
                items = mock(params)
            except TaskFailure as failure:
                raise StatesError("States.ItemReaderFailed", failure.cause or failure.error) from None
        elif self.services is not None and hasattr(self.services, "read_items"):
            items = self.services.read_items(reader, params)
        else:
            raise local_abort(st, f"the ItemReader of Map '{st.name}' needs S3 (moto) or a mock keyed "
                                  f"'{st.name}.ItemReader' whose result is the list of items")
        config = reader.get("ReaderConfig") or {}
        max_items = config.get("MaxItems")
        if isinstance(max_items, int) and max_items > 0:
            items = items[:max_items]
        return items

    def write_results(self, frame: Any, st: Any, env: Any, states: Any, results: list[Any], run_arn: str):
        writer = st.result_writer or {}
        params = writer.get("Parameters", writer.get("Arguments", {}))
        params = ex.jsonata_template(params, "Arguments")(env, states) if st.ql == "JSONata" else ex.template(params)(env)
        workflow = frame.execution.machine.name
        mock = self._lookup(self.mocks, workflow, f"{st.name}.ResultWriter")
        yield Sleep(self.service_seconds)
        prefix = str(params.get("Prefix", "")).strip("/")
        run_id = run_arn.rsplit(":", 1)[-1]
        key = "/".join(p for p in (prefix, run_id, "manifest.json") if p)
        details = {"Bucket": params.get("Bucket"), "Key": key}
        if mock is not None:
            try:
                mock({"Parameters": params, "Results": results})
            except TaskFailure as failure:
                raise StatesError("States.ResultWriterFailed", failure.cause or failure.error) from None
        elif self.services is not None and hasattr(self.services, "write_results"):
            self.services.write_results(params, key, results)
        else:
            raise local_abort(st, f"the ResultWriter of Map '{st.name}' needs S3 (moto) or a mock keyed "
                                  f"'{st.name}.ResultWriter'")
        return {"MapRunArn": run_arn, "ResultWriterDetails": details}


# a pure function of a task's memory and duration, which repeat: worked out once per pair
_gb_seconds = functools.lru_cache(maxsize=1024)(billing.lambda_gb_seconds)


@functools.lru_cache(maxsize=1024)  # a pure function of the resource: worked out once per task resource
def _billed_as(service: str, action: str) -> str | None:
    """What a service call bills beyond the state transition: "dynamodb_write", "dynamodb_read", "sns", "sqs",
    "eventbridge", or None (nothing)."""
    lowered = action.lower()
    name = service.removeprefix("aws-sdk:")
    if name == "dynamodb":
        if lowered in ("putitem", "updateitem", "deleteitem"):
            return "dynamodb_write"
        if lowered in ("getitem", "query", "scan"):
            return "dynamodb_read"
    elif name == "sns" and lowered == "publish":
        return "sns"
    elif name == "sqs" and lowered.startswith("sendmessage"):
        return "sqs"
    elif name in ("events", "eventbridge") and lowered == "putevents":
        return "eventbridge"
    return None


@contextlib.contextmanager
def _sfn_callbacks_routed(interp: Any):
    """While a handler runs, its boto3 `stepfunctions` SendTaskSuccess/Failure/Heartbeat calls with a token
    this interpreter issued reach the interpreter (as deployed code's calls reach Step Functions); every
    other call goes on as usual (to moto, under `MotoServices`)."""
    client_module = sys.modules.get("botocore.client")
    if client_module is None or not interp.tokens:
        yield
        return
    base = client_module.BaseClient
    original = base._make_api_call

    def routed(self: Any, operation: str, params: dict[str, Any]) -> Any:
        token = params.get("taskToken")
        if operation in _SFN_CALLBACKS and self.meta.service_model.endpoint_prefix == "states" and \
                token in interp.tokens:
            try:
                if operation == "SendTaskSuccess":
                    interp.send_task_success(token, json.loads(params.get("output", "null")))
                elif operation == "SendTaskFailure":
                    interp.send_task_failure(token, params.get("error"), params.get("cause"))
                else:
                    interp.send_task_heartbeat(token)
            except TaskFailure as failure:
                from botocore.exceptions import ClientError

                raise ClientError({"Error": {"Code": "TaskTimedOut", "Message": failure.cause or ""}},
                                  operation) from None
            return {"ResponseMetadata": {"HTTPStatusCode": 200}}
        return original(self, operation, params)

    base._make_api_call = routed
    try:
        yield
    finally:
        base._make_api_call = original


_SFN_CALLBACKS = frozenset({"SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat"})


def _task_failed(frame: Any, resource_type: str, resource_name: str, err: StatesError) -> StatesError:
    """TaskFailed for a service task (a function, not a closure made for every task that might fail)."""
    frame.last = frame.execution.history.add("TaskFailed", frame.last, {
        "resourceType": resource_type, "resource": resource_name, "error": err.error,
        **({"cause": err.cause} if err.cause else {})})
    return err


def _task_timed_out(frame: Any, resource_type: str, resource_name: str,
                    err: StatesError | None = None) -> StatesError:
    """TaskTimedOut for a service task: its error, as the task raises it."""
    error = err.error if err is not None else TIMEOUT
    frame.last = frame.execution.history.add("TaskTimedOut", frame.last, {
        "resourceType": resource_type, "resource": resource_name, "error": error})
    return StatesError(error, "")


class _Timeout(Exception):
    def __init__(self, error: StatesError | None):
        super().__init__("timeout")
        self.error = error


def _sandbox_timeout(limit: int) -> TaskFailure:
    return TaskFailure("Sandbox.Timedout", ex.dumps({
        "errorType": "Sandbox.Timedout", "errorMessage": f"Task timed out after {float(limit):.2f} seconds"}))


def _error_details(failure: TaskFailure) -> dict[str, Any]:
    details: dict[str, Any] = {"error": failure.error}
    if failure.cause:
        details["cause"] = failure.cause
    return details


def local_abort(st: Any, message: str) -> Exception:
    return RunAborted(f"step '{st.name}': {message}")


def iso_datetimes(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, dict):
        return {k: iso_datetimes(v) for k, v in value.items()}
    if isinstance(value, list):
        return [iso_datetimes(v) for v in value]
    return value
