"""Run the compiled ASL of a flowc program: what `flowc run --target asl` and `flowc test` call.

The definition that runs is `CompileResult.asl[workflow].definition`, the JSON that would be deployed, with
its `${Placeholder}` strings substituted the way CloudFormation's DefinitionSubstitutions would, by the
values the resources would have in account 123456789012 / us-east-1 (function ARNs, table names, queue
URLs, state machine ARNs...). Every workflow of the program is registered, so `start WORKFLOW` runs the
child in the same interpreter. Declared functions run their Python handler (`code` is relative to the
.flow file that declares them).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flowc.targets import naming
from flowc.targets.local import HandlerModules, Mock, RunResult, with_env

from .engine import Interpreter, Machine
from .integrations import ACCOUNT, REGION, FunctionSpec, TaskRunner


def resource_value(kind: str, name: str, resource: Any = None, attribute: str | None = None) -> str:
    """What `${<Name><Kind><Attribute>}` becomes for a resource (or a workflow) in the local account."""
    if resource is not None and not resource.owned:
        return naming.arn_to_attribute(kind, resource.arn, attribute)
    default = naming.KIND_ATTRIBUTE[kind]
    attribute = attribute or default
    if attribute != default:
        return _other_attribute(kind, name, attribute)
    if kind == "function":
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"
    if kind == "topic":
        fifo = resource is not None and resource.props.get("fifo") and not name.endswith(".fifo")
        return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}{'.fifo' if fifo else ''}"
    if kind == "queue":
        return f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"
    if kind == "activity":
        return f"arn:aws:states:{REGION}:{ACCOUNT}:activity:{name}"
    if kind in ("workflow", "machine"):
        return f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}"
    assert attribute == "Name", (kind, attribute)
    return name


def _other_attribute(kind: str, name: str, attribute: str) -> str:
    """A resource's name or ARN where its tasks use the other one (`Exports.arn`, `{ FunctionName: worker }`)."""
    if attribute == "Name":
        return name
    if attribute == "Url":
        return resource_value("queue", name)
    service = {"table": "dynamodb", "bucket": "s3", "queue": "sqs", "bus": "events"}.get(kind, kind)
    if kind == "bucket":
        return f"arn:aws:s3:::{name}"
    resource = {"table": f"table/{name}", "bus": f"event-bus/{name}", "queue": name}.get(kind, name)
    return f"arn:aws:{service}:{REGION}:{ACCOUNT}:{resource}"


_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")


def substitute(definition: Any, values: dict[str, str]) -> Any:
    """Textual `${Key}` replacement over the JSON text, like DefinitionSubstitutions (unknown keys stay)."""
    text = json.dumps(definition)
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)).replace("\\", "\\\\").replace('"', '\\"'),
                            text)
    return json.loads(text)


def functions_of(program: Any, overrides: dict[str, Callable[..., Any]] | None = None, *,
                 code: dict[Any, Any] | None = None) -> dict[str, FunctionSpec]:
    """Every declared function with its handler loaded lazily from `code` (relative to its .flow file).
    `code`: a cache of what depends only on the program (each function's code directory and environment, the
    handler modules' files and code objects), shared by repeated runs."""
    out: dict[str, FunctionSpec] = {}
    overrides = overrides or {}
    modules = HandlerModules(code)  # each function its own module instance, as each Lambda its own environment
    for (kind, name), res in program.resources.items():
        if kind != "function":
            continue
        props = res.props
        memory = int(props.get("memory", 128))
        timeout = int(props.get("timeout", 3))
        lambda_name = name if res.owned else res.arn.split(":")[6] if res.arn and res.arn.count(":") >= 6 else name
        if name in overrides:
            out[lambda_name] = FunctionSpec(lambda_name, overrides[name], memory_mb=memory, timeout_s=timeout)
        elif res.owned and props.get("handler") and props.get("code") is not None:
            found = None if code is None else code.get(("function", name))
            if found is None:
                found = (Path(res.span.file).parent / str(props["code"]), str(props["handler"]),
                         local_env(program, props))
                if code is not None:
                    code[("function", name)] = found
            code_dir, handler, env = found
            out[lambda_name] = FunctionSpec(
                lambda_name, loader=lambda n=name, d=code_dir, h=handler, e=env: with_env(modules.load(n, d, h), e),
                memory_mb=memory, timeout_s=timeout)
        else:
            out[lambda_name] = FunctionSpec(lambda_name, memory_mb=memory, timeout_s=timeout)
    return out


def local_env(program: Any, props: dict[str, Any]) -> dict[str, str]:
    """The function's environment with the local account's values (what the template's `!Ref`s give on AWS)."""
    from flowc.compiler import ir
    from flowc.compiler.permissions import function_env

    out: dict[str, str] = {}
    for key, value in function_env(props).items():
        if isinstance(value, ir.ResourceRef):
            out[key] = resource_value(value.kind, value.name, program.resources.get((value.kind, value.name)),
                                      value.attribute.capitalize())
        else:
            out[key] = str(value)
    return out


