"""Models of the `.flow.yaml` document: what the YAML twin accepts, and the source of `flowc schema`.

The YAML front end (`dsl.yaml_loader`) validates every document with `validate_document` after its own walk,
so a file the loader accepts is valid against the JSON Schema generated here (`json_schema`), and the
schema an editor checks a file with cannot drift from what `flowc` reads. The models describe the shape
of the file (keys, kinds of values, enumerations, duration spellings); what needs the whole program
(names that resolve, options a given integration takes, expression grammar) stays with the loader and
the compiler, as it does for `.flow`.

Every field carries a description and examples: they are the hover text and completions an editor shows.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import GenerateJsonSchema
from pydantic_core import PydanticCustomError

SCHEMA_ID = "https://raw.githubusercontent.com/flowc/flowc/main/docs/flow.schema.json"
# Draft-07: the draft the VS Code YAML extension (yaml-language-server) and SchemaStore validate with.
SCHEMA_DIALECT = "http://json-schema.org/draft-07/schema#"

DURATION_PATTERN = r"^\d+[smhd](\d+[smhd])*$"
PERCENT_PATTERN = r"^\s*\d+(\.\d+)?\s*%$"
HTTP_PATTERN = r"^[A-Za-z]+\s+\S.*$"


def _any_case(*words: str) -> str:
    """A pattern matching `words` in any letter case (JSON Schema's ECMA regexes have no `(?i)`)."""
    return "^(?:" + "|".join("".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in w)
                             for w in words) + ")$"


QUERY_PATTERN = _any_case("jsonpath", "jsonata")

# The step kinds: the one key of a step body that says what the step does. Dotted keys are service
# integrations (the same names as in `.flow`; `compiler/integrations.py` holds their arguments).
TASK_KINDS = ("invoke", "start", "call", "activity")
INTEGRATION_KINDS = ("dynamodb.getItem", "dynamodb.putItem", "dynamodb.updateItem", "dynamodb.deleteItem",
                     "sns.publish", "sqs.send", "events.put")
OTHER_KINDS = ("pass", "succeed", "wait", "wait_until", "fail", "choose", "switch", "parallel", "map")
STEP_KINDS = (*TASK_KINDS, *INTEGRATION_KINDS, *OTHER_KINDS)
RESOURCE_KINDS = ("function", "table", "topic", "queue", "bus", "activity", "bucket", "machine")
TRIGGER_KINDS = ("http", "schedule", "event")


def F(description: str, *examples: Any, default: Any = ..., alias: str | None = None) -> Any:
    """A documented field: `description` is the editor's hover text, `examples` its suggestions."""
    return Field(default, description=description, examples=list(examples), alias=alias)


class Doc(BaseModel):
    """Base of every model: unknown keys are errors, and values are never coerced (YAML `"3"` is not 3),
    which is how JSON Schema reads the same document."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=False, defer_build=True)


# ------------------------------------------------------------------------------------------ values
def Pattern(pattern: str, phrase: str) -> Any:
    """A string matching `pattern`: JSON Schema gets the pattern, and a value that is not such a string
    (of any type) is one error saying `phrase` (`a duration such as 30s`), not pydantic's regex text."""
    compiled = re.compile(pattern)

    def check(value: Any) -> Any:
        if not isinstance(value, str) or not compiled.match(value):
            raise PydanticCustomError("flowc_pattern", "expected {phrase}", {"phrase": phrase})
        return value

    return Annotated[str, BeforeValidator(check), WithJsonSchema({"type": "string", "pattern": pattern})]


Duration = Pattern(DURATION_PATTERN, "a duration such as 30s or 1h30m")
DurationOrSeconds = Annotated[int, Field(ge=0)] | Duration
Expression = Pattern(r"^(\$|\{%)", "a JSONPath ($...) or JSONata ({% ... %}) expression")
AnyValue = Any  # a JSON-like value: expressions (`$.x`, `{% %}`, `States.X(...)`, `N(...)`) are strings
Steps = Annotated[list["StepItem"], Field(description="Steps, run in the order written.")]
NameOrNames = str | list[str]


# ------------------------------------------------------------------------------------------ retry/catch
class Retry(Doc):
    """One retrier (ASL `Retry` entry): which errors it retries and how."""

    errors: NameOrNames = F("The error names this retrier matches (ASL `ErrorEquals`).",
                            ["Lambda.TooManyRequestsException", "Lambda.ServiceException"], "States.ALL")
    interval: DurationOrSeconds = F("Wait before the first retry (ASL `IntervalSeconds`).",
                                           "2s", "1m", 5, default=None)
    attempts: int = F("Retries at most (ASL `MaxAttempts`); 0 never retries.", 3, 0, default=None)
    backoff: int | float = F("Multiplier of the interval after each retry (ASL `BackoffRate`).",
                                    2, 1.5, default=None)
    max_delay: DurationOrSeconds = F("Upper bound of any one wait (ASL `MaxDelaySeconds`).",
                                            "30s", "5m", default=None)
    jitter: Literal["full", "none"] = F("Randomise the waits (ASL `JitterStrategy`).", "full",
                                               default=None)
    comment: str = F("A note kept in the ASL (`Comment`).", "throttling", default=None)


