from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._limits import FIELD_LIMITS, bounds_text, out_of_range
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules._values import (
    is_int,
    is_jsonata,
    is_number,
    is_substituted,
    is_timestamp,
    json_type,
)
from flowc.compiler.rules.base import Finding, Rule

ENUMS = {
    "QueryLanguage": ("JSONPath", "JSONata"),
    "Mode": ("INLINE", "DISTRIBUTED"),
    "ExecutionType": ("STANDARD", "EXPRESS"),
    "InputType": ("CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"),
    "CSVHeaderLocation": ("FIRST_ROW", "GIVEN"),
    "CSVDelimiter": ("COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"),
    "OutputType": ("JSON", "JSONL"),
    "ManifestType": ("ATHENA_DATA", "S3_INVENTORY"),
}
WRITER_TRANSFORMATIONS = ("NONE", "COMPACT", "FLATTEN")
READER_TRANSFORMATIONS = ("NONE", "LOAD_AND_FLATTEN")
STRINGS = ("Comment", "Next", "Default", "Label", "StartAt", "Version", "TimeoutSecondsPath", "HeartbeatSecondsPath",
           "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "MaxConcurrencyPath",
           "ToleratedFailurePercentagePath", "ToleratedFailureCountPath", "ItemsPath", "MaxItemsPath",
           "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath")
NULLABLE_PATHS = ("InputPath", "OutputPath", "ResultPath")
# Payload templates: a JSON object (whose values may be paths or expressions), or in JSONata a whole
# "{% %}" expression ("Transforming data with JSONata": Arguments; Map ItemSelector; ItemBatcher BatchInput).
TEMPLATES = ("Arguments", "ItemSelector", "BatchInput")
OBJECTS = ("ItemProcessor", "Iterator", "ItemReader", "ItemBatcher", "ResultWriter", "ReaderConfig",
           "WriterConfig", "ProcessorConfig")
# field -> (minimum, maximum, integer only), from the one table of AWS limits (`_limits.py`, where
# each row names the AWS page that states it).
NUMBERS = {name: (limit.low, limit.high, limit.integer) for name, limit in FIELD_LIMITS.items()}


# Fields `FieldValue.fields` looks at; any other key is skipped without a look at its value.
_STRING_SET = frozenset(STRINGS)
_NULLABLE_SET = frozenset(NULLABLE_PATHS)
_CHECKED = frozenset([*STRINGS, *NULLABLE_PATHS, *OBJECTS, *ENUMS, *NUMBERS, *TEMPLATES, "Transformation", "Timestamp",
                      "Error", "Cause", "CSVHeaders"])
_NESTED_SET = frozenset(("ItemReader", "ItemBatcher", "ResultWriter", "ItemProcessor"))
_STRING_OR_NULLABLE = _STRING_SET | _NULLABLE_SET
#: every field whose value `state` looks at (rules/_shapes): each one `fields` looks at (a string where one is
#: expected, and null for a nullable path, by their type alone) and those it reads of Task, Parallel and Map states
READS: dict[str, tuple[type, ...]] = {
    **{f: () for f in (*_CHECKED, "Branches", "Items", "Credentials")},
    **{f: (str,) for f in STRINGS},
    **{f: (str, type(None)) for f in NULLABLE_PATHS},
}
#: a state's keys, in order -> the string-taking ones `fields` looks at, or None when it looks at another kind
#: (a large definition repeats a few layouts: each is sorted out once)
_STRING_KEYS_OF: dict[tuple, tuple[str, ...] | None] = {}
_UNSEEN = object()  # not yet in _STRING_KEYS_OF


def _needs_fields(body: dict) -> bool:
    """Whether `fields` can find anything in a state's own fields: not when each field it looks at takes a
    string and holds one (most states: Next, ResultPath...). Saves a generator per state."""
    layout = tuple(body)
    keys = _STRING_KEYS_OF.get(layout, _UNSEEN)
    if keys is _UNSEEN:
        if len(_STRING_KEYS_OF) >= 4096:  # bounded in a long-lived process (the language server)
            _STRING_KEYS_OF.clear()
        checked = [k for k in layout if k in _CHECKED]
        keys = _STRING_KEYS_OF[layout] = (None if any(k not in _STRING_OR_NULLABLE for k in checked)
                                          else tuple(checked))
    if keys is None:
        return True
    for key in keys:  # noqa: SIM110 - a loop, not any() over a generator: this runs for every state
        if type(body[key]) is not str:
            return True
    return False