class Prepared:
    """A compiled program made ready once and run many times (`flowc run --repeat`, benchmarks).

    What depends only on the program is made here once: the substituted definitions and their plans, where the
    handlers' code is (and its compiled code), whether handlers call AWS themselves. Every `build()` still gets
    a fresh interpreter (clock, seed, history), fresh mocks, fresh handler module instances and fresh services,
    so each run gives exactly what a lone `run_workflow` gives.
    """

    def __init__(self, result: Any):
        program = result.program
        if program is None or not result.asl:
            raise ValueError("the program did not compile")
        self.result = result
        self.machines: list[Machine] = []
        for name, emitted in result.asl.items():
            values = {}
            for key, (kind, res_name) in emitted.substitutions.items():
                values[key] = resource_value(kind, res_name, program.resources.get((kind, res_name)),
                                             naming.key_attribute(key, kind, res_name))
            self.machines.append(Machine(name, substitute(emitted.definition, values),
                                         type=program.workflows[name].type))
        self.code: dict[Any, Any] = {}  # the handler modules' paths and code objects (HandlerModules' cache)
        self._uses_aws: bool | None = None

    @property
    def handlers_use_aws(self) -> bool:
        if self._uses_aws is None:
            self._uses_aws = handlers_use_aws(self.result.program)
        return self._uses_aws

    def build(self, *, handlers: dict[str, Callable[..., Any]] | None = None, mocks: dict[str, Any] | None = None,
              functions: dict[str, Callable[..., Any]] | None = None, services: Any = "auto", seed: int = 0,
              record_history: bool = True, sdk_metadata: bool = True, start_time: float | None = None
              ) -> Interpreter:
        program = self.result.program
        if services == "auto":
            services = default_services(program, lazy=not handlers and not functions and not self.handlers_use_aws)
        tasks = TaskRunner(functions=functions_of(program, functions, code=self.code), handlers=handlers,
                           mocks={k: v if isinstance(v, Mock) else Mock(v) for k, v in (mocks or {}).items()},
                           services=services, sdk_metadata=sdk_metadata)
        kwargs: dict[str, Any] = {"seed": seed, "record_history": record_history}
        if start_time is not None:
            kwargs["start_time"] = start_time
        interp = Interpreter(tasks, **kwargs)
        for machine in self.machines:  # plans are read-only while running: interpreters share them
            interp.machines[machine.arn] = machine
        interp.services = services  # type: ignore[attr-defined]
        return interp


def build(result: Any, *, handlers: dict[str, Callable[..., Any]] | None = None,
          mocks: dict[str, Any] | None = None, functions: dict[str, Callable[..., Any]] | None = None,
          services: Any = "auto", seed: int = 0, record_history: bool = True,
          sdk_metadata: bool = True, start_time: float | None = None) -> Interpreter:
    """An interpreter with every workflow of a compiled program registered.

    handlers/mocks: keyed by step name (or "Workflow.Step"); functions: replacement handlers by declared
    function name; services: a backend object, None (tasks on services need mocks), or "auto" (moto if it is
    installed, started at the first service call unless handlers may call AWS themselves; the caller must
    `close()` it: see `run_workflow`).
    """
    return Prepared(result).build(handlers=handlers, mocks=mocks, functions=functions, services=services, seed=seed,
                                  record_history=record_history, sdk_metadata=sdk_metadata, start_time=start_time)


def default_services(program: Any, *, lazy: bool = False) -> Any:
    """Moto when it is installed (not imported here: `lazy` backends import it at their first service call)."""
    if not moto_installed():
        return None
    from .services import MotoServices

    return MotoServices(program, lazy=lazy)


@functools.cache
def moto_installed() -> bool:
    """Looked up once per process: finding a module walks sys.path (a third of a run of a small workflow)."""
    import importlib.util

    try:
        return importlib.util.find_spec("moto") is not None
    except (ImportError, ValueError):  # ValueError: sys.modules["moto"] is None (blocked)
        return False


_AWS_SDK = re.compile(r"\b(boto3|botocore|aiobotocore)\b")
_SCAN_LIMIT = 500  # source files; a bigger code directory is assumed to call AWS


def handlers_use_aws(program: Any) -> bool:
    """Whether a declared function's code may call AWS itself: such calls must reach moto, so it starts with the
    run rather than at the first service task. A text search of the code directories' Python files for an AWS
    SDK's name: conservative (a mention in a comment counts), cheap, and no handler is imported to find out."""
    seen: set[Path] = set()
    for (kind, _name), res in program.resources.items():
        if kind != "function" or not res.owned or res.props.get("code") is None:
            continue
        code_dir = (Path(res.span.file).parent / str(res.props["code"])).resolve()
        if code_dir in seen:
            continue
        seen.add(code_dir)
        files = sorted(code_dir.rglob("*.py")) if code_dir.is_dir() else [code_dir]
        if len(files) > _SCAN_LIMIT:
            return True
        for file in files:
            try:
                if _AWS_SDK.search(file.read_text(encoding="utf-8", errors="replace")):
                    return True
            except OSError:
                continue
    return False


def run_workflow(result: Any, workflow: str, input: Any, *, handlers: dict[str, Callable[..., Any]] | None = None,
                 mocks: dict[str, Any] | None = None, functions: dict[str, Callable[..., Any]] | None = None,
                 services: Any = "auto", seed: int = 0, record_history: bool = True,
                 sdk_metadata: bool = True, start_time: float | None = None,
                 progress: Callable[[str, int, int], None] | None = None,
                 prepared: Prepared | None = None) -> RunResult:
    """Execute `workflow` of a compiled program on the ASL interpreter; the same contract as the SQS simulator's
    `simulate` (`flowc.targets.local.RunResult`). `prepared`: `Prepared(result)`, kept across repeated runs."""
    prepared = prepared if prepared is not None else Prepared(result)
    interp = prepared.build(handlers=handlers, mocks=mocks, functions=functions, services=services, seed=seed,
                            record_history=record_history, sdk_metadata=sdk_metadata, start_time=start_time)
    interp.progress = progress
    backend = interp.services  # type: ignore[attr-defined]
    try:
        if backend is not None and hasattr(backend, "open"):
            backend.open()
        return interp.run(workflow, input)
    finally:
        if backend is not None and hasattr(backend, "close") and services == "auto":
            backend.close()