class Catch(Doc):
    """One catcher (ASL `Catch` entry): on which errors to go where, with what."""

    errors: NameOrNames = F("The error names this catcher matches (ASL `ErrorEquals`).",
                            ["States.ALL"], ["States.TaskFailed", "States.Timeout"])
    goto: str = F("The step to go to when it matches (ASL `Next`).", "NotifyFailure")
    into: Pattern(r"^\$", "a JSONPath such as $.error, or null") | None = F("Where the error output goes in the state's input (ASL `ResultPath`); null discards "
                         "the input.", "$.error", None, default=None)
    output: AnyValue = F("The output passed on (JSONata `Output`).", "{% $states.errorOutput %}",
                         default=None)
    assign: AnyValue = F("Variables to set when it matches (ASL `Assign`).", {"failed": True}, default=None)
    comment: str = F("A note kept in the ASL (`Comment`).", "anything else", default=None)


def _one_or_list(value: Any) -> str:
    return "~list" if isinstance(value, list) else "~one"


RetryOption = Annotated[Annotated[Retry, Tag("~one")] | Annotated[list[Retry], Tag("~list")],
                        Discriminator(_one_or_list)]
CatchOption = Annotated[Annotated[Catch, Tag("~one")] | Annotated[list[Catch], Tag("~list")],
                        Discriminator(_one_or_list)]


class Tolerate(Doc):
    """Failures a distributed map tolerates, read from the input."""

    count: AnyValue = F("How many items may fail (ASL `ToleratedFailureCount[Path]`).", "$.maxFailures",
                        default=None)
    percent: AnyValue = F("Which percentage of items may fail (ASL `ToleratedFailurePercentage[Path]`).",
                          "$.maxFailurePercent", default=None)

    model_config = ConfigDict(json_schema_extra={"minProperties": 1, "maxProperties": 1})

    @model_validator(mode="before")
    @classmethod
    def _exactly_one(cls, data: Any) -> Any:
        if isinstance(data, dict) and len(data) != 1:
            raise ValueError("`tolerate` as a mapping takes one key: count or percent")
        return data


# ------------------------------------------------------------------------------------------ choices
class _Branch(Doc):
    model_config = ConfigDict(json_schema_extra={"anyOf": [{"required": ["then"]}, {"required": ["goto"]}]})

    then: Steps = F("The steps run when this branch is taken.", [{"Ignored": "succeed"}], default=None)
    goto: str = F("Go to this step when the branch is taken (instead of `then`).", "AddToTeam",
                         default=None)
    assign: AnyValue = F("Variables set when the branch is taken (ASL `Assign`).", {"route": "fast"}, default=None)
    output: AnyValue = F("The output when the branch is taken (JSONata `Output`).", "{% $states.input.x %}",
                         default=None)
    comment: str = F("A note kept in the ASL (`Comment` of the rule).", "members only", default=None)

    @model_validator(mode="before")
    @classmethod
    def _then_or_goto(cls, data: Any) -> Any:
        if isinstance(data, dict) and "then" not in data and "goto" not in data:
            raise ValueError("a branch needs `then:` (a list of steps) or `goto:`")
        return data


class IfClause(_Branch):
    """The first clause of `choose`: a condition and where to go."""

    if_: str = F("A condition in the `.flow` syntax (`$.x == 1`, `$.a is present and $.b > 2`) or JSONata.",
                 '$.action == "member_added"', "{% $states.input.n > 3 %}", alias="if")


class ElifClause(_Branch):
    """A further clause of `choose`, tried when the ones before it did not match."""

    elif_: str = F("A condition in the `.flow` syntax or JSONata, tried when the clauses before failed.",
                   "$.count > 10", alias="elif")


class GotoOnly(Doc):
    """Go to a step."""

    goto: str = F("The step to go to.", "NotifyFailure")


ElseTarget = Annotated[
    Annotated[Literal["raise", "raise States.NoChoiceMatched"], Tag("~raise")]
    | Annotated[GotoOnly, Tag("~goto")] | Annotated[Steps, Tag("~steps")],
    Discriminator(lambda v: "~raise" if isinstance(v, str) else "~goto" if isinstance(v, dict) else "~steps")]


