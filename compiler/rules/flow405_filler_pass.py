from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

NO_OP_FIELDS = {"Type", "Next", "End", "Comment", "QueryLanguage"}


class FillerPass(Rule):
    code = "FLOW405"
    name = "filler-pass"
    summary = "A Pass state that does nothing but cost a state transition."
    severity = Severity.WARNING
    docs = """\
STANDARD workflows are billed per state transition, and every state adds
history events. A Pass state with no `Parameters`, `Result`, `ResultPath`,
`InputPath`/`OutputPath`, `Output` or `Assign` only passes its input on: point
the previous state's `Next` at the following state instead. (A scope's only
state, such as a placeholder branch, is left alone.) `.flow` never emits one.

Bad:
```json
"Charge": { "Type": "Task", "Resource": "...", "Next": "Continue" },
"Continue": { "Type": "Pass", "Next": "Ship" }
```
Good:
```json
"Charge": { "Type": "Task", "Resource": "...", "Next": "Ship" }
```
"""

    def check(self, doc: AslDocument):
        for ref in doc.states():
            if ref.type != "Pass" or len(ref.scope.states) < 2:
                continue
            if set(ref.body) <= NO_OP_FIELDS:
                yield Finding(f"Pass state '{ref.name}' does nothing but cost a state transition", ref.pointer,
                              key=True, hint="transition to the next state directly")
