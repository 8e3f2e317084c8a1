from compiler.asldoc import AslDocument
from compiler.rules.base import Finding, Rule

# State type -> groups of fields of which one is required.
REQUIRED: dict[str, list[tuple[str, ...]]] = {
    "Task": [("Resource",)],
    "Choice": [("Choices",)],
    "Parallel": [("Branches",)],
    "Map": [("ItemProcessor", "Iterator")],
    "Wait": [("Seconds", "SecondsPath", "Timestamp", "TimestampPath")],
}
EXCLUSIVE: dict[str, tuple[str, ...]] = {
    "Wait": ("Seconds", "SecondsPath", "Timestamp", "TimestampPath"),
}


class MissingField(Rule):
    code = "FLOW103"
    name = "missing-field"
    summary = "A required field (or `.flow` argument) is missing, or exclusive fields are combined."
    docs = """\
Each state type has required fields: a Task its `Resource`, a Choice its
`Choices`, a Wait exactly one of Seconds/SecondsPath/Timestamp/TimestampPath,
a Map its `ItemProcessor`. The top level needs `StartAt` and `States`. In
`.flow`, task kinds have required arguments (`dynamodb.putItem` needs `item`).

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
            yield Finding("an ASL definition must be a JSON object", "")
            return
        for scope in doc.scopes():
            where = scope.pointer
            container = d if not where else None
            if scope.start_at is None:
                yield Finding("missing StartAt", where or "", hint="name the first state")
            if not scope.states:
                yield Finding("missing or empty States", where or "")
            del container
        for ref in doc.states():
            state_type = ref.type
            if state_type is None:
                yield Finding(f"state '{ref.name}' has no Type", ref.pointer)
                continue
            for group in REQUIRED.get(state_type, []):
                if not any(f in ref.body for f in group):
                    yield Finding(f"{state_type} state '{ref.name}' needs " + " or ".join(group), ref.pointer)
            exclusive = [f for f in EXCLUSIVE.get(state_type, ()) if f in ref.body]
            if len(exclusive) > 1:
                yield Finding(f"{state_type} state '{ref.name}' sets " + " and ".join(exclusive) + "; keep one",
                              f"{ref.pointer}/{exclusive[1]}")
