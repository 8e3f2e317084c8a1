"""The target-neutral IR: a graph of named states with explicit edges.

Every back end (ASL, SQS chain, local runners, compare) reads this and nothing
upstream of it. Blocks of the source are flattened into states whose `next`,
choice rules and catches name their targets; Map and Parallel own nested graphs.
Values stay symbolic (the AST's value nodes): each back end renders them in its
own way. ``None`` means "not set"; an explicit JSON null is ``LiteralValue(None)``.

The nodes are plain slotted dataclasses, not pydantic models: the IR is built only by
`compiler/lower.py` from an AST the front ends have already validated (the boundary), ~10 nodes
per state, and pydantic validated each of them again at a cost of a third of lowering plus
~0.1 s of schema building at import; `validate_program` type-checks a whole program when wanted
(tests run it on every example).
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Literal

from flowc.dsl.diagnostics import Span

StateKind = Literal["task", "pass", "choice", "wait", "succeed", "fail", "parallel", "map"]
TaskMode = Literal["request", "async", "sync", "sync2", "callback"]


_node = dataclass(slots=True, kw_only=True)


class IRModel:
    """Base of every IR node (`isinstance` checks and generic walks use it)."""

    __slots__ = ()

    def field_values(self) -> list[Any]:
        """The node's field values in declaration order."""
        return [getattr(self, f.name) for f in fields(self)]

    def copy_with(self, **changes: Any) -> Any:
        return replace(self, **changes)


@_node
class ResourceRef(IRModel):
    """A resource (or workflow) named in a declaration's value, with the attribute it renders as."""

    kind: str
    name: str
    attribute: str  # arn | name | url


@_node
class Use(IRModel):
    """`uses NAME access`: a SAM policy template scoped to one resource (or workflow)."""

    target: ResourceRef  # the resource, with the attribute the template's parameter takes
    template: str
    parameter: str


@_node
class Resource(IRModel):
    """A declared AWS resource. Owned ones are created by the generated template."""

    kind: str  # function | table | topic | queue | bus | activity | bucket | machine
    name: str
    span: Span
    arn: str | None = None  # set for external resources
    props: dict[str, Any] = field(default_factory=dict)

    @property
    def owned(self) -> bool:
        return self.arn is None


@_node
class Trigger(IRModel):
    kind: Literal["http", "schedule", "event"]
    span: Span
    method: str | None = None
    path: str | None = None
    expression: str | None = None  # schedule expression
    pattern: Any = None  # event pattern (AST value)
    input: Any = None  # AST value
    bus: str | None = None
    enabled: bool = True
    name: str | None = None
    description: str | None = None
    http: HttpAuth | None = None  # http triggers: who may call the route, and how often


@_node
class HttpAuth(IRModel):
    """Access to an http route: `auth github|iam|jwt` or `public`, and its throttling."""

    kind: Literal["public", "iam", "jwt", "github"]
    secret: str | None = None  # github: Secrets Manager ARN/name, or `ssm:/parameter/name`
    issuer: str | None = None  # jwt
    audience: list[str] = field(default_factory=list)  # jwt
    scopes: list[str] = field(default_factory=list)  # jwt
    throttle: float | None = None  # requests per second (steady state)
    burst: int | None = None


@_node
class TaskSpec(IRModel):
    """What a task does, independent of how a target calls it."""

    integration: str  # lambda | dynamodb.getItem | ... | sns.publish | sqs.sendMessage | events.putEvents |
    #                   states.startExecution | activity | resource
    mode: TaskMode = "request"
    target: str | None = None  # the resource or workflow name
    target_kind: str | None = None
    resource: str | None = None  # `call`: service:action or ARN as written
    args: dict[str, Any] = field(default_factory=dict)  # integration argument name -> AST value


@_node
class Retry(IRModel):
    errors: list[str]
    span: Span
    interval: int | None = None
    max_attempts: int | None = None
    backoff_rate: int | float | None = None
    max_delay: int | None = None
    jitter: Literal["FULL", "NONE"] | None = None
    comment: str | None = None


@_node
class Catch(IRModel):
    errors: list[str]
    next: str
    span: Span
    next_span: Span
    result_path: Any = None
    output: Any = None
    assign: Any = None
    comment: str | None = None


@_node
class ChoiceRule(IRModel):
    condition: Any  # flowc.dsl.ast.Condition
    next: str
    span: Span
    next_span: Span
    assign: Any = None
    output: Any = None
    comment: str | None = None


@_node
class MapSpec(IRModel):
    processor: Graph
    distributed: bool = False
    items: Any = None  # ItemsPath (path) or Items (JSONata / array)
    item_selector: Any = None
    max_concurrency: Any = None
    tolerated_percentage: Any = None
    tolerated_count: Any = None
    label: str | None = None
    execution_type: Literal["STANDARD", "EXPRESS"] | None = None
    reader: Any = None
    batcher: Any = None
    writer: Any = None


@_node
class State(IRModel):
    name: str
    kind: StateKind
    span: Span
    comment: str | None = None
    query_language: Literal["JSONPath", "JSONata"] | None = None  # only when set on the step
    # data flow
    input_path: Any = None
    payload: Any = None  # Parameters / Arguments (Pass in JSONata: Output)
    result_selector: Any = None
    result_path: Any = None
    output: Any = None  # OutputPath (JSONPath) / Output (JSONata)
    assign: Any = None
    # edges
    next: str | None = None
    end: bool = False
    # kinds
    task: TaskSpec | None = None
    timeout: Any = None  # int seconds | PathValue | JsonataValue
    heartbeat: Any = None
    credentials: Any = None
    retries: list[Retry] = field(default_factory=list)
    catches: list[Catch] = field(default_factory=list)
    choices: list[ChoiceRule] = field(default_factory=list)
    default: str | None = None
    wait_seconds: Any = None
    wait_timestamp: Any = None
    error: Any = None
    cause: Any = None
    result: Any = None  # Pass Result
    branches: list[Graph] = field(default_factory=list)
    map: MapSpec | None = None
    spans: dict[str, Span] = field(default_factory=dict)  # field -> where the source set it

    @property
    def is_terminal(self) -> bool:
        return self.end or self.kind in ("succeed", "fail")


