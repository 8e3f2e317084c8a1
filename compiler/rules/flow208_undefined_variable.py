import re

from flowc.compiler.asldoc import AslDocument, Scope
from flowc.compiler.rules._expressions import assigned_names, variable_references
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity, did_you_mean

_MAYBE_VARIABLE = re.compile(r"\$[A-Za-z_]")


def visible_scopes(scope: Scope) -> list[Scope]:
    """The scopes whose variables a state of `scope` can read: its own and the enclosing ones,
    up to (and including) a Distributed Map's processor, which starts a child execution."""
    out = []
    for s in scope.ancestors():
        out.append(s)
        if s.distributed:
            break
    return out


class UndefinedVariable(Rule):
    code = "FLOW208"
    name = "undefined-variable"
    summary = "A workflow variable that is never assigned, or assigned only where this state cannot see it."
    severity = Severity.WARNING
    docs = """\
Variables (`Assign`, read as `$name`) live in scopes: the top level, each
Parallel branch and each Map iteration. A state reads the variables of its own
scope and of the enclosing ones; a variable assigned inside a branch or an
iteration is not visible after it, and a Distributed Map's child executions see
none of the parent's variables. Reading a variable that is not there fails the
execution at run time (`States.QueryEvaluationError` / `States.Runtime`), so
flowc reports a name assigned nowhere (warning: possibly a typo) and a name
assigned only in a scope this state cannot see (error).

Bad:
```json
"Check": { "Type": "Map", "ItemProcessor": { "StartAt": "Score", "States": {
  "Score": { "Type": "Pass", "Assign": { "score": 1 }, "End": true } } }, "Next": "Report" },
"Report": { "Type": "Pass", "Parameters": { "score.$": "$score" }, "End": true }
```
Good: return the value from the iteration (`Output`/`ResultPath`) and read it
from the Map's result, or assign it at the top level.
"""

    def check(self, doc: AslDocument):
        if doc.source is not None and not _MAYBE_VARIABLE.search(doc.source.text):
            return  # no `$name` anywhere in the text: nothing can refer to a variable
        by_scope: dict[int, set[str]] = {}
        everywhere: dict[str, list[str]] = {}
        scopes = {id(s): s for s in doc.scopes()}
        for ref in doc.states():
            for _ptr, name in assigned_names(ref.body):
                by_scope.setdefault(id(ref.scope), set()).add(name)
                everywhere.setdefault(name, []).append(ref.name)
        del scopes
        for ref in doc.states():
            visible: set[str] = set()
            for scope in visible_scopes(ref.scope):
                visible |= by_scope.get(id(scope), set())
            reported: set[str] = set()
            for pointer, name in variable_references(ref):
                if name in visible or name in reported:
                    continue
                reported.add(name)
                if name in everywhere:
                    where = ", ".join(sorted(set(everywhere[name]))[:3])
                    yield Finding(f"variable '${name}' is assigned (in {where}) only in a scope that "
                                  f"'{ref.name}' cannot see", pointer, severity=Severity.ERROR,
                                  hint="variables of a Parallel branch or Map iteration are not visible outside "
                                       "it, and a Distributed Map's children see no outer variables")
                else:
                    near = did_you_mean(name, visible) if visible else None
                    yield Finding(f"variable '${name}' is never assigned", pointer,
                                  hint=f"did you mean '${near}'?" if near else "assign it with `Assign` first")
