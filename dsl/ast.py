"""The flowc AST: what a `.flow` or `.flow.yaml` file says, with a span on every node.

Both front ends (the lark grammar and the YAML loader) build exactly these
nodes, which is what makes the two syntaxes interchangeable byte for byte.
Nothing here knows about AWS: names of integrations are kept as written and
resolved by the compiler.

The nodes are plain slotted dataclasses, not pydantic models: the house style wants pydantic for
structures crossing module boundaries "but plain data on hot paths", and the `.flow` parser building
~16 nodes per step (160,000 on a 10,000-step file) is the hot path; importing pydantic also cost every
command ~70 ms before it parsed anything. The boundary keeps its checks: the YAML front end (the input
not typed by a grammar) passes its tree through `validate`, which converts and type-checks it with
pydantic exactly as validated models did, and tests run `validate` on every example and corpus file.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, Literal, TypeVar

from flowc.dsl.diagnostics import Span

_N = TypeVar("_N")

_NODES: list[type] = []


def _node(cls: type) -> Any:
    """A slotted, keyword-only dataclass; its `__init__` is generated with every other node's (`_add_inits`).

    `dataclass` compiles each generated method on its own, ~0.4 ms a method: for the AST's ~40 classes
    that (and the docstrings it derives) was 16 ms of every command's start-up. Equality and repr are `AstModel`'s, one `__init__` per
    class comes from a single `exec` at the end of this module.
    """
    if cls.__doc__ is None:  # (else dataclass writes one from `inspect.signature`, 1 ms a class)
        cls.__doc__ = f"The AST's `{cls.__name__}` node."
    cls = dataclass(slots=True, kw_only=True, init=False, repr=False, eq=False)(cls)
    _NODES.append(cls)
    return cls


class AstModel:
    """Base of every AST node and of `ObjectItem` (`isinstance` checks and generic walks use it)."""

    __slots__ = ()

    def field_values(self) -> list[Any]:
        """The node's field values in declaration order."""
        return [getattr(self, name) for name in field_names(self.__class__)]

    def copy_with(self, **changes: Any) -> Any:
        """A shallow copy with some fields replaced (what pydantic's `model_copy(update=...)` did)."""
        return replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        """Same class and equal fields, compared as tuples (as a dataclass's `__eq__` does)."""
        if other.__class__ is not self.__class__:
            return NotImplemented
        names = field_names(self.__class__)
        return tuple(getattr(self, n) for n in names) == tuple(getattr(other, n) for n in names)

    __hash__ = None  # type: ignore[assignment]  # mutable: unhashable, like pydantic models and dataclasses

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in field_names(self.__class__))
        return f"{self.__class__.__qualname__}({values})"


@_node
class Node(AstModel):
    span: Span


# ---------------------------------------------------------------- values --
@_node
class LiteralValue(Node):
    kind: Literal["literal"] = "literal"
    value: str | int | float | bool | None


@_node
class PathValue(Node):
    """A JSONPath: ``$.a``, ``$$.Execution.Id`` or a variable ``$name.field``."""

    kind: Literal["path"] = "path"
    text: str


@_node
class IntrinsicValue(Node):
    """An intrinsic function call kept as ASL text, e.g. ``States.Format('{}', $.a)``."""

    kind: Literal["intrinsic"] = "intrinsic"
    text: str


@_node
class JsonataValue(Node):
    """A JSONata expression including its ``{% %}`` delimiters."""

    kind: Literal["jsonata"] = "jsonata"
    text: str


@_node
class RefValue(Node):
    """A declared resource (or workflow) named inside a value: ``Exports`` or ``Exports.arn``.

    Which attribute (name, ARN, URL) it renders as is decided by the compiler from the field it sits
    in, unless written explicitly.
    """

    kind: Literal["ref"] = "ref"
    name: str
    attribute: str | None = None


@_node
class TypedValue(Node):
    """A DynamoDB-typed attribute value such as ``N($.count)``."""

    kind: Literal["typed"] = "typed"
    type: str
    value: Value


