from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules import _aws
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules.base import Finding, Rule

# State type -> groups of fields of which one is required.
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "Task": [("Resource",)],
    "Choice": [("Choices",)],
    "Parallel": [("Branches",)],
    "Map": [("ItemProcessor", "Iterator")],
    "Wait": [("Seconds", "SecondsPath", "Timestamp", "TimestampPath")],
}
# State type (or nested structure) -> groups of fields of which at most one may be set.
EXCLUSIVE: dict[str, list[tuple[str, ...]]] = {
    "Wait": [("Seconds", "SecondsPath", "Timestamp", "TimestampPath")],
    "Task": [("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath")],
    "Fail": [("Error", "ErrorPath"), ("Cause", "CausePath")],
    "Map": [("ItemProcessor", "Iterator"), ("ItemSelector", "Parameters"), ("Items", "ItemsPath"),
            ("MaxConcurrency", "MaxConcurrencyPath"), ("ToleratedFailureCount", "ToleratedFailureCountPath"),
            ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath")],
}
NESTED_EXCLUSIVE = {
    ("ItemReader", "ReaderConfig"): [("MaxItems", "MaxItemsPath")],
    ("ItemBatcher",): [("MaxItemsPerBatch", "MaxItemsPerBatchPath"),
                       ("MaxInputBytesPerBatch", "MaxInputBytesPerBatchPath")],
}


# Every field of a type's exclusive groups, and the state fields the nested groups live under: most
# states have none of them, and are done without walking the groups.
_EXCLUSIVE_FIELDS = {kind: frozenset(f for group in groups for f in group) for kind, groups in EXCLUSIVE.items()}
_NESTED_HOLDERS = frozenset(path[0] for path in NESTED_EXCLUSIVE)
# REQUIRED with each group also as a set: one C-level test per group and state.
_REQUIRED_SETS = {kind: [(group, frozenset(group)) for group in groups] for kind, groups in REQUIRED.items()}
#: every field whose value `state` looks at (rules/_shapes): the structures whose fields it looks at
READS: dict[str, tuple[type, ...]] = {f: () for f in (*_NESTED_HOLDERS, "Retry", "Catch")}


class MissingField(Rule):
    code = "FLOW103"
    name = "missing-field"
    summary = "A required field (or `.flow` argument) is missing, or exclusive fields are combined."
    docs = """\
Each state type has required fields: a Task its `Resource`, a Choice its
`Choices`, a Wait exactly one of Seconds/SecondsPath/Timestamp/TimestampPath,
a Map its `ItemProcessor`, a retrier its `ErrorEquals`, a catcher its
`ErrorEquals` and `Next`. The top level and every branch need `StartAt` and
`States`. A static field and its `...Path` twin are exclusive (`TimeoutSeconds`
and `TimeoutSecondsPath`, `Error` and `ErrorPath`, `MaxItems` and
`MaxItemsPath`...), as are `Iterator`/`ItemProcessor`, `Parameters`/`ItemSelector`
and `Items`/`ItemsPath`. In `.flow`, task kinds have required arguments
(`dynamodb.putItem` needs `item`).

Bad:
```json
"Pause": { "Type": "Wait", "Next": "Go" }
```
Good:
```json
"Pause": { "Type": "Wait", "Seconds": 10, "Next": "Go" }
```
"""

    def check(self, doc: AslDocument):
        d = doc.definition
        if not isinstance(d, dict):
            yield Finding("an ASL definition must be a JSON object" + _aws.says(_aws.NOT_AN_OBJECT), "")
            return
        for scope in doc.scopes():
            where = scope.pointer
            top = scope.kind == "top"
            if scope.start_at is None:
                yield Finding("missing StartAt" + (_aws.says(_aws.required("StartAt")) if top else ""), where or "",
                              hint="name the first state", key=True)
            if not scope.states:
                missing = top and not isinstance(d.get("States"), dict)
                yield Finding("missing or empty States" + (_aws.says(_aws.required("States")) if missing else ""),
                              where or "", key=True)
        yield from by_shape(doc, self.code, READS, self.state)

    def state(self, ref: StateRef):
        """The findings of one state (the long way; `check` runs it once per clean shape)."""
        state_type = ref.type
        if state_type is None:
            if "Type" not in ref.body:
                yield Finding(f"state '{ref.name}' has no Type", ref.pointer, key=True)
            return
        for group, fields in _REQUIRED_SETS.get(state_type, ()):
            if fields.isdisjoint(ref.body):
                yield Finding(f"{state_type} state '{ref.name}' needs " + " or ".join(group), ref.pointer,
                              key=True)
        exclusive = _EXCLUSIVE_FIELDS.get(state_type)
        if exclusive is not None and len(exclusive.intersection(ref.body)) > 1:  # else no group can clash
            for group in EXCLUSIVE[state_type]:
                yield from _exclusive(ref.body, group, ref.pointer, f"{state_type} state '{ref.name}'")
        for path, groups in NESTED_EXCLUSIVE.items() if not _NESTED_HOLDERS.isdisjoint(ref.body) else ():
            holder, ptr = ref.body, ref.pointer
            for part in path:
                holder = holder.get(part) if isinstance(holder, dict) else None
                ptr += "/" + part
            if isinstance(holder, dict):
                for group in groups:
                    yield from _exclusive(holder, group, ptr, ".".join(path) + f" of '{ref.name}'")
        for field in ("Retry", "Catch"):
            items = ref.body.get(field)
            if not isinstance(items, list):
                continue
            for i, item in enumerate(items):
                if not isinstance(item, dict):
                    continue
                needed = ("ErrorEquals", "Next") if field == "Catch" else ("ErrorEquals",)
                for name in needed:
                    if name not in item:
                        yield Finding(f"{field} entry {i} of '{ref.name}' needs {name}",
                                      f"{ref.pointer}/{field}/{i}")


def _exclusive(body: dict, group: tuple[str, ...], pointer: str, what: str):
    present = [f for f in group if f in body]
    if len(present) > 1:
        yield Finding(f"{what} sets " + " and ".join(present) + "; keep one", f"{pointer}/{present[1]}", key=True)
