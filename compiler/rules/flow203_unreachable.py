from flowc.compiler.asldoc import AslDocument, escape
from flowc.compiler.rules.base import Finding, Rule


class Unreachable(Rule):
    code = "FLOW203"
    name = "unreachable"
    summary = "A state that no path from StartAt reaches."
    docs = """\
Step Functions rejects definitions with unreachable states. In `.flow` this
usually means steps written after a `goto`, `succeed` or `fail` that nothing
jumps to.

Bad:
```
  Done: succeed
  Cleanup: invoke cleanup
```
Good:
```
  Cleanup: invoke cleanup
  Done: succeed
```
"""

    def check(self, doc: AslDocument):
        for scope in doc.scopes():
            if not scope.states or not isinstance(scope.start_at, str) or scope.start_at not in scope.states:
                continue
            seen = scope.reachable()
            if len(seen) == len(scope.states):
                continue  # every state is reachable
            for name, body in scope.states.items():
                if name not in seen and isinstance(body, dict):
                    yield Finding(f"state '{name}' is unreachable", f"{scope.pointer}/States/{escape(name)}",
                                  hint="nothing transitions to it; remove it or add a `goto`")
