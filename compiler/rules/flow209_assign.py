import re

from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._expressions import assigned_names
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules._values import json_type
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HOLDERS = frozenset(("Assign", "Catch", "Choices"))  # where a state's Assign objects can be
#: every field whose value `state` looks at (rules/_shapes): the Assign holders; and Retry, which it does not read
#: (a finer shape, still exact): other rules read Retry and Catch together, and those shapes are made once for all
READS: dict[str, tuple[type, ...]] = {f: () for f in (*_HOLDERS, "Retry")}


class InvalidAssign(Rule):
    code = "FLOW209"
    name = "invalid-assign"
    summary = "An `Assign` that is not an object, assigns the reserved `$states`, or a name that cannot be read."
    docs = """\
`Assign` (on Pass, Task, Map, Parallel, Choice and Wait states, on Choice rules
and on catchers — not on Succeed or Fail) is an object from variable names to
values. `states` is reserved: `$states` is the input, result, error output and
context of the running state. A name that is not an identifier (`top-level`)
can be assigned but never read back as `$top-level` (warning). Variable names
are at most 80 characters.

Bad:
```json
"Assign": { "states": "$.x", "retry-count": 0 }
```
Good:
```json
"Assign": { "orderId.$": "$.id", "retryCount": 0 }
```
"""

    def check(self, doc: AslDocument):
        yield from by_shape(doc, self.code, READS, self.state)

    def state(self, ref: StateRef):
        """The findings of one state (the long way; `check` runs it once per clean shape)."""
        if _HOLDERS.isdisjoint(ref.body) or not _assigns(ref.body):
            return  # no Assign anywhere in this state
        for field_ptr, holder in self.holders(ref):
            if not isinstance(holder, dict):
                yield Finding(f"Assign must be an object of variable names, not {json_type(holder)}",
                              f"{ref.pointer}{field_ptr}")
        for ptr, name in assigned_names(ref.body):
            p = f"{ref.pointer}{ptr}"
            if name == "states":
                yield Finding("'states' is reserved ($states is the state's input, result and context)", p,
                              key=True)
            elif len(name) > 80:
                yield Finding(f"variable name is {len(name)} characters long; the limit is 80", p, key=True)
            elif not IDENTIFIER.fullmatch(name):
                yield Finding(f"variable '{name}' is not an identifier: it can never be read as ${name}", p,
                              key=True, severity=Severity.WARNING, hint="use letters, digits and '_'")

    @staticmethod
    def holders(ref):
        body = ref.body
        if "Assign" in body:
            yield "/Assign", body["Assign"]
        for field in ("Catch", "Choices"):
            entries = body.get(field)
            if isinstance(entries, list):
                for i, e in enumerate(entries):
                    if isinstance(e, dict) and "Assign" in e:
                        yield f"/{field}/{i}/Assign", e["Assign"]


def _assigns(body: dict) -> bool:
    """Whether the state, one of its catchers or one of its choice rules has an Assign (most Catch and
    Choices lists have none: nothing below would look further)."""
    if "Assign" in body:
        return True
    for field in ("Catch", "Choices"):
        entries = body.get(field)
        if isinstance(entries, list):
            for e in entries:
                if isinstance(e, dict) and "Assign" in e:
                    return True
    return False
