from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import _jsonata
from flowc.compiler.rules._expressions import jsonata_fields, states_in
from flowc.compiler.rules.base import Finding, Rule

KNOWN = ("input", "result", "errorOutput", "context")
WITH_RESULT = ("Task", "Parallel", "Map")


def allowed_here(field: str, where: str, state_type: str) -> bool:
    if field in ("input", "context"):
        return True
    if field == "result":
        return where in ("Output", "Assign") and state_type in WITH_RESULT
    if field == "errorOutput":
        return where in ("Catch.Output", "Catch.Assign")
    return False


class StatesScope(Rule):
    code = "FLOW307"
    name = "states-variable-scope"
    summary = "`$states.result` / `$states.errorOutput` used where the state has none, or an unknown `$states` field."
    docs = """\
In a JSONata state, `$states` holds `input` and `context` everywhere;
`result` only in the `Output` and `Assign` of a Task, Parallel or Map (there is
no result before the work runs, in `Arguments`, nor in a Pass, Wait or Choice);
`errorOutput` only in a catcher's `Output` and `Assign`. Step Functions rejects
the definition otherwise.

Bad:
```json
"Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
  "Arguments": { "Payload": "{% $states.result %}" },
  "Catch": [ { "ErrorEquals": ["States.ALL"], "Output": "{% $states.result %}", "Next": "Failed" } ],
  "End": true }
```
Good:
```json
"Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
  "Arguments": { "Payload": "{% $states.input %}" }, "Output": "{% $states.result.Payload %}",
  "Catch": [ { "ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "Failed" } ],
  "End": true }
```
"""

    def check(self, doc: AslDocument):
        for ref in states_in(doc, "JSONata"):
            for pointer, text, where in jsonata_fields(ref):
                body = _jsonata.expression_body(text)
                if body is None:
                    continue
                info = _jsonata.analyse(body)
                for field in dict.fromkeys(info.states_fields):
                    if field not in KNOWN:
                        yield Finding(f"'$states.{field}' does not exist (input, result, errorOutput, context)",
                                      pointer)
                    elif not allowed_here(field, where, str(ref.type)):
                        place = where.replace("Catch.", "a catcher's ").replace("Choices.", "a Choice rule's ")
                        yield Finding(f"'$states.{field}' is not available in {place} of a {ref.type} state",
                                      pointer, hint=_hint(field))


def _hint(field: str) -> str:
    if field == "result":
        return "$states.result exists only in Output and Assign of a Task, Parallel or Map"
    return "$states.errorOutput exists only in a catcher's Output and Assign"