class ElseClause(Doc):
    """The last clause of `choose`: what happens when no condition matched."""

    else_: ElseTarget = F("Steps to run, `{goto: Step}`, or `raise` (fail with States.NoChoiceMatched).",
                          [{"Ignored": "succeed"}], {"goto": "Fallback"}, "raise", alias="else")


def _clause_tag(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("if", "elif", "else"):
            if key in value:
                return "~" + key
    return "~if"


ChooseClause = Annotated[Annotated[IfClause, Tag("~if")] | Annotated[ElifClause, Tag("~elif")]
                         | Annotated[ElseClause, Tag("~else")], Discriminator(_clause_tag)]

CaseValue = str | int | float | bool


class CaseClause(_Branch):
    """A `switch` case: the values that select it."""

    case: CaseValue | list[CaseValue] = F("The value (or list of values) of the switch variable that selects "
                                          "this case.", "gold", ["silver", "bronze"], 3)


class DefaultClause(Doc):
    """The `switch` case taken when no other matched."""

    default: Steps = F("The steps run when no case matched.", [{"Other": "succeed"}])


SwitchClause = Annotated[Annotated[CaseClause, Tag("~case")] | Annotated[DefaultClause, Tag("~default")],
                         Discriminator(lambda v: "~default" if isinstance(v, dict) and "default" in v else "~case")]


# ------------------------------------------------------------------------------------------ steps
_TARGET = "The name of the declared resource (or workflow) it acts on; null when it takes none."


class StepBody(Doc):
    """What a step does: exactly one step kind (`invoke`, `pass`, `choose`, `map`, `dynamodb.putItem`, ...) plus
    its options. Which options a kind takes is checked by the compiler, with a did-you-mean."""

    # -- kinds
    invoke: str = F("Invoke a Lambda function declared under `resources`.", "add_to_team", default=None)
    start: str = F("Start an execution of another workflow (or a declared `machine`).", "ProcessUser",
                          default=None)
    call: str = F("Call any Step Functions service integration by its resource ARN or service:action.",
                         "arn:aws:states:::glue:startJobRun.sync", "ecs:runTask", default=None)
    activity: str = F("Wait for a worker of a declared activity.", "ManualApproval", default=None)
    dynamodb_get_item: str = F("Read one item of a declared table (DynamoDB GetItem).", "Members",
                                      default=None, alias="dynamodb.getItem")
    dynamodb_put_item: str = F("Write one item to a declared table (DynamoDB PutItem).", "Members",
                                      default=None, alias="dynamodb.putItem")
    dynamodb_update_item: str = F("Update one item of a declared table (DynamoDB UpdateItem).",
                                         "RepoTotals", default=None, alias="dynamodb.updateItem")
    dynamodb_delete_item: str = F("Delete one item of a declared table (DynamoDB DeleteItem).", "Members",
                                         default=None, alias="dynamodb.deleteItem")
    sns_publish: str = F("Publish to a declared topic (SNS Publish).", "Notifications", default=None,
                                alias="sns.publish")
    sqs_send: str = F("Send a message to a declared queue (SQS SendMessage).", "Orders", default=None,
                             alias="sqs.send")
    events_put: str | None = F("Put events on a declared bus, or the default bus when null (EventBridge).",
                               "Orders", None, default=None, alias="events.put")
    pass_: None = F("Pass its input (or `with`/`value`) on (ASL `Pass`). Written `pass:` with no value.", None,
                    default=None, alias="pass")
    succeed: None = F("End the workflow (or block) successfully (ASL `Succeed`). Written `succeed:` or as the "
                      "shorthand `- Done: succeed`.", None, default=None)
    wait: DurationOrSeconds | Expression = F("Wait a duration, or seconds read from the input (JSONPath or "
                                             "JSONata).", "30s", 10, "$.delay", default=None)
    wait_until: str = F("Wait until a timestamp (ISO 8601) or one read from the input.",
                               "2026-01-01T00:00:00Z", "$.deadline", default=None)
    fail: AnyValue = F("Fail the workflow with this error name (ASL `Fail`); `cause` says why.",
                       "OnboardingFailed", default=None)
    choose: list[ChooseClause] = F("Branch on conditions: `if`, then `elif`s, optionally an `else` last.",
                                          [{"if": "$.ok == true", "goto": "Done"}, {"else": [{"Stop": "succeed"}]}],
                                          default=None)
    switch: str = F("Branch on the value of one JSONPath: the `cases` list says where each value goes.",
                           "$.tier", default=None)
    parallel: Annotated[list[Steps], Field(min_length=1)] = F("Run branches at the same time; each branch is a list of steps.",
                                     [[{"A": {"invoke": "price_run"}}], [{"B": {"invoke": "count_runs"}}]],
                                     default=None)
    map: AnyValue = F("Run `do` once per item of this array (JSONPath/JSONata); null reads the whole input.",
                      "$.users", default=None)

    # -- modifiers of a kind
    mode: Literal["async", "sync", "sync2", "callback"] = F(
        "How a task waits: `sync`/`sync2` run to completion (`.sync`, `.sync:2`), `callback` waits for a task "
        "token, `async` does not wait (Lambda Event invocation).", "sync2", "callback", default=None)
    cause: AnyValue = F("Of a `fail` step: the human-readable cause (ASL `Cause`).", "could not onboard member",
                        default=None)
    cases: list[SwitchClause] = F("Of a `switch` step: `- case: value` clauses and a last `- default:`.",
                                         [{"case": "gold", "goto": "Priority"}, {"default": [{"Normal": "succeed"}]}],
                                         default=None)
    do: Steps = F("Of a `map` step: the steps run for each item.",
                         [{"InvokeWorker": {"start": "ProcessUser", "mode": "sync2"}}], default=None)
    as_: NameOrNames = F("Of a `map` step: the variable name of the item (and, second, of its index) "
                                "inside `do`.", "UserDetails", ["user", "index"], default=None, alias="as")
    distributed: bool = F("Of a `map` step: run as a Distributed Map (child executions).", True,
                                 default=None)

    # -- options every kind may take (which one applies where is the compiler's table)
    comment: str = F("A note kept in the ASL (`Comment`).", "Provision one user", default=None)
    query: Pattern(QUERY_PATTERN, "jsonpath or jsonata") = F(
        "The query language of this step (ASL `QueryLanguage`): jsonpath or jsonata.", "jsonata", default=None)
    input: AnyValue = F("Select the part of the input the step sees (ASL `InputPath`).", "$.detail", default=None)
    result: AnyValue = F("Where the step's result goes in its input (ASL `ResultPath`); null discards it.",
                         "$.team", None, default=None)
    output: AnyValue = F("Select or build the step's output (ASL `OutputPath`, JSONata `Output`).", "$.Payload",
                         default=None)
    select: AnyValue = F("Build the result from the raw result (ASL `ResultSelector`).",
                         {"login": "$.Output.login"}, default=None)
    assign: AnyValue = F("Variables to set from the result (ASL `Assign`).", {"total": "$.sum"}, default=None)
    with_: AnyValue = F("The payload passed to the task, map item or pass state (ASL `Parameters`).",
                        {"org": "$.organization.login"}, default=None, alias="with")
    value: AnyValue = F("Of a `pass` step: a fixed result (ASL `Result`).", {"status": "ok"}, default=None)
    timeout: DurationOrSeconds | Expression = F("Fail the task after this long (ASL `TimeoutSeconds[Path]`).",
                                                "30s", 300, "$.timeout", default=None)
    heartbeat: DurationOrSeconds | Expression = F("Fail a callback task with no heartbeat for this long (ASL "
                                                  "`HeartbeatSeconds[Path]`).", "1h", default=None)
    credentials: AnyValue = F("A role for the task to assume (ASL `Credentials`).",
                              {"RoleArn": "arn:aws:iam::123456789012:role/Worker"}, default=None)
    retry: RetryOption = F("Retriers, tried in order (ASL `Retry`).",
                                  [{"errors": ["States.ALL"], "interval": "2s", "attempts": 3}], default=None)
    catch: CatchOption = F("Catchers, tried in order once retries are spent (ASL `Catch`).",
                                  [{"errors": ["States.ALL"], "into": "$.error", "goto": "NotifyFailure"}],
                                  default=None)
    # -- map options
    concurrency: int | str = F("Of a `map` step: items run at the same time at most (ASL "
                                      "`MaxConcurrency[Path]`); 0 means no limit.", 50, "$.limit", default=None)
    tolerate: Annotated[int, Field(ge=0)] | Pattern(PERCENT_PATTERN, "a percentage such as 10%") | Tolerate = F(
        "Of a distributed `map`: failed items tolerated, as a count, a percentage, or `{count|percent: $.path}`.",
        5, "10%", {"percent": "$.maxFailures"}, default=None)
    label: str = F("Of a distributed `map`: the label of its child executions (ASL `Label`).", "users",
                          default=None)
    execution: Pattern(_any_case("standard", "express"), "standard or express") = F("Of a distributed `map`: the type of its child executions.", "express",
                                      default=None)
    reader: AnyValue = F("Of a distributed `map`: where items are read from (ASL `ItemReader`).",
                         {"Resource": "arn:aws:states:::s3:getObject", "Parameters": {"Bucket": "in", "Key": "k"}},
                         default=None)
    batch: AnyValue = F("Of a distributed `map`: how items are batched (ASL `ItemBatcher`).",
                        {"MaxItemsPerBatch": 10}, default=None)
    writer: AnyValue = F("Of a distributed `map`: where results are written (ASL `ResultWriter`).",
                         {"Resource": "arn:aws:states:::s3:putObject"}, default=None)
    # -- task arguments (compiler/integrations.py says which integration takes which)
    payload: AnyValue = F("The task payload (a synonym of `with`).", {"id": "$.id"}, default=None)
    qualifier: AnyValue = F("Of `invoke`: the function version or alias.", "live", default=None)
    name: AnyValue = F("Of `start`: the name of the child execution.", "States.UUID()", default=None)
    key: AnyValue = F("Of a DynamoDB step: the primary key of the item.", {"repository": "$.repo"}, default=None)
    item: AnyValue = F("Of `dynamodb.putItem`: the item written (strings, numbers, or typed `N(...)`).",
                       {"id": "$.employee.id", "cost": "N($.cost)"}, default=None)
    update: AnyValue = F("Of `dynamodb.updateItem`: the update expression.", "ADD total :cost", default=None)
    names: AnyValue = F("Of a DynamoDB step: expression attribute names.", {"#s": "status"}, default=None)
    values: AnyValue = F("Of a DynamoDB step: expression attribute values.", {":cost": "N($.cost)"}, default=None)
    condition: AnyValue = F("Of a DynamoDB write: the condition expression.", "attribute_not_exists(id)",
                            default=None)
    returns: AnyValue = F("Of a DynamoDB write: what it returns (ReturnValues).", "ALL_NEW", default=None)
    projection: AnyValue = F("Of `dynamodb.getItem`: the attributes read.", "id, login", default=None)
    consistent: AnyValue = F("Of `dynamodb.getItem`: a strongly consistent read.", True, default=None)
    message: AnyValue = F("Of `sns.publish`: the message.", "$.error.Cause", default=None)
    subject: AnyValue = F("Of `sns.publish`: the subject (e-mail subscriptions).", "Member onboarding failed",
                          default=None)
    attributes: AnyValue = F("Of `sns.publish`/`sqs.send`: message attributes.",
                             {"kind": {"DataType": "String", "StringValue": "alert"}}, default=None)
    group: AnyValue = F("Of a FIFO topic or queue: the message group id.", "$.customer", default=None)
    dedup: AnyValue = F("Of a FIFO topic or queue: the deduplication id.", "$.orderId", default=None)
    body: AnyValue = F("Of `sqs.send`: the message body.", {"order": "$.order"}, default=None)
    delay: AnyValue = F("Of `sqs.send`: delay seconds.", 10, default=None)
    detail: AnyValue = F("Of `events.put`: the event detail.", {"order": "$.order"}, default=None)
    source: AnyValue = F("Of `events.put`: the event source.", "com.example.orders", default=None)
    detail_type: AnyValue = F("Of `events.put`: the event detail type.", "OrderPlaced", default=None)
    entries: AnyValue = F("Of `events.put`: several entries at once.", "$.events", default=None)

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": [kind]} for kind in STEP_KINDS],
                                                 "if": {"required": ["map"]}, "then": {"required": ["do"]}})

    @field_validator("choose", mode="before")
    @classmethod
    def _clause_order(cls, clauses: Any) -> Any:
        for i, clause in enumerate(clauses if isinstance(clauses, list) else []):
            if isinstance(clause, dict) and "if" in clause and i > 0:
                raise ValueError("a second `if` in one choose step; use `elif`")
            if isinstance(clause, dict) and "elif" in clause and "if" not in clause and i == 0:
                raise ValueError("`elif` before any `if`")
        return clauses

    @model_validator(mode="before")
    @classmethod
    def _one_kind(cls, data: Any) -> Any:
        if isinstance(data, dict):
            kinds = [k for k in data if k in STEP_KINDS]
            if len(kinds) != 1:
                raise ValueError("a step needs exactly one kind (" + ", ".join(STEP_KINDS) + "); found "
                                 + (", ".join(kinds) or "none"))
            if "map" in data and "do" not in data:
                raise ValueError("a `map` step needs `do:`, the list of steps run for each item")
        return data