@_node
class ObjectItem(AstModel):
    key: str
    key_span: Span
    value: Value


@_node
class ObjectValue(Node):
    kind: Literal["object"] = "object"
    items: list[ObjectItem]


@_node
class ArrayValue(Node):
    kind: Literal["array"] = "array"
    items: list[Value]


Value = LiteralValue | PathValue | IntrinsicValue | JsonataValue | TypedValue | ObjectValue | ArrayValue | RefValue


@_node
class Duration(Node):
    seconds: int


@_node
class NameRef(Node):
    """A reference by name to a step, resource or workflow."""

    name: str


# ------------------------------------------------------------ conditions --
@_node
class Compare(Node):
    """One ASL data-test: ``Variable`` + operator (ASL name) + operand."""

    kind: Literal["compare"] = "compare"
    variable: PathValue
    op: str
    operand: Value


@_node
class BoolOp(Node):
    kind: Literal["bool"] = "bool"
    op: Literal["and", "or"]
    operands: list[Condition]


@_node
class NotOp(Node):
    kind: Literal["not"] = "not"
    operand: Condition


@_node
class JsonataCondition(Node):
    kind: Literal["jsonata"] = "jsonata"
    text: str


Condition = Compare | BoolOp | NotOp | JsonataCondition


# --------------------------------------------------------------- options --
@_node
class RetrySpec(Node):
    errors: list[NameRef]
    interval: Duration | None = None
    attempts: int | None = None
    backoff: int | float | None = None
    max_delay: Duration | None = None
    jitter: Literal["full", "none"] | None = None
    comment: str | None = None


@_node
class CatchSpec(Node):
    errors: list[NameRef]
    target: NameRef
    into: PathValue | LiteralValue | None = None  # ResultPath; LiteralValue(None) means null
    output: Value | None = None
    assign: Value | None = None
    comment: str | None = None


@_node
class Option(Node):
    """A step option line (`result $.x`, `timeout 30s`, `item {...}` ...) kept generic.

    The compiler validates options against a table per step kind, so the grammar
    stays small and error messages can name the option.
    """

    name: str
    value: Any = None  # Value | Duration | NameRef | str | int | float | list | None


# ------------------------------------------------------------ statements --
@_node
class Goto(Node):
    """`goto Step`; with no target (`end`) the previous step ends the workflow or block."""

    kind: Literal["goto"] = "goto"
    target: NameRef | None


@_node
class TaskAction(Node):
    kind: Literal["task"] = "task"
    integration: str  # invoke, start, call, activity or service.action as written
    target: NameRef | None = None
    resource: str | None = None  # for `call`: the service:action or ARN written
    mode: str | None = None  # async | sync | sync2 | callback


@_node
class PassAction(Node):
    kind: Literal["pass"] = "pass"


@_node
class WaitAction(Node):
    kind: Literal["wait"] = "wait"
    until: bool = False
    value: Value | Duration


@_node
class SucceedAction(Node):
    kind: Literal["succeed"] = "succeed"


@_node
class FailAction(Node):
    kind: Literal["fail"] = "fail"
    error: Value | None = None
    cause: Value | None = None


@_node
class ChoiceBranch(Node):
    condition: Condition
    body: list[Statement]
    options: list[Option] = field(default_factory=list)


@_node
class ChooseAction(Node):
    kind: Literal["choose"] = "choose"
    branches: list[ChoiceBranch]
    default: list[Statement] | None = None
    default_span: Span | None = None
    no_match_error: bool = False  # `else raise States.NoChoiceMatched`


@_node
class ParallelAction(Node):
    kind: Literal["parallel"] = "parallel"
    branches: list[list[Statement]]


@_node
class MapAction(Node):
    kind: Literal["map"] = "map"
    distributed: bool = False
    items: Value | None = None
    item_var: NameRef | None = None
    index_var: NameRef | None = None
    body: list[Statement]


Action = TaskAction | PassAction | WaitAction | SucceedAction | FailAction | ChooseAction | ParallelAction | MapAction