class FieldValue(Rule):
    code = "FLOW109"
    name = "invalid-field-value"
    summary = "A field whose value has the wrong JSON type, is out of range, or is not one of its allowed values."
    docs = """\
Step Functions validates every field: `TimeoutSeconds` and `HeartbeatSeconds`
are positive integers (and the heartbeat is shorter than the timeout), `Seconds`
is a non-negative integer, `Timestamp` an RFC 3339 timestamp, `Credentials` an
object, `Branches` a non-empty list of branches, `ItemsPath` a path (not null),
`ToleratedFailurePercentage` between 0 and 100, `Arguments`, `ItemSelector` and
`BatchInput` objects (or, in JSONata, a `{% %}` expression), enumerations such as
`QueryLanguage`, `Mode`, `InputType` or `CSVDelimiter` one of their values.

In a JSONata state any of the numeric fields may instead be a `{% %}`
expression (checked when it runs); a `${Placeholder}` filled in at deployment
is accepted wherever its value could be.

Bad:
```json
"Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "TimeoutSeconds": "30", "HeartbeatSeconds": 60, "End": true }
```
Good:
```json
"Work": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
          "TimeoutSeconds": 300, "HeartbeatSeconds": 60, "End": true }
```
"""

    def check(self, doc: AslDocument):
        d = doc.definition
        if isinstance(d, dict):
            yield from self.fields(d, "", "JSONPath" if d.get("QueryLanguage") != "JSONata" else "JSONata",
                                   top=True)
            if "States" in d and not isinstance(d["States"], dict):
                yield Finding(f"States must be an object of named states, not {json_type(d['States'])}", "/States")
        scopes = doc.scopes()
        # a StateRef is made for each object among a scope's states: as many as states, none is anything else
        for scope in scopes if len(doc.states()) != sum(len(scope.states) for scope in scopes) else ():
            for name, body in scope.states.items():
                if not isinstance(body, dict):
                    yield Finding(f"state '{name}' must be an object, not {json_type(body)}",
                                  f"{scope.pointer}/States/{name}")
        yield from by_shape(doc, self.code, READS, self.state)

    def state(self, ref: StateRef):
        """The findings of one state (the long way; `check` runs it once per clean shape)."""
        ql = ref.query_language
        body, ptr = ref.body, ref.pointer
        if "Type" in body and not isinstance(body["Type"], str):
            yield Finding(f"Type must be a string, not {json_type(body['Type'])}", f"{ptr}/Type")
        if _needs_fields(body):
            yield from self.fields(body, ptr, ql)
        for nested in ("ItemReader", "ItemBatcher", "ResultWriter", "ItemProcessor") if (
                not _NESTED_SET.isdisjoint(body)) else ():
            holder = body.get(nested)
            if isinstance(holder, dict):
                yield from self.fields(holder, f"{ptr}/{nested}", ql)
                for inner in ("ReaderConfig", "WriterConfig", "ProcessorConfig"):
                    if isinstance(holder.get(inner), dict):
                        yield from self.fields(holder[inner], f"{ptr}/{nested}/{inner}", ql, where=inner)
        if ref.type == "Task" and "HeartbeatSeconds" in body and "TimeoutSeconds" in body:  # (else no finding)
            yield from self.task(body, ptr)
        branches = body.get("Branches")
        if ref.type == "Parallel" and "Branches" in body:
            if not isinstance(branches, list) or not branches:
                yield Finding("Branches must be a non-empty array of branches", f"{ptr}/Branches")
            else:
                for i, branch in enumerate(branches):
                    if not isinstance(branch, dict):
                        yield Finding(f"branch {i} must be an object with StartAt and States, "
                                      f"not {json_type(branch)}", f"{ptr}/Branches/{i}")
        if ref.type == "Map" and "Items" in body:
            items = body["Items"]
            if not (isinstance(items, list) or is_jsonata(items) or is_substituted(items)):
                yield Finding(f"Items must be an array or a JSONata expression, not {json_type(items)}",
                              f"{ptr}/Items")
        if "Credentials" in body:
            cred = body["Credentials"]
            if not (isinstance(cred, dict) or (ql == "JSONata" and is_jsonata(cred)) or is_substituted(cred)):
                yield Finding(f"Credentials must be an object (with RoleArn), not {json_type(cred)}",
                              f"{ptr}/Credentials")

    def task(self, body: dict, ptr: str):
        timeout, heartbeat = body.get("TimeoutSeconds"), body.get("HeartbeatSeconds")
        if is_int(timeout) and is_int(heartbeat) and heartbeat >= timeout:
            yield Finding(f"HeartbeatSeconds ({heartbeat}) must be smaller than TimeoutSeconds ({timeout})",
                          f"{ptr}/HeartbeatSeconds")

    def fields(self, body: dict, ptr: str, ql: str, *, top: bool = False, where: str = ""):
        for key, value in body.items():
            if key not in _CHECKED:
                continue  # no branch below applies to it
            if type(value) is str and (key in _STRING_SET or key in _NULLABLE_SET):
                continue  # a string is what these take (whether or not it is a placeholder)
            p = f"{ptr}/{key}"
            if is_substituted(value):
                continue
            if key in STRINGS and not isinstance(value, str):
                if key in ("ItemsPath",) and value is None:
                    yield Finding("ItemsPath cannot be null; leave it out to use the whole input", p)
                else:
                    yield Finding(f"{key} must be a string, not {json_type(value)}", p)
            elif key in NULLABLE_PATHS and not (value is None or isinstance(value, str)):
                yield Finding(f"{key} must be a path string or null, not {json_type(value)}", p)
            elif key in OBJECTS and not isinstance(value, dict):
                yield Finding(f"{key} must be an object, not {json_type(value)}", p)
            elif key in TEMPLATES:
                if not (isinstance(value, dict) or (ql == "JSONata" and is_jsonata(value))):
                    alt = " or a JSONata expression" if ql == "JSONata" else ""
                    yield Finding(f"{key} must be an object{alt}, not {json_type(value)}", p)
            elif key in ENUMS:
                if value not in ENUMS[key]:
                    yield Finding(f"{key} must be one of {', '.join(ENUMS[key])}, not {value!r}", p)
            elif key == "Transformation" and where in ("WriterConfig", "ReaderConfig"):
                allowed = WRITER_TRANSFORMATIONS if where == "WriterConfig" else READER_TRANSFORMATIONS
                if value not in allowed:
                    yield Finding(f"{where}.Transformation must be one of {', '.join(allowed)}, not {value!r}", p)
            elif key == "Timestamp" and not top:
                if ql == "JSONata" and is_jsonata(value):
                    continue
                if not isinstance(value, str) or not is_timestamp(value):
                    yield Finding(f"Timestamp {value!r} is not an RFC 3339 timestamp (e.g. 2030-01-01T00:00:00Z)", p)
            elif key in ("Error", "Cause") and not isinstance(value, str):
                yield Finding(f"{key} must be a string, not {json_type(value)}", p)
            elif key == "CSVHeaders":
                if not (isinstance(value, list) and all(isinstance(v, str) for v in value)) and not is_jsonata(value):
                    yield Finding("CSVHeaders must be an array of strings", p)
            elif key in NUMBERS:
                yield from self.number(key, value, p, ql)

    def number(self, key: str, value, p: str, ql: str):
        limit = FIELD_LIMITS[key]
        integer = limit.integer
        if is_jsonata(value):
            if ql != "JSONata":
                yield Finding(f"{key} is a JSONata expression, but this state uses JSONPath", p,
                              hint=f"use {key}Path with a reference path, or QueryLanguage JSONata")
            return
        ok_type = is_int(value) if integer else is_number(value)
        if not ok_type:
            kind = "an integer" if integer else "a number"
            extra = " or a JSONata expression" if ql == "JSONata" else ""
            yield Finding(f"{key} must be {kind}{extra}, not {json_type(value)} {value!r}"[:200], p)
            return
        if out_of_range(limit, value):
            yield Finding(f"{key} must be {bounds_text(limit)}, got {value}", p, hint=f"AWS: {limit.source}")
