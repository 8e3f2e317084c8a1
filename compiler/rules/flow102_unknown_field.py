from compiler.asldoc import AslDocument
from compiler.rules.base import Finding, Rule
from dsl.diagnostics import did_you_mean

TOP_FIELDS = {"Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"}
SCOPE_FIELDS = {"branch": {"Comment", "StartAt", "States", "QueryLanguage"},
                "processor": {"Comment", "StartAt", "States", "ProcessorConfig", "QueryLanguage"}}


def _allowed_any(state_type: str) -> frozenset[str] | None:
    from targets.asl import models

    if state_type not in models.STATE_MODELS:
        return None
    return models.allowed_fields(state_type, "JSONPath") | models.allowed_fields(state_type, "JSONata")


class UnknownField(Rule):
    code = "FLOW102"
    name = "unknown-field"
    summary = "A field (or `.flow` option) that this state type does not have."
    docs = """\
Step Functions rejects definitions with fields a state type does not define,
for example `Seconds` on a Task or `Next` on a Succeed. In `.flow`, an option
that does not apply to the step kind is reported the same way.

Bad:
```json
"Done": { "Type": "Succeed", "Next": "Other" }
```
Good:
```json
"Done": { "Type": "Succeed" }
```
"""

    def check(self, doc: AslDocument):
        d = doc.definition
        if isinstance(d, dict):
            for key in d:
                if key not in TOP_FIELDS:
                    yield Finding(f"unknown top-level field '{key}'", f"/{key}",
                                  hint=_hint(key, TOP_FIELDS))
        for scope in doc.scopes():
            if scope.kind == "top":
                continue
            container = _resolve(d, scope.pointer)
            if isinstance(container, dict):
                for key in container:
                    if key not in SCOPE_FIELDS[scope.kind]:
                        yield Finding(f"unknown field '{key}' in a {'Parallel branch' if scope.kind == 'branch' else 'Map processor'}",
                                      f"{scope.pointer}/{key}", hint=_hint(key, SCOPE_FIELDS[scope.kind]))
        for ref in doc.states():
            state_type = ref.type
            if not isinstance(state_type, str):
                continue
            allowed = _allowed_any(state_type)
            if allowed is None:
                from targets.asl import models

                yield Finding(f"state '{ref.name}' has unknown Type '{state_type}'", ref.pointer + "/Type",
                              hint=_hint(state_type, models.STATE_MODELS))
                continue
            for key in ref.body:
                if key not in allowed:
                    yield Finding(f"'{key}' is not a field of a {state_type} state ('{ref.name}')",
                                  f"{ref.pointer}/{key}", hint=_hint(key, allowed))


def _hint(key, candidates):
    near = did_you_mean(key, candidates)
    return f"did you mean '{near}'?" if near else None


def _resolve(d, pointer: str):
    node = d
    for part in [p for p in pointer.split("/") if p]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node
