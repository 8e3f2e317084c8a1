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
        states = doc.states()
        # the layout tells both (Type and keys): only the Pass states of no-op layouts are looked at
        found = sorted(i for (kind, _ql, keys), members in doc.layouts() if kind == "Pass" and NO_OP_FIELDS.issuperset(keys)
                       for i in members)
        for ref in map(states.__getitem__, found):
            if len(ref.scope.states) >= 2:
                yield Finding(f"Pass state '{ref.name}' does nothing but cost a state transition", ref.pointer,
                              key=True, hint="transition to the next state directly")