StepShorthand = Literal["succeed", "pass", "fail"]
StepValue = Annotated[Annotated[StepShorthand, Tag("~shorthand")] | Annotated[StepBody, Tag("~body")],
                      Discriminator(lambda v: "~shorthand" if isinstance(v, str) else "~body")]
NamedStep = Annotated[dict[str, StepValue], Field(min_length=1, max_length=1, description=(
    "A step: its name (the ASL state name) mapped to what it does, or a shorthand such as `succeed`."))]


def _step_tag(value: Any) -> str:
    if isinstance(value, str):
        return "~end"
    if isinstance(value, dict) and len(value) == 1 and "goto" in value:
        return "~goto"
    return "~step"


StepItem = Annotated[Annotated[Literal["end"], Tag("~end")] | Annotated[GotoOnly, Tag("~goto")]
                     | Annotated[NamedStep, Tag("~step")], Discriminator(_step_tag)]


# ------------------------------------------------------------------------------------------ resources
_ARN = "The ARN of an existing one: flowc then references it instead of creating it."


class _Resource(Doc):
    arn: str = F(_ARN, "arn:aws:sns:eu-west-1:123456789012:alerts", default=None)


class FunctionResource(_Resource):
    """A Lambda function: created from `handler` + `code`, or an existing one by `arn`."""

    function: str = F("The function's name in the workflow.", "add_to_team")
    handler: str = F("module.function of the handler, inside `code`.", "onboarding.add_to_team",
                            default=None)
    code: str = F("The folder holding the handler's code, relative to the workflow file.", "handlers",
                         default=None)
    runtime: str = F("The Lambda runtime (default python3.12).", "python3.12", default=None)
    memory: int = F("Memory in MB.", 512, default=None)
    timeout: DurationOrSeconds = F("The function's timeout.", "30s", 60, default=None)
    env: dict[str, str | int | float | bool | None] = F(
        "Environment variables; `!ref Name` puts a declared resource's name, ARN or URL there.",
        {"TABLE": "Members", "STAGE": "prod"}, default=None)
    description: str = F("The function's description.", "Adds a member to a team", default=None)
    concurrency: int = F("Reserved concurrency.", 10, default=None)
    uses: AnyValue = F("What the function may do to declared resources (least-privilege IAM): resource -> "
                       "access.", {"Members": ["read", "write"], "Notifications": "publish"}, default=None)
    policies: AnyValue = F("Extra SAM policy templates or statements for the function.",
                           [{"DynamoDBReadPolicy": {"TableName": "Members"}}], default=None)