@_node
class Graph(IRModel):
    start_at: str
    states: dict[str, State] = field(default_factory=dict)
    span: Span | None = None

    def walk(self):
        """Every state of this graph and of the graphs nested in it, depth first."""
        for state in self.states.values():
            yield state
            for branch in state.branches:
                yield from branch.walk()
            if state.map is not None:
                yield from state.map.processor.walk()


@_node
class Workflow(IRModel):
    name: str
    span: Span
    file: str
    type: Literal["STANDARD", "EXPRESS"] = "STANDARD"
    query_language: Literal["JSONPath", "JSONata"] = "JSONPath"
    comment: str | None = None
    timeout: int | None = None
    version: str | None = None
    logging: str | None = None  # OFF | ALL | ERROR | FATAL
    log_data: bool = False
    tracing: bool = False
    graph: Graph
    triggers: list[Trigger] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)  # visible by name
    workflows: list[str] = field(default_factory=list)  # child workflows this one starts


@_node
class Program(IRModel):
    """Everything one compile sees: the workflows and the resources they declare."""

    workflows: dict[str, Workflow] = field(default_factory=dict)
    resources: dict[tuple[str, str], Resource] = field(default_factory=dict)  # (kind, name) -> resource
    files: list[str] = field(default_factory=list)


def _positional(cls: type, *params: str) -> Any:
    """A constructor of `cls` taking `params` by position and giving every other field its default.

    Lowering makes a State, and often a TaskSpec, Retry or Catch, per step: the dataclass's keyword-only
    `__init__` binds ~30 parameters by name and fills each default from a dict (~1.5 us a State); this one,
    generated from the same `fields`, stores each slot directly (~0.6 us). tests/compiler/test_ir.py checks
    that each builds what the class's own `__init__` builds.
    """
    names = {f.name for f in fields(cls)}
    assert set(params) <= names, (cls, params)
    namespace: dict[str, Any] = {"_cls": cls, "_new": object.__new__}
    body = ["    node = _new(_cls)"]
    for f in fields(cls):
        if f.name in params:
            body.append(f"    node.{f.name} = {f.name}")
        elif f.default is not MISSING:
            namespace["_d_" + f.name] = f.default
            body.append(f"    node.{f.name} = _d_{f.name}")
        elif f.default_factory in (list, dict):
            body.append(f"    node.{f.name} = {'[]' if f.default_factory is list else '{}'}")
        elif f.default_factory is not MISSING:
            namespace["_f_" + f.name] = f.default_factory
            body.append(f"    node.{f.name} = _f_{f.name}()")
        else:
            raise TypeError(f"{cls.__name__}.{f.name} has no default: pass it")
    exec(f"def make({', '.join(params)}):\n" + "\n".join(body) + "\n    return node\n", namespace)
    make = namespace["make"]
    make.__qualname__ = make.__name__ = f"make_{cls.__name__.lower()}"
    make.__doc__ = f"`{cls.__name__}({', '.join(f'{p}={p}' for p in params)})`, the other fields at their defaults."
    return make


make_state = _positional(State, "name", "kind", "span")
make_task = _positional(TaskSpec, "integration", "mode", "resource", "target_kind")
make_retry = _positional(Retry, "errors", "span", "interval", "max_attempts", "backoff_rate", "max_delay", "jitter",
                         "comment")
make_catch = _positional(Catch, "errors", "next", "span", "next_span", "result_path", "output", "assign", "comment")


def validate_program(program: Program) -> None:
    """Type-check every node of `program` against its annotations (pydantic, loaded only here).

    Lowering builds the IR from a validated AST without checking each node; tests call this on every
    example to keep that trust honest. A value pydantic would coerce (an int where the
    field is a float renders as `20` instead of `20.0`) counts as a mismatch too. Raises ValueError
    (pydantic's ValidationError is one) on a mismatch.
    """
    from dataclasses import asdict

    from pydantic import ConfigDict, TypeAdapter

    for cls in (ResourceRef, Use, Resource, Trigger, HttpAuth, TaskSpec, Retry, Catch, ChoiceRule, MapSpec, State,
                Graph, Workflow, Program):
        cls.__pydantic_config__ = ConfigDict(arbitrary_types_allowed=True, extra="forbid")
    data = asdict(program)
    checked = asdict(TypeAdapter(Program).validate_python(data))
    where = _first_difference(data, checked, "program")
    if where is not None:
        raise ValueError(f"{where}: the IR holds a value of another type than its annotation")


def _first_difference(a: Any, b: Any, where: str) -> str | None:
    if type(a) is not type(b):
        return where
    if isinstance(a, dict):
        if list(a) != list(b):
            return where
        return next((w for k in a if (w := _first_difference(a[k], b[k], f"{where}.{k}")) is not None), None)
    if isinstance(a, list):
        if len(a) != len(b):
            return where
        return next((w for i, (x, y) in enumerate(zip(a, b, strict=True))
                     if (w := _first_difference(x, y, f"{where}[{i}]")) is not None), None)
    return None if a == b else where
