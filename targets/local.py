"""What the local executors share: run results, billed units, handlers and mocks.

Two executors run a compiled workflow locally: the ASL interpreter (`targets/asl/interpreter`) and the
SQS-chain simulator (`targets/sqs/simulator.py`). Both report a `RunResult`, take task behaviour from
the same `Mock` specs or the workflow's own Python handlers, and count the units AWS would bill, so
`flowc run --target both`, `flowc test` and `flowc compare` can put them side by side.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import traceback
from collections.abc import Callable
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# RUNNING: the run stopped with the execution still waiting (a callback that never came, with no timeout).
Status = Literal["SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "RUNNING"]


class BilledUnits(BaseModel):
    """Units AWS bills for one run. Each executor fills the fields of its architecture."""

    model_config = ConfigDict(extra="forbid")
    # Step Functions
    state_transitions: int = 0  # Standard: billed per transition (retries included)
    express_requests: int = 0
    express_duration_ms: int = 0  # Express: billed in 100 ms increments at `express_memory_mb`
    express_memory_mb: int = 0
    executions_started: int = 0  # child executions (startExecution, distributed Map children)
    # Lambda
    lambda_invocations: int = 0
    lambda_gb_seconds: float = 0.0
    # SQS (requests are billed per 64 KiB chunk of payload)
    sqs_requests: int = 0
    sqs_sends: int = 0
    sqs_receives: int = 0
    sqs_deletes: int = 0
    sqs_visibility_changes: int = 0
    # other services
    dynamodb_writes: int = 0
    dynamodb_reads: int = 0
    sns_publishes: int = 0
    eventbridge_events: int = 0

    def add(self, other: BilledUnits) -> BilledUnits:
        data = {k: getattr(self, k) + getattr(other, k) for k in type(self).model_fields}
        data["express_memory_mb"] = max(self.express_memory_mb, other.express_memory_mb)
        return BilledUnits(**data)


class RunResult(BaseModel):
    """The outcome of one local execution, in terms both targets share."""

    model_config = ConfigDict(extra="forbid")
    target: Literal["asl", "sqs"]
    workflow: str
    status: Status
    output: Any = None
    error: str | None = None
    cause: str | None = None
    states_entered: list[str] = Field(default_factory=list)  # in order, including inside Map/Parallel
    events: list[dict[str, Any]] = Field(default_factory=list)  # AWS execution-history event format
    billed: BilledUnits = Field(default_factory=BilledUnits)
    duration_ms: int = 0  # virtual time from start to end

    def same_outcome(self, other: RunResult) -> bool:
        """Same status, output, error and cause, up to what differs by environment and not by behaviour:
        execution ARNs (execution names are random), the stack trace inside a Lambda error's cause
        (it names the executor's frames; errorType and errorMessage must match), the history event id
        in a run-time error's "(entered at the event id #N)" (an SQS chain keeps no history), the context
        object a `$$` path error quotes, and a failed child execution's names and dates
        (`targets.runtime.messages.comparable`)."""
        return self.comparable() == other.comparable()

    def comparable(self) -> tuple[Any, ...]:
        return (self.status, _masked(self.output), self.error, _comparable_cause(self.cause))


_EXECUTION_ARN = re.compile(r"arn:aws:states:[a-z0-9-]+:\d{12}:(execution|express):[^\"\s,}\\]+")


def _masked(value: Any) -> Any:
    if value is None:
        return None
    import json

    return json.loads(_EXECUTION_ARN.sub("<execution-arn>", json.dumps(value, sort_keys=True)))


def _comparable_cause(cause: str | None) -> Any:
    if not cause:
        return cause or None
    import json

    from flowc.targets.runtime import messages

    try:
        data = json.loads(cause)
    except ValueError:  # the history event id only an execution with a history has (an SQS chain has none)
        return _EXECUTION_ARN.sub("<execution-arn>", messages.comparable(cause))
    if isinstance(data, dict) and "errorType" in data:
        return {"errorType": data.get("errorType"), "errorMessage": data.get("errorMessage")}
    if isinstance(data, dict) and "ExecutionArn" in data and "Status" in data:  # a failed child execution
        inner = data.get("Cause")
        data = {**messages.comparable_description(data),
                "Cause": _comparable_cause(inner) if isinstance(inner, str) else inner}
    return _masked(data)


class TaskFailure(Exception):
    """A task failed with an ASL error name and cause (what Retry/Catch see)."""

    def __init__(self, error: str, cause: str | None = None):
        super().__init__(f"{error}: {cause}" if cause else error)
        self.error = error
        self.cause = cause


# -- handlers ---------------------------------------------------------------------------------------
class LambdaContext:
    """The attributes Python handlers commonly read from the Lambda context."""

    def __init__(self, function_name: str, memory_mb: int = 128, timeout_s: int = 3, request_id: str = "local"):
        self.function_name = function_name
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = request_id
        self.invoked_function_arn = f"arn:aws:lambda:us-east-1:123456789012:function:{function_name}"
        self._timeout_ms = timeout_s * 1000

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


def lambda_error(exc: BaseException) -> TaskFailure:
    """A handler exception as Step Functions reports it: errorType = class name, Cause = the Lambda error JSON."""
    import json

    error_type = getattr(exc, "error_type", None) or type(exc).__name__
    cause = json.dumps({"errorMessage": str(exc), "errorType": error_type,
                        "stackTrace": traceback.format_tb(exc.__traceback__)[1:][-3:]}, separators=(", ", ": "))
    return TaskFailure(error_type, cause)


_MODULES: dict[tuple[str, str], Any] = {}


def load_handler(code_dir: str | Path, handler: str) -> Callable[[Any, Any], Any]:
    """Import `module.function` from `code_dir` without touching sys.path for other modules.

    Each (directory, module) pair is loaded once per process, under a private module name, so two
    workflows whose handlers share a module name do not clash. (A run gives each function its own instance
    with `HandlerModules`.)
    """
    module_name, _, func = handler.rpartition(".")
    if not module_name:
        raise HandlerError(f"handler {handler!r} must be written module.function")
    path = handler_path(code_dir, module_name)
    key = (str(path.parent), module_name)
    module = _MODULES.get(key)
    if module is None:
        module = _exec_module(f"_flowc_handlers_{abs(hash(key))}_{module_name.replace('.', '_')}", path,
                              module_name)
        _MODULES[key] = module
    return _function(module, handler, func)


def _function(module: Any, handler: str, func: str) -> Callable[[Any, Any], Any]:
    found = getattr(module, func, None)
    if not callable(found):
        raise HandlerError(f"handler {handler!r}: module {handler.rpartition('.')[0]!r} has no function {func!r}")
    return found


# What `importlib.util.module_from_spec` sets on a module from a file, kept per path for `--repeat`'s later runs.
_MODULE_ATTRIBUTES = ("__file__", "__cached__", "__loader__", "__path__")


def _exec_module(private: str, path: Path, module_name: str, code_cache: dict[Any, Any] | None = None) -> Any:
    """Run a handler module's file under a private name; its import failure is the user's error.
    `code_cache` keeps, by path, the compiled code and the module attributes the file's spec gave (what
    finding the file and the loader's exec_module would work out again for every run of `--repeat`)."""
    cached = None if code_cache is None else code_cache.get(path)
    if cached is None:
        spec = importlib.util.spec_from_file_location(private, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
    else:  # a later run (`--repeat`): the attributes module_from_spec set, without finding the file again
        code, attributes = cached
        module = ModuleType(private)
        module.__dict__.update(attributes)
        spec = module.__spec__ = ModuleSpec(private, attributes["__loader__"], origin=attributes["__file__"],
                                            is_package="__path__" in attributes)
        spec.has_location = True
        module.__package__ = spec.parent  # (this run's private name for a package)
        if "__path__" in attributes:  # a package's __init__.py: its own search path list, as a fresh import has
            module.__path__ = spec.submodule_search_locations = list(attributes["__path__"])
    sys.modules[private] = module  # dataclasses and pickling look the module up while it loads
    try:
        if cached is None:
            code = module.__loader__.get_code(private)
            if code_cache is not None:
                code_cache[path] = (code, {key: value for key, value in vars(module).items()
                                           if key in _MODULE_ATTRIBUTES})
        exec(code, module.__dict__)  # what SourceFileLoader.exec_module does with it
    except Exception as err:
        raise HandlerError(f"handler module {module_name!r} ({path}) failed to load: "
                           f"{type(err).__name__}: {err}") from err
    finally:
        sys.modules.pop(private, None)
    return module


def handler_path(code_dir: str | Path, module_name: str) -> Path:
    base = Path(code_dir).resolve()
    relative = module_name.replace(".", "/")
    path = next((p for p in (base / f"{relative}.py", base / relative / "__init__.py") if p.is_file()), None)
    if path is None:
        raise HandlerError(f"handler module {module_name!r} not found in {base}")
    return path


def with_env(fn: Callable[..., Any], env: dict[str, str]) -> Callable[..., Any]:
    """The handler run with its declared environment variables set, as Lambda would."""
    if not env:
        return fn
    import functools
    import os

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        # what unittest.mock.patch.dict(os.environ, env) does, without importing unittest and asyncio (~0.1 s)
        saved = dict(os.environ)
        os.environ.update(env)
        try:
            return fn(*args, **kwargs)
        finally:
            os.environ.clear()
            os.environ.update(saved)
    return run


class HandlerError(Exception):
    """A declared function's handler cannot be loaded (missing module or function, import failure).

    The user's mistake, not flowc's: `flowc run` and `flowc test` report it plainly (Lambda would fail the
    invocation with Runtime.ImportModuleError / Runtime.HandlerNotFound).
    """


class HandlerModules:
    """The handler modules of one run: every declared function gets its own module instances.

    Lambda gives each function its own execution environment, so module globals (a call counter, a
    cache, a client) are never shared between two functions, nor between two runs (`flowc run --target
    both` runs each target with its own `HandlerModules`). A function's steps share its instance, as
    invocations of one warm Lambda do.
    """

    def __init__(self, code: dict[Any, Any] | None = None) -> None:
        """`code`: where module files are and their compiled code, shared by the runs of one program (`--repeat`)
        so each run execs fresh module instances without finding and compiling them again."""
        self._modules: dict[tuple[str, str, str], Any] = {}
        self._code = code if code is not None else {}

    def load(self, function: str, code_dir: str | Path, handler: str) -> Callable[[Any, Any], Any]:
        module_name, _, func = handler.rpartition(".")
        if not module_name:
            raise HandlerError(f"handler {handler!r} must be written module.function")
        path = self._code.get((str(code_dir), module_name))
        if path is None:
            path = self._code[(str(code_dir), module_name)] = handler_path(code_dir, module_name)
        key = (function, str(path.parent), module_name)
        module = self._modules.get(key)
        if module is None:
            private = f"_flowc_fn_{id(self):x}_{function}_{module_name.replace('.', '_')}"
            # not left in sys.modules: --repeat piles none up
            module = _exec_module(private, path, module_name, self._code)
            self._modules[key] = module
        return _function(module, handler, func)


# -- mocks ------------------------------------------------------------------------------------------
_MOCK_KEYS = frozenset({"result", "error", "cause", "seconds", "wait"})


class Mock:
    """Task behaviour without the real handler or service.

    Specs (from `--mock STEP=@file` or a `.tests.yaml` case):
      {"result": <json>}                      always return this
      {"error": "Name", "cause": "text"}      always fail
      [spec, spec, ...]                       one per call, the last one repeats ("fail twice then succeed")
      {"sequence": [spec, ...]}               the same, spelled out
    Optional in any entry: "seconds": N - the call takes N seconds of virtual time; and instead of a
    result or an error, {"wait": true} - the call never answers (a hung task, or a callback that never
    comes), so only a timeout or heartbeat ends it.
    """

    def __init__(self, spec: Any):
        if isinstance(spec, Mock):
            spec = spec.steps
        if isinstance(spec, dict) and "sequence" in spec:
            spec = spec["sequence"]
        self.steps = spec if isinstance(spec, list) else [spec]
        if not self.steps:
            raise ValueError("a mock sequence needs at least one entry")
        for s in self.steps:
            if not isinstance(s, dict) or not ({"result", "error", "wait"} & set(s)):
                raise ValueError(f"mock entry must have 'result', 'error' or 'wait': {s!r}")
            unknown = set(s) - _MOCK_KEYS
            if unknown:
                raise ValueError(f"mock entry has unknown keys {sorted(unknown)}: {s!r}")
        self.calls = 0

    def _next(self) -> dict[str, Any]:
        return self.steps[min(self.calls, len(self.steps) - 1)]

    def peek_seconds(self) -> float | None:
        """The virtual duration the next call declares (None: the executor's default)."""
        seconds = self._next().get("seconds")
        return None if seconds is None else float(seconds)

    def peek_waits(self) -> bool:
        """Whether the next call never answers."""
        return bool(self._next().get("wait"))

    def __call__(self, event: Any = None) -> Any:
        step = self._next()
        self.calls += 1
        if step.get("wait"):
            return None
        if "error" in step:
            raise TaskFailure(str(step["error"]), step.get("cause"))
        return step["result"]


# -- callbacks (task tokens) ---------------------------------------------------------------------------
# In-process handlers answer a `.waitForTaskToken` task the way deployed code would call SendTaskSuccess:
#     from flowc.targets.local import send_task_success
#     send_task_success(event["token"], {"approved": True})
# The executor that issued the token receives it (it is set while the handler runs).
_RECEIVERS: list[Any] = []


class callback_receiver:
    """`with callback_receiver(executor):` routes send_task_* calls to `executor` meanwhile."""

    def __init__(self, receiver: Any):
        self.receiver = receiver

    def __enter__(self) -> Any:
        _RECEIVERS.append(self.receiver)
        return self.receiver

    def __exit__(self, *exc: object) -> None:
        _RECEIVERS.remove(self.receiver)


def _receiver() -> Any:
    if not _RECEIVERS:
        raise RuntimeError("send_task_* called outside a local run (no executor is waiting for task tokens)")
    return _RECEIVERS[-1]


def send_task_success(token: str, output: Any, *, delay: float = 0.0) -> None:
    """SendTaskSuccess: the task waiting on `token` succeeds with `output` (after `delay` virtual seconds)."""
    _receiver().send_task_success(token, output, delay=delay)


def send_task_failure(token: str, error: str | None = None, cause: str | None = None, *,
                      delay: float = 0.0) -> None:
    """SendTaskFailure: the task waiting on `token` fails with `error`/`cause`."""
    _receiver().send_task_failure(token, error, cause, delay=delay)


def send_task_heartbeat(token: str) -> None:
    _receiver().send_task_heartbeat(token)