@_node
class Step(Node):
    kind: Literal["step"] = "step"
    name: str
    name_span: Span
    action: Action
    options: list[Option] = field(default_factory=list)


Statement = Step | Goto


# ------------------------------------------------------------ top level --
@_node
class ResourceDecl(Node):
    kind: str  # function | table | topic | queue | bus | activity | bucket | machine
    name: str
    name_span: Span
    props: list[Option] = field(default_factory=list)


@_node
class Trigger(Node):
    kind: str  # http | schedule | event
    props: list[Option] = field(default_factory=list)


@_node
class Setting(Node):
    name: str  # doc | type | query | timeout | version | logging | tracing
    value: Any = None


@_node
class Workflow(Node):
    name: str
    name_span: Span
    settings: list[Setting] = field(default_factory=list)
    resources: list[ResourceDecl] = field(default_factory=list)
    triggers: list[Trigger] = field(default_factory=list)
    body: list[Statement] = field(default_factory=list)


@_node
class Import(Node):
    path: str


@_node
class Module(Node):
    """One source file."""

    file: str
    imports: list[Import] = field(default_factory=list)
    resources: list[ResourceDecl] = field(default_factory=list)
    workflows: list[Workflow] = field(default_factory=list)


# ------------------------------------------------------- helpers --
def _add_inits() -> None:
    """Each node class's keyword-only `__init__` (what `dataclass` would write), compiled in one go."""
    namespace: dict[str, Any] = {"_FACTORY": _FACTORY}
    source: list[str] = []
    for number, cls in enumerate(_NODES):
        params: list[str] = []
        body: list[str] = []
        for f in fields(cls):
            if f.default_factory is not MISSING:
                namespace[f"_f{number}_{f.name}"] = f.default_factory
                params.append(f"{f.name}=_FACTORY")
                body.append(f"    self.{f.name} = _f{number}_{f.name}() if {f.name} is _FACTORY else {f.name}")
                continue
            if f.default is not MISSING:
                namespace[f"_d{number}_{f.name}"] = f.default
                params.append(f"{f.name}=_d{number}_{f.name}")
            else:
                params.append(f.name)
            body.append(f"    self.{f.name} = {f.name}")
        source += [f"def _init{number}(self, *, {', '.join(params)}):", *body, ""]
    exec("\n".join(source), namespace)  # our own template over the classes' field names
    for number, cls in enumerate(_NODES):
        init = namespace[f"_init{number}"]
        init.__qualname__ = f"{cls.__qualname__}.__init__"
        cls.__init__ = init


_FACTORY: Any = object()  # "no value given" for a field with a default factory
_add_inits()

_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """A node class's field names in declaration order (the parent's `span` first), computed once."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


# ---------------------------------------------------- the boundary check --
def validate(node: _N) -> _N:
    """`node` re-validated with pydantic (loaded only here): a converted copy, or ValidationError.

    The YAML front end passes its whole tree through this, so scalars the YAML reader subclasses
    (ruamel's ScalarFloat ...) become plain `float`/`int`/`str` and a value of a wrong type is
    refused, as when the nodes were pydantic models; tests call it on every parsed example to keep
    the `.flow` parser's trust in its grammar honest.
    """
    return _adapter(node.__class__).validate_python(node)


def validated(cls: type[_N], **values: Any) -> _N:
    """Build and validate one node (a ValidationError names the field, e.g. a retry's `attempts`)."""
    return validate(cls(**values))


_ADAPTERS: dict[type, Any] = {}


def _adapter(cls: type) -> Any:
    adapter = _ADAPTERS.get(cls)
    if adapter is None:
        from pydantic import ConfigDict, TypeAdapter

        config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, revalidate_instances="always")
        for node_cls in _all_node_classes():
            node_cls.__pydantic_config__ = config  # type: ignore[attr-defined]
        adapter = _ADAPTERS[cls] = TypeAdapter(cls)
    return adapter


def _all_node_classes() -> list[type]:
    return list(_NODES)
