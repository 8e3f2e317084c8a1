"""The flowc AST: what a `.flow` or `.flow.yaml` file says, with a span on every node.

Both front ends (the lark grammar and the YAML loader) build exactly these
models, which is what makes the two syntaxes interchangeable byte for byte.
Nothing here knows about AWS: names of integrations are kept as written and
resolved by the compiler.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeVar

from flowc.dsl.diagnostics import Span
from pydantic import BaseModel, ConfigDict, Field

_M = TypeVar("_M", bound=BaseModel)


class Node(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid", arbitrary_types_allowed=True, defer_build=True)
    span: Span


# ---------------------------------------------------------------- values --
class LiteralValue(Node):
    kind: Literal["literal"] = "literal"
    value: str | int | float | bool | None


class PathValue(Node):
    """A JSONPath: ``$.a``, ``$$.Execution.Id`` or a variable ``$name.field``."""

    kind: Literal["path"] = "path"
    text: str


class IntrinsicValue(Node):
    """An intrinsic function call kept as ASL text, e.g. ``States.Format('{}', $.a)``."""

    kind: Literal["intrinsic"] = "intrinsic"
    text: str


class JsonataValue(Node):
    """A JSONata expression including its ``{% %}`` delimiters."""

    kind: Literal["jsonata"] = "jsonata"
    text: str


class RefValue(Node):
    """A declared resource (or workflow) named inside a value: ``Exports`` or ``Exports.arn``.

    Which attribute (name, ARN, URL) it renders as is decided by the compiler from the field it sits
    in, unless written explicitly.
    """

    kind: Literal["ref"] = "ref"
    name: str
    attribute: str | None = None


class TypedValue(Node):
    """A DynamoDB-typed attribute value such as ``N($.count)``."""

    kind: Literal["typed"] = "typed"
    type: str
    value: Value


class ObjectItem(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, defer_build=True)
    key: str
    key_span: Span
    value: Value


class ObjectValue(Node):
    kind: Literal["object"] = "object"
    items: list[ObjectItem]


class ArrayValue(Node):
    kind: Literal["array"] = "array"
    items: list[Value]


Value = Annotated[
    LiteralValue | PathValue | IntrinsicValue | JsonataValue | TypedValue | ObjectValue | ArrayValue | RefValue,
    Field(discriminator="kind"),
]


class Duration(Node):
    seconds: int


class NameRef(Node):
    """A reference by name to a step, resource or workflow."""

    name: str


# ------------------------------------------------------------ conditions --
class Compare(Node):
    """One ASL data-test: ``Variable`` + operator (ASL name) + operand."""

    kind: Literal["compare"] = "compare"
    variable: PathValue
    op: str
    operand: Value


class BoolOp(Node):
    kind: Literal["bool"] = "bool"
    op: Literal["and", "or"]
    operands: list[Condition]


class NotOp(Node):
    kind: Literal["not"] = "not"
    operand: Condition


class JsonataCondition(Node):
    kind: Literal["jsonata"] = "jsonata"
    text: str


Condition = Annotated[Compare | BoolOp | NotOp | JsonataCondition, Field(discriminator="kind")]


# --------------------------------------------------------------- options --
class RetrySpec(Node):
    errors: list[NameRef]
    interval: Duration | None = None
    attempts: int | None = None
    backoff: int | float | None = None
    max_delay: Duration | None = None
    jitter: Literal["full", "none"] | None = None
    comment: str | None = None


class CatchSpec(Node):
    errors: list[NameRef]
    target: NameRef
    into: PathValue | LiteralValue | None = None  # ResultPath; LiteralValue(None) means null
    output: Value | None = None
    assign: Value | None = None
    comment: str | None = None


class Option(Node):
    """A step option line (`result $.x`, `timeout 30s`, `item {...}` ...) kept generic.

    The compiler validates options against a table per step kind, so the grammar
    stays small and error messages can name the option.
    """

    name: str
    value: Any = None  # Value | Duration | NameRef | str | int | float | list | None


# ------------------------------------------------------------ statements --
class Goto(Node):
    """`goto Step`; with no target (`end`) the previous step ends the workflow or block."""

    kind: Literal["goto"] = "goto"
    target: NameRef | None


class TaskAction(Node):
    kind: Literal["task"] = "task"
    integration: str  # invoke, start, call, activity or service.action as written
    target: NameRef | None = None
    resource: str | None = None  # for `call`: the service:action or ARN written
    mode: str | None = None  # async | sync | sync2 | callback


class PassAction(Node):
    kind: Literal["pass"] = "pass"


class WaitAction(Node):
    kind: Literal["wait"] = "wait"
    until: bool = False
    value: Value | Duration


class SucceedAction(Node):
    kind: Literal["succeed"] = "succeed"


class FailAction(Node):
    kind: Literal["fail"] = "fail"
    error: Value | None = None
    cause: Value | None = None


class ChoiceBranch(Node):
    condition: Condition
    body: list[Statement]
    options: list[Option] = []


class ChooseAction(Node):
    kind: Literal["choose"] = "choose"
    branches: list[ChoiceBranch]
    default: list[Statement] | None = None
    default_span: Span | None = None
    no_match_error: bool = False  # `else raise States.NoChoiceMatched`


class ParallelAction(Node):
    kind: Literal["parallel"] = "parallel"
    branches: list[list[Statement]]


class MapAction(Node):
    kind: Literal["map"] = "map"
    distributed: bool = False
    items: Value | None = None
    item_var: NameRef | None = None
    index_var: NameRef | None = None
    body: list[Statement]


Action = Annotated[
    TaskAction | PassAction | WaitAction | SucceedAction | FailAction | ChooseAction | ParallelAction | MapAction,
    Field(discriminator="kind"),
]


class Step(Node):
    kind: Literal["step"] = "step"
    name: str
    name_span: Span
    action: Action
    options: list[Option] = []


Statement = Annotated[Step | Goto, Field(discriminator="kind")]


# ------------------------------------------------------------ top level --
class ResourceDecl(Node):
    kind: str  # function | table | topic | queue | bus | activity | bucket | machine
    name: str
    name_span: Span
    props: list[Option] = []


class Trigger(Node):
    kind: str  # http | schedule | event
    props: list[Option] = []


class Setting(Node):
    name: str  # doc | type | query | timeout | version | logging | tracing
    value: Any = None


class Workflow(Node):
    name: str
    name_span: Span
    settings: list[Setting] = []
    resources: list[ResourceDecl] = []
    triggers: list[Trigger] = []
    body: list[Statement] = []


class Import(Node):
    path: str


class Module(Node):
    """One source file."""

    file: str
    imports: list[Import] = []
    resources: list[ResourceDecl] = []
    workflows: list[Workflow] = []


# No eager `model_rebuild()`: the recursive models resolve their forward references on first
# validation (the YAML front end); the `.flow` parser builds trusted nodes and never pays for it.


# ------------------------------------------------------- trusted building --
_PLANS: dict[type, tuple[dict[str, Any], tuple[tuple[str, type], ...]]] = {}
_set = object.__setattr__


def trusted(cls: type[_M], **fields: Any) -> _M:
    """Build a node from values the grammar has already typed, without re-validating them.

    pydantic's own `model_construct` does the same but costs three times a validated build; the
    `.flow` parser makes ~16 nodes per step, so on a 10,000-step file this saves ~0.1 s. Defaults
    are filled as validation would (a fresh list for each `= []`). Only the parser uses it; the
    YAML front end validates, and tests check both front ends build equal trees.
    """
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _plan(cls)
    shared, fresh = plan
    data = {**shared, **fields} if shared else fields
    for name, factory in fresh:
        if name not in fields:
            data[name] = factory()
    node = object.__new__(cls)
    _set(node, "__dict__", data)
    _set(node, "__pydantic_fields_set__", set(fields))
    _set(node, "__pydantic_extra__", None)
    _set(node, "__pydantic_private__", None)
    return node


def _plan(cls: type[BaseModel]) -> tuple[dict[str, Any], tuple[tuple[str, type], ...]]:
    shared: dict[str, Any] = {}
    fresh: list[tuple[str, type]] = []
    for name, info in cls.model_fields.items():
        if info.is_required():
            continue
        if info.default_factory is not None:
            fresh.append((name, info.default_factory))
        elif isinstance(info.default, (list, dict, set)):
            fresh.append((name, type(info.default)))
        else:
            shared[name] = info.default
    return shared, tuple(fresh)