class TableResource(_Resource):
    """A DynamoDB table."""

    table: str = F("The table's name in the workflow.", "Members")
    key: str = F("The partition key attribute (default id).", "id", default=None)
    key_type: str = F("The partition key's type: S, N or B (default S).", "S", default=None)
    sort: str = F("The sort key attribute.", "run_id", default=None)
    sort_type: str = F("The sort key's type: S, N or B.", "N", default=None)
    kms: str = F("A customer-managed KMS key ARN to encrypt it with.",
                        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", default=None)


class TopicResource(_Resource):
    """An SNS topic."""

    topic: str = F("The topic's name in the workflow.", "Notifications")
    fifo: bool = F("A FIFO topic.", True, default=None)
    kms: str = F("A customer-managed KMS key ARN to encrypt it with.",
                        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", default=None)


class QueueResource(_Resource):
    """An SQS queue."""

    queue: str = F("The queue's name in the workflow.", "Orders")
    fifo: bool = F("A FIFO queue.", True, default=None)
    visibility: DurationOrSeconds = F("The visibility timeout.", "30s", default=None)
    retention: DurationOrSeconds = F("How long messages are kept.", "4d", default=None)
    kms: str = F("A customer-managed KMS key ARN to encrypt it with.",
                        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", default=None)


class BusResource(_Resource):
    """An EventBridge event bus."""

    bus: str = F("The bus's name in the workflow.", "Orders")


class ActivityResource(_Resource):
    """A Step Functions activity (a worker polls for its tasks)."""

    activity: str = F("The activity's name in the workflow.", "ManualApproval")


class BucketResource(_Resource):
    """An S3 bucket."""

    bucket: str = F("The bucket's name in the workflow.", "Exports")


class MachineResource(_Resource):
    """An existing state machine, started by `start`."""

    machine: str = F("The state machine's name in the workflow.", "Billing")


_RESOURCES = {"function": FunctionResource, "table": TableResource, "topic": TopicResource,
              "queue": QueueResource, "bus": BusResource, "activity": ActivityResource, "bucket": BucketResource,
              "machine": MachineResource}


def _kind_tag(kinds: tuple[str, ...]) -> Any:
    def tag(value: Any) -> str:
        if isinstance(value, dict):
            for key in value:
                if key in kinds:
                    return "~" + key
        return "~" + kinds[0]
    return tag


Resource = Annotated[
    Annotated[FunctionResource, Tag("~function")] | Annotated[TableResource, Tag("~table")]
    | Annotated[TopicResource, Tag("~topic")] | Annotated[QueueResource, Tag("~queue")]
    | Annotated[BusResource, Tag("~bus")] | Annotated[ActivityResource, Tag("~activity")]
    | Annotated[BucketResource, Tag("~bucket")] | Annotated[MachineResource, Tag("~machine")],
    Discriminator(_kind_tag(RESOURCE_KINDS))]


# ------------------------------------------------------------------------------------------ triggers
class _Trigger(Doc):
    input: AnyValue = F("The execution input built from the request or event.", {"body": "$.body"}, default=None)
    name: str = F("The name of the rule or route.", "nightly", default=None)
    description: str = F("A description of the rule or route.", "Runs every night", default=None)
    enabled: bool = F("Whether the rule is enabled.", True, default=None)


class HttpTrigger(_Trigger):
    """An HTTP route (API Gateway) that starts an execution; it says who may call it."""

    http: Pattern(HTTP_PATTERN, "`METHOD /path` such as `POST /orders`") = F("METHOD /path of the route.", "POST /github/member")
    public: bool = F("No authentication at all (the linter still flags it, FLOW506).", True, default=None)
    auth: Literal["github", "iam", "jwt"] = F("Who may call: a GitHub webhook signature, IAM (SigV4) or a "
                                                     "JWT authorizer.", "github", default=None)
    secret: str = F("Of `auth: github`: the webhook secret (Secrets Manager name, ssm:/param or ARN).",
                           "github/member-onboarding-webhook", default=None)
    issuer: str = F("Of `auth: jwt`: the token issuer.", "https://auth.example.com", default=None)
    audience: NameOrNames = F("Of `auth: jwt`: the accepted audiences.", "api", default=None)
    scopes: NameOrNames = F("Of `auth: jwt`: the scopes a token needs.", ["orders:write"], default=None)
    throttle: int | float = F("Requests per second allowed (steady rate).", 10, default=None)
    burst: int = F("Requests allowed in a burst.", 20, default=None)


class ScheduleTrigger(_Trigger):
    """An EventBridge schedule that starts an execution."""

    schedule: str = F("A schedule expression: rate(...), cron(...) or at(...).", "rate(5 minutes)",
                      "cron(0 3 * * ? *)")


class EventTrigger(_Trigger):
    """An EventBridge rule whose matching events start an execution."""

    event: dict[str, Any] = F("The event pattern.", {"source": ["aws.s3"], "detail-type": ["Object Created"]})
    bus: str = F("The bus the rule listens on (default: the default bus).", "Orders", default=None)


Trigger = Annotated[Annotated[HttpTrigger, Tag("~http")] | Annotated[ScheduleTrigger, Tag("~schedule")]
                    | Annotated[EventTrigger, Tag("~event")], Discriminator(_kind_tag(TRIGGER_KINDS))]


# ------------------------------------------------------------------------------------------ workflows
class Workflow(Doc):
    """One workflow: its settings, the resources only it sees, its triggers and its steps."""

    workflow: str = F("The workflow's name: the state machine's name and `<name>.asl.json`.", "MemberOnboarding")
    doc: str = F("What the workflow does (the ASL `Comment`).",
                        "Add a new organisation member to a team and record them.", default=None)
    type: Pattern(_any_case("standard", "express"), "standard or express") = F(
        "The state machine type: standard (long-running, exactly once) or express (short, high volume).",
        "standard", "express", default=None)
    query: Pattern(QUERY_PATTERN, "jsonpath or jsonata") = F(
        "The query language of every step (ASL `QueryLanguage`): jsonpath (default) or jsonata.", "jsonata",
        default=None)
    timeout: DurationOrSeconds = F("Fail the execution after this long (ASL `TimeoutSeconds`).", "15m",
                                          3600, default=None)
    version: str = F("The ASL `Version` (quote it: `\"1.0\"`).", "1.0", default=None)
    logging: Pattern(_any_case("off", "all", "error", "fatal"), "off, all, error or fatal") | list[str] = F(
        "Execution logging level (off, all, error, fatal), optionally with `data`: `[all, data]`.", "error",
        ["all", "data"], default=None)
    tracing: bool | Literal["on", "off"] = F("X-Ray tracing.", True, "on", default=None)
    resources: list[Resource] = F(
        "Resources only this workflow sees; each is a mapping with exactly one kind key.",
        [{"function": "add_to_team", "handler": "onboarding.add_to_team", "code": "handlers"},
         {"table": "Members", "key": "id"}], default=None)
    triggers: list[Trigger] = F("What starts an execution: http routes, schedules, events.",
                                       [{"http": "POST /github/member", "auth": "github", "secret": "gh/secret"}],
                                       default=None)
    steps: Steps = F("The steps, run in the order written: `- Name: {kind: target, options...}`, `- goto: Name` "
                     "or `- end`.", [{"Done": "succeed"}])


Imports = NameOrNames


class WorkflowFile(Workflow):
    """A file holding one workflow (its keys at the top level)."""

    imports: Imports = F("Other workflow files this one uses (their workflows and resources).",
                         ["process_user.flow.yaml"], default=None)


class ProgramFile(Doc):
    """A file holding shared resources and any number of workflows."""

    imports: Imports = F("Other workflow files this one uses (their workflows and resources).",
                         ["process_user.flow.yaml"], default=None)
    resources: list[Resource] = F("Resources every workflow of this file sees.",
                                         [{"topic": "Notifications"}], default=None)
    workflows: list[Workflow] = F("The workflows of this file.", [{"workflow": "W", "steps": [
        {"Done": "succeed"}]}], default=None)


# No eager `model_rebuild()`: the models resolve their forward references (steps hold steps) on first
# validation, so importing this module (the lsp, `flowc schema`) costs nothing until a YAML file is read.


def document_model(data: Any) -> type[Doc]:
    """Which model a document is: one workflow at the top (`workflow:`), or `workflows:`."""
    return WorkflowFile if isinstance(data, dict) and "workflow" in data else ProgramFile


def validate_document(data: Any) -> Doc:
    """Validate plain data (what YAML loaded, with `!lit`/`!ref` scalars as strings); raises ValidationError."""
    return document_model(data).model_validate(data)


def field_names() -> set[str]:
    """Every key any model of the document takes (for did-you-mean hints)."""
    names: set[str] = set()
    for model in (Retry, Catch, Tolerate, IfClause, ElifClause, ElseClause, GotoOnly, CaseClause, DefaultClause,
                  StepBody, *_RESOURCES.values(), HttpTrigger, ScheduleTrigger, EventTrigger, WorkflowFile,
                  ProgramFile):
        names.update(f.alias or n for n, f in model.model_fields.items())
    return names


# ------------------------------------------------------------------------------------------ JSON Schema
class _Draft7(GenerateJsonSchema):
    """pydantic's generator, for draft-07 readers: definitions under `definitions`, no `title` per field."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


def _definitions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _definitions(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_definitions(v) for v in node]
    if isinstance(node, str) and node.startswith("#/$defs/"):
        return "#/definitions/" + node[len("#/$defs/"):]
    return node


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft-07) of a `.flow.yaml` file, generated from the models above."""
    from pydantic import TypeAdapter

    root = TypeAdapter(WorkflowFile | ProgramFile)
    body = root.json_schema(mode="validation", schema_generator=_Draft7, ref_template="#/$defs/{model}")
    defs = _no_null_defaults(_definitions(body.pop("$defs", {})))
    one_of = _definitions(body.get("anyOf", []))
    # `if` (or a lone `else`) first, then `elif`s and `else`: the order `_clause_order` checks.
    choose = defs["StepBody"]["properties"]["choose"]
    clause = {name: {"$ref": f"#/definitions/{name}"} for name in ("IfClause", "ElifClause", "ElseClause")}
    choose["items"] = [{"oneOf": [clause["IfClause"], clause["ElseClause"]]}]
    choose["additionalItems"] = {"oneOf": [clause["ElifClause"], clause["ElseClause"]]}
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": "flowc workflow (.flow.yaml)",
        "description": "A flowc workflow in YAML, the twin of the `.flow` language: one workflow at the top level "
                       "(`workflow:` + `steps:`), or shared `resources:` and a list of `workflows:`. Compile it "
                       "with `flowc compile FILE --target asl|sqs`. Strings that start like an expression "
                       "(`$.x`, `{% ... %}`, `States.Format(...)`, `N(...)`) are expressions; `!lit \"$5\"` is a "
                       "literal string and `!ref Name` names a declared resource.",
        "oneOf": one_of,
        "definitions": dict(sorted(defs.items())),
    }


def _no_null_defaults(node: Any) -> Any:
    """Drop `"default": null`: an optional key is simply left out, it has no null default to suggest."""
    if isinstance(node, dict):
        return {k: _no_null_defaults(v) for k, v in node.items() if not (k == "default" and v is None)}
    if isinstance(node, list):
        return [_no_null_defaults(v) for v in node]
    return node


def schema_text() -> str:
    """`json_schema()` as the bytes `flowc schema` prints and docs/flow.schema.json holds."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
