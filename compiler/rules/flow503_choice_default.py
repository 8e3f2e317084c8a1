from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity


class ChoiceWithoutDefault(Rule):
    code = "FLOW503"
    name = "choice-default"
    summary = "A Choice state without Default: unmatched input fails with States.NoChoiceMatched."
    severity = Severity.WARNING
    docs = """\
When no rule of a Choice state matches and there is no `Default`, the execution
fails with `States.NoChoiceMatched` — usually on the one input nobody thought
of. Add a `Default` (a catch-all path, or an explicit Fail state that says
what happened).

Bad:
```json
"Route": { "Type": "Choice", "Choices": [ { "Variable": "$.kind", "StringEquals": "a", "Next": "A" } ] }
```
Good:
```json
"Route": { "Type": "Choice", "Choices": [ { "Variable": "$.kind", "StringEquals": "a", "Next": "A" } ],
           "Default": "UnknownKind" }
```
In `.flow`, `else raise States.NoChoiceMatched` says the failure is intended and is not reported.
"""

    def check(self, doc: AslDocument):
        states = doc.states()
        # the layout tells both (Type and keys): only the Choice states of layouts without Default are looked at
        found = sorted(i for (kind, _ql, keys), members in doc.layouts() if kind == "Choice" and "Default" not in keys
                       for i in members)
        for ref in map(states.__getitem__, found):
                yield Finding(f"Choice state '{ref.name}' has no Default: unmatched input fails the execution "
                              "(States.NoChoiceMatched)", ref.pointer, key=True,
                              hint="add a Default state (or a Fail state that names the case)")
