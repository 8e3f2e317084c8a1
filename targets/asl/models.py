"""Amazon States Language, modelled once.

Every ASL field is declared here exactly once, as a pydantic v2 model field whose
alias is the ASL name (``ResultPath``) and whose Python name is snake_case
(``result_path``). The emitter serialises these models, and the linter, the ASL
importer and the local interpreter read the same models back.

Each field carries ``json_schema_extra={"ql": ...}``:

* ``"jsonpath"`` -- only valid in a state whose query language is JSONPath
  (InputPath, Parameters, ResultSelector, ResultPath, OutputPath, ItemsPath, every
  ``*Path`` field, the Choice-rule ``Variable`` and comparison operators...);
* ``"jsonata"`` -- only valid under JSONata (Arguments, Output, Items, Condition);
* ``"both"`` -- valid in either.

Sources: the Amazon States Language specification (states-language.net) and the
AWS Step Functions developer guide: "Transforming data with JSONata" (the five
JSONPath I/O fields are replaced by Arguments and Output; ``*Path`` fields are
not supported under JSONata), "Passing data between states with variables"
(Assign on Pass, Task, Map, Parallel, Choice, Wait; also on Choice rules and
Catchers), the per-state pages (Pass: Result is JSONPath only; Succeed: Output is
JSONata only; Choice rules: Condition under JSONata), ItemsPath (Map, JSONPath
only), ItemReader / ItemBatcher / ResultWriter (Parameters under JSONPath,
Arguments under JSONata; ReaderConfig InputType CSV|JSON|JSONL|PARQUET|MANIFEST;
WriterConfig Transformation NONE|COMPACT|FLATTEN, OutputType JSON|JSONL), Retry
(MaxDelaySeconds, JitterStrategy FULL|NONE).

Serialisation is deterministic: :func:`dump` emits keys in field declaration
order, which follows the order a human reads a state (Type, Comment,
QueryLanguage, inputs, the work, results, Retry, Catch, Next/End), and only the
fields that were set -- so an explicit JSON ``null`` (``"ResultPath": null``)
round-trips, and an absent field stays absent. Free-form payloads keep their
insertion order.

No validators: the models are declarative so that building ~10,000 states stays
well under a second. Semantic checks (Next vs End, JSONPath vs JSONata fields,
reachability...) belong to the linter, which derives its field tables from
:func:`allowed_fields` and :func:`field_query_language`.
"""

import json
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, TypeAdapter

__all__ = [
    "QL_BOTH",
    "QL_JSONATA",
    "QL_JSONPATH",
    "STATE_MODELS",
    "STRUCTURE_MODELS",
    "AslModel",
    "Branch",
    "Catcher",
    "ChoiceRule",
    "ChoiceState",
    "FailState",
    "ItemBatcher",
    "ItemProcessor",
    "ItemReader",
    "MapState",
    "ParallelState",
    "PassState",
    "ProcessorConfig",
    "ReaderConfig",
    "ResultWriter",
    "Retrier",
    "State",
    "StateMachine",
    "SucceedState",
    "TaskState",
    "WaitState",
    "WriterConfig",
    "allowed_fields",
    "asl_fields",
    "dump",
    "field_query_language",
    "load",
    "load_state",
    "to_json",
]

QL_JSONPATH = "jsonpath"
QL_JSONATA = "jsonata"
QL_BOTH = "both"

# -- value types ---------------------------------------------------------------------------
# Strict types: a value is never coerced, so what is loaded is what is dumped.
# Numbers that real ASL may also write as a JSONata "{% ... %}" string or as a
# "${Placeholder}" DefinitionSubstitution accept a string too.
Json = Any  # any JSON value, kept as written (dict insertion order preserved)
IntOrStr = StrictInt | StrictStr
NumOrStr = StrictInt | StrictFloat | StrictStr
Number = StrictInt | StrictFloat
NullablePath = StrictStr | None  # InputPath / OutputPath / ResultPath: null has a meaning
QueryLanguage = Literal["JSONPath", "JSONata"]


def _f(alias: str, ql: str = QL_BOTH, default: Any = None) -> Any:
    """An optional field (``default`` None, so only what was set is dumped)."""
    return Field(default, alias=alias, json_schema_extra={"ql": ql})


def _req(alias: str, ql: str = QL_BOTH) -> Any:
    """A required field."""
    return Field(alias=alias, json_schema_extra={"ql": ql})


