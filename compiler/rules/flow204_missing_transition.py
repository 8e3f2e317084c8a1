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
        if all(layout[0] in NO_TRANSITION or ("Next" in layout[2] and "End" not in layout[2])
               for layout, _ in doc.layouts()):
            # (the usual case) every state passes the loop below without a finding, decided once per layout:
            # what is left is whether each scope has a state that ends it
            ends = _scopes_with_an_end(doc)
            for scope in doc.scopes():
                if scope.states and id(scope) not in ends:
                    yield Finding("no state ends this scope (no Succeed, Fail or End: true)",
                                  scope.pointer + "/States")
            return
        yield from self.walk(doc)

    def walk(self, doc: AslDocument):
        """The findings, state by state (the long way)."""
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


def _scopes_with_an_end(doc: AslDocument) -> set[int]:
    """ids of the scopes with a Succeed or Fail state or one with End: true (the loop's `terminal`)."""
    states = doc.states()
    ends: set[int] = set()
    for layout, members in doc.layouts():
        if layout[0] in ("Succeed", "Fail"):
            ends.update(id(states[i].scope) for i in members)
        elif "End" in layout[2]:
            ends.update(id(states[i].scope) for i in members if states[i].body["End"] is True)
    return ends
