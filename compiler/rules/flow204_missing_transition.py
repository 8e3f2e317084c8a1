from flowc.compiler.asldoc import AslDocument, escape
from flowc.compiler.rules.base import Finding, Rule

NO_TRANSITION = {"Choice", "Succeed", "Fail"}


class MissingTransition(Rule):
    code = "FLOW204"
    name = "missing-transition"
    summary = "A state with neither Next nor End (or both), or a scope with no terminal state."
    docs = """\
Every Task, Pass, Wait, Parallel and Map state needs exactly one of `Next` or
`"End": true`; Choice, Succeed and Fail take neither. Each scope needs at least
one state that ends it.

Bad:
```json
"Work": { "Type": "Pass", "Next": "Done", "End": true }
```
Good:
```json
"Work": { "Type": "Pass", "Next": "Done" }
```
"""

    def check(self, doc: AslDocument):
        for scope in doc.scopes():
            if not scope.states:
                continue
            terminal = False
            for ref_name, body in scope.states.items():
                if not isinstance(body, dict):
                    continue
                state_type = body.get("Type") if isinstance(body.get("Type"), str) else None
                has_next, has_end = "Next" in body, "End" in body
                if state_type in ("Succeed", "Fail") or body.get("End") is True:
                    terminal = True
                if state_type in NO_TRANSITION:
                    continue
                if has_next and not has_end:
                    continue  # the usual case: nothing to report
                ptr = f"{scope.pointer}/States/{escape(ref_name)}"
                if has_next and has_end:
                    yield Finding(f"state '{ref_name}' has both Next and End", ptr + "/End")
                elif not has_next and not has_end:
                    yield Finding(f"state '{ref_name}' has neither Next nor End", ptr,
                                  hint='add "Next" or "End": true')
                elif has_end and body.get("End") is not True:
                    yield Finding(f"state '{ref_name}': End must be true when present", ptr + "/End")
            if not terminal:
                yield Finding("no state ends this scope (no Succeed, Fail or End: true)",
                              scope.pointer + "/States")