def _jp(alias: str) -> Any:
    return _f(alias, QL_JSONPATH)


def _ja(alias: str) -> Any:
    return _f(alias, QL_JSONATA)


class AslModel(BaseModel):
    """Base of every ASL structure: unknown fields are errors, names or aliases accepted."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# -- error handling --------------------------------------------------------------------------
class Retrier(AslModel):
    error_equals: list[StrictStr] = _req("ErrorEquals")
    comment: StrictStr | None = _f("Comment")
    interval_seconds: IntOrStr | None = _f("IntervalSeconds")
    max_attempts: IntOrStr | None = _f("MaxAttempts")
    backoff_rate: NumOrStr | None = _f("BackoffRate")
    max_delay_seconds: IntOrStr | None = _f("MaxDelaySeconds")
    jitter_strategy: Literal["FULL", "NONE"] | None = _f("JitterStrategy")


class Catcher(AslModel):
    error_equals: list[StrictStr] = _req("ErrorEquals")
    comment: StrictStr | None = _f("Comment")
    result_path: NullablePath = _jp("ResultPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")
    next: StrictStr = _req("Next")


# -- Choice rules ------------------------------------------------------------------------------
class ChoiceRule(AslModel):
    """A Choice rule, top-level (with Next) or nested in And/Or/Not (without).

    JSONPath rules test ``Variable`` with one comparison operator, or combine rules
    with And/Or/Not; JSONata rules carry a ``Condition``.
    """

    comment: StrictStr | None = _f("Comment")
    variable: StrictStr | None = _jp("Variable")
    # string comparisons
    string_equals: StrictStr | None = _jp("StringEquals")
    string_equals_path: StrictStr | None = _jp("StringEqualsPath")
    string_less_than: StrictStr | None = _jp("StringLessThan")
    string_less_than_path: StrictStr | None = _jp("StringLessThanPath")
    string_greater_than: StrictStr | None = _jp("StringGreaterThan")
    string_greater_than_path: StrictStr | None = _jp("StringGreaterThanPath")
    string_less_than_equals: StrictStr | None = _jp("StringLessThanEquals")
    string_less_than_equals_path: StrictStr | None = _jp("StringLessThanEqualsPath")
    string_greater_than_equals: StrictStr | None = _jp("StringGreaterThanEquals")
    string_greater_than_equals_path: StrictStr | None = _jp("StringGreaterThanEqualsPath")
    string_matches: StrictStr | None = _jp("StringMatches")
    # numeric comparisons
    numeric_equals: Number | None = _jp("NumericEquals")
    numeric_equals_path: StrictStr | None = _jp("NumericEqualsPath")
    numeric_less_than: Number | None = _jp("NumericLessThan")
    numeric_less_than_path: StrictStr | None = _jp("NumericLessThanPath")
    numeric_greater_than: Number | None = _jp("NumericGreaterThan")
    numeric_greater_than_path: StrictStr | None = _jp("NumericGreaterThanPath")
    numeric_less_than_equals: Number | None = _jp("NumericLessThanEquals")
    numeric_less_than_equals_path: StrictStr | None = _jp("NumericLessThanEqualsPath")
    numeric_greater_than_equals: Number | None = _jp("NumericGreaterThanEquals")
    numeric_greater_than_equals_path: StrictStr | None = _jp("NumericGreaterThanEqualsPath")
    # boolean comparisons
    boolean_equals: StrictBool | None = _jp("BooleanEquals")
    boolean_equals_path: StrictStr | None = _jp("BooleanEqualsPath")
    # timestamp comparisons
    timestamp_equals: StrictStr | None = _jp("TimestampEquals")
    timestamp_equals_path: StrictStr | None = _jp("TimestampEqualsPath")
    timestamp_less_than: StrictStr | None = _jp("TimestampLessThan")
    timestamp_less_than_path: StrictStr | None = _jp("TimestampLessThanPath")
    timestamp_greater_than: StrictStr | None = _jp("TimestampGreaterThan")
    timestamp_greater_than_path: StrictStr | None = _jp("TimestampGreaterThanPath")
    timestamp_less_than_equals: StrictStr | None = _jp("TimestampLessThanEquals")
    timestamp_less_than_equals_path: StrictStr | None = _jp("TimestampLessThanEqualsPath")
    timestamp_greater_than_equals: StrictStr | None = _jp("TimestampGreaterThanEquals")
    timestamp_greater_than_equals_path: StrictStr | None = _jp("TimestampGreaterThanEqualsPath")
    # type tests
    is_null: StrictBool | None = _jp("IsNull")
    is_present: StrictBool | None = _jp("IsPresent")
    is_numeric: StrictBool | None = _jp("IsNumeric")
    is_string: StrictBool | None = _jp("IsString")
    is_boolean: StrictBool | None = _jp("IsBoolean")
    is_timestamp: StrictBool | None = _jp("IsTimestamp")
    # boolean combinators
    and_: list["ChoiceRule"] | None = _jp("And")
    or_: list["ChoiceRule"] | None = _jp("Or")
    not_: "ChoiceRule | None" = _jp("Not")
    # JSONata
    condition: StrictStr | StrictBool | None = _ja("Condition")
    # effects and transition
    assign: Json = _f("Assign")
    output: Json = _ja("Output")
    next: StrictStr | None = _f("Next")


# -- states --------------------------------------------------------------------------------------
class TaskState(AslModel):
    type: Literal["Task"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    resource: StrictStr = _req("Resource")
    input_path: NullablePath = _jp("InputPath")
    parameters: Json = _jp("Parameters")
    arguments: Json = _ja("Arguments")
    credentials: Json = _f("Credentials")
    timeout_seconds: IntOrStr | None = _f("TimeoutSeconds")
    timeout_seconds_path: StrictStr | None = _jp("TimeoutSecondsPath")
    heartbeat_seconds: IntOrStr | None = _f("HeartbeatSeconds")
    heartbeat_seconds_path: StrictStr | None = _jp("HeartbeatSecondsPath")
    result_selector: Json = _jp("ResultSelector")
    result_path: NullablePath = _jp("ResultPath")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")
    retry: list[Retrier] | None = _f("Retry")
    catch: list[Catcher] | None = _f("Catch")
    next: StrictStr | None = _f("Next")
    end: StrictBool | None = _f("End")


class PassState(AslModel):
    type: Literal["Pass"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    input_path: NullablePath = _jp("InputPath")
    parameters: Json = _jp("Parameters")
    result: Json = _jp("Result")
    result_path: NullablePath = _jp("ResultPath")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")
    next: StrictStr | None = _f("Next")
    end: StrictBool | None = _f("End")


class ChoiceState(AslModel):
    type: Literal["Choice"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    input_path: NullablePath = _jp("InputPath")
    choices: list[ChoiceRule] = _req("Choices")
    default: StrictStr | None = _f("Default")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")


class WaitState(AslModel):
    type: Literal["Wait"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    input_path: NullablePath = _jp("InputPath")
    seconds: IntOrStr | None = _f("Seconds")
    seconds_path: StrictStr | None = _jp("SecondsPath")
    timestamp: StrictStr | None = _f("Timestamp")
    timestamp_path: StrictStr | None = _jp("TimestampPath")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")
    next: StrictStr | None = _f("Next")
    end: StrictBool | None = _f("End")


class SucceedState(AslModel):
    type: Literal["Succeed"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    input_path: NullablePath = _jp("InputPath")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")


class FailState(AslModel):
    type: Literal["Fail"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    error: StrictStr | None = _f("Error")
    error_path: StrictStr | None = _jp("ErrorPath")
    cause: StrictStr | None = _f("Cause")
    cause_path: StrictStr | None = _jp("CausePath")


class ParallelState(AslModel):
    type: Literal["Parallel"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    input_path: NullablePath = _jp("InputPath")
    parameters: Json = _jp("Parameters")
    arguments: Json = _ja("Arguments")
    branches: list["Branch"] = _req("Branches")
    result_selector: Json = _jp("ResultSelector")
    result_path: NullablePath = _jp("ResultPath")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")
    retry: list[Retrier] | None = _f("Retry")
    catch: list[Catcher] | None = _f("Catch")
    next: StrictStr | None = _f("Next")
    end: StrictBool | None = _f("End")


# -- Distributed Map sub-structures ----------------------------------------------------------------
class ReaderConfig(AslModel):
    input_type: Literal["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"] | None = _f("InputType")
    transformation: StrictStr | None = _f("Transformation")  # e.g. NONE | LOAD_AND_FLATTEN
    manifest_type: StrictStr | None = _f("ManifestType")  # e.g. ATHENA_DATA | S3_INVENTORY
    csv_header_location: Literal["FIRST_ROW", "GIVEN"] | None = _f("CSVHeaderLocation")
    csv_headers: list[StrictStr] | StrictStr | None = _f("CSVHeaders")
    csv_delimiter: StrictStr | None = _f("CSVDelimiter")  # COMMA | PIPE | SEMICOLON | SPACE | TAB
    max_items: IntOrStr | None = _f("MaxItems")
    max_items_path: StrictStr | None = _jp("MaxItemsPath")


class ItemReader(AslModel):
    resource: StrictStr | None = _f("Resource")
    reader_config: ReaderConfig | None = _f("ReaderConfig")
    parameters: Json = _jp("Parameters")
    arguments: Json = _ja("Arguments")


class ItemBatcher(AslModel):
    max_items_per_batch: IntOrStr | None = _f("MaxItemsPerBatch")
    max_items_per_batch_path: StrictStr | None = _jp("MaxItemsPerBatchPath")
    max_input_bytes_per_batch: IntOrStr | None = _f("MaxInputBytesPerBatch")
    max_input_bytes_per_batch_path: StrictStr | None = _jp("MaxInputBytesPerBatchPath")
    batch_input: Json = _f("BatchInput")


class WriterConfig(AslModel):
    output_type: Literal["JSON", "JSONL"] | None = _f("OutputType")
    transformation: Literal["NONE", "COMPACT", "FLATTEN"] | None = _f("Transformation")


class ResultWriter(AslModel):
    resource: StrictStr | None = _f("Resource")
    parameters: Json = _jp("Parameters")
    arguments: Json = _ja("Arguments")
    writer_config: WriterConfig | None = _f("WriterConfig")


class ProcessorConfig(AslModel):
    mode: Literal["INLINE", "DISTRIBUTED"] | None = _f("Mode")
    execution_type: Literal["STANDARD", "EXPRESS"] | None = _f("ExecutionType")


class MapState(AslModel):
    type: Literal["Map"] = _req("Type")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    input_path: NullablePath = _jp("InputPath")
    items_path: StrictStr | None = _jp("ItemsPath")
    items: Json = _ja("Items")
    item_reader: ItemReader | None = _f("ItemReader")
    item_selector: Json = _f("ItemSelector")
    parameters: Json = _jp("Parameters")  # legacy, replaced by ItemSelector
    item_batcher: ItemBatcher | None = _f("ItemBatcher")
    item_processor: "ItemProcessor | None" = _f("ItemProcessor")
    iterator: "Branch | None" = _f("Iterator")  # legacy, replaced by ItemProcessor
    max_concurrency: IntOrStr | None = _f("MaxConcurrency")
    max_concurrency_path: StrictStr | None = _jp("MaxConcurrencyPath")
    tolerated_failure_percentage: NumOrStr | None = _f("ToleratedFailurePercentage")
    tolerated_failure_percentage_path: StrictStr | None = _jp("ToleratedFailurePercentagePath")
    tolerated_failure_count: IntOrStr | None = _f("ToleratedFailureCount")
    tolerated_failure_count_path: StrictStr | None = _jp("ToleratedFailureCountPath")
    label: StrictStr | None = _f("Label")
    result_writer: ResultWriter | None = _f("ResultWriter")
    result_selector: Json = _jp("ResultSelector")
    result_path: NullablePath = _jp("ResultPath")
    output_path: NullablePath = _jp("OutputPath")
    output: Json = _ja("Output")
    assign: Json = _f("Assign")
    retry: list[Retrier] | None = _f("Retry")
    catch: list[Catcher] | None = _f("Catch")
    next: StrictStr | None = _f("Next")
    end: StrictBool | None = _f("End")


State = Annotated[
    TaskState | PassState | ChoiceState | WaitState | SucceedState | FailState | ParallelState | MapState,
    Field(discriminator="type"),
]


# -- (sub-)machines ----------------------------------------------------------------------------------
class Branch(AslModel):
    """A sub-machine: a Parallel branch, a Map ``Iterator`` (legacy)."""

    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    start_at: StrictStr = _req("StartAt")
    states: dict[str, State] = _req("States")


class ItemProcessor(AslModel):
    """The Map sub-machine, with its processing mode."""

    processor_config: ProcessorConfig | None = _f("ProcessorConfig")
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    start_at: StrictStr = _req("StartAt")
    states: dict[str, State] = _req("States")


class StateMachine(AslModel):
    comment: StrictStr | None = _f("Comment")
    query_language: QueryLanguage | None = _f("QueryLanguage")
    start_at: StrictStr = _req("StartAt")
    states: dict[str, State] = _req("States")
    timeout_seconds: IntOrStr | None = _f("TimeoutSeconds")
    version: StrictStr | None = _f("Version")


for _model in (ChoiceRule, ParallelState, MapState, Branch, ItemProcessor, StateMachine):
    _model.model_rebuild()
del _model

_STATE_ADAPTER: TypeAdapter[Any] = TypeAdapter(State)

# -- serialisation -----------------------------------------------------------------------------------


def dump(model: AslModel) -> dict:
    """The ASL dict: ASL names, only the fields that were set, in declaration order."""
    return model.model_dump(by_alias=True, exclude_unset=True, mode="json")


def to_json(model: AslModel) -> str:
    return json.dumps(dump(model), indent=2, ensure_ascii=False) + "\n"


def load(data: dict) -> StateMachine:
    """Validate a whole state machine definition (raises ``pydantic.ValidationError``)."""
    return StateMachine.model_validate(data)


def load_state(data: dict) -> AslModel:
    """Validate one state, dispatching on its ``Type``."""
    return _STATE_ADAPTER.validate_python(data)


# -- introspection -------------------------------------------------------------------------------------

STATE_MODELS: dict[str, type[AslModel]] = {
    "Task": TaskState,
    "Pass": PassState,
    "Choice": ChoiceState,
    "Wait": WaitState,
    "Succeed": SucceedState,
    "Fail": FailState,
    "Parallel": ParallelState,
    "Map": MapState,
}

STRUCTURE_MODELS: dict[str, type[AslModel]] = {
    "StateMachine": StateMachine,
    "Branch": Branch,
    "ItemProcessor": ItemProcessor,
    "ProcessorConfig": ProcessorConfig,
    "Retrier": Retrier,
    "Catcher": Catcher,
    "ChoiceRule": ChoiceRule,
    "ItemReader": ItemReader,
    "ReaderConfig": ReaderConfig,
    "ItemBatcher": ItemBatcher,
    "ResultWriter": ResultWriter,
    "WriterConfig": WriterConfig,
}

_LANGUAGES = {"jsonpath": QL_JSONPATH, "jsonata": QL_JSONATA}


@cache
def asl_fields(model_cls: type[AslModel]) -> dict[str, str]:
    """ASL name -> ``"jsonpath" | "jsonata" | "both"``, in declaration order."""
    table = {}
    for name, info in model_cls.model_fields.items():
        extra = info.json_schema_extra
        if not isinstance(extra, dict) or extra.get("ql") not in (QL_JSONPATH, QL_JSONATA, QL_BOTH):
            raise TypeError(f"{model_cls.__name__}.{name} has no query-language metadata")
        table[info.alias or name] = str(extra["ql"])
    return table


def field_query_language(model_cls: type[AslModel], asl_name: str) -> str:
    """``"jsonpath"``, ``"jsonata"`` or ``"both"`` for one ASL field of a model (KeyError if unknown)."""
    try:
        return asl_fields(model_cls)[asl_name]
    except KeyError:
        raise KeyError(f"{model_cls.__name__} has no ASL field {asl_name!r}") from None


@cache
def _allowed(model_cls: type[AslModel], language: str) -> frozenset[str]:
    return frozenset(name for name, ql in asl_fields(model_cls).items() if ql in (QL_BOTH, language))


def allowed_fields(state_type: str | type[AslModel], query_language: str) -> frozenset[str]:
    """The ASL field names allowed for a state type in a query language.

    ``state_type`` is an ASL ``Type`` ("Task"), a structure name from
    :data:`STRUCTURE_MODELS` ("Catcher", "ChoiceRule"...) or a model class;
    ``query_language`` is "JSONPath" or "JSONata" (case-insensitive).
    """
    if isinstance(state_type, str):
        model_cls = STATE_MODELS.get(state_type) or STRUCTURE_MODELS.get(state_type)
        if model_cls is None:
            raise KeyError(f"unknown ASL state type or structure {state_type!r}")
    else:
        model_cls = state_type
    language = _LANGUAGES.get(query_language.lower())
    if language is None:
        raise ValueError(f"unknown query language {query_language!r} (JSONPath or JSONata)")
    return _allowed(model_cls, language)
