import re
from collections.abc import Iterable

from flowc.compiler.asldoc import AslDocument, Scope
from flowc.compiler.rules._expressions import (
    assigned_names,
    jsonpath_expressions,
    jsonpath_variables,
    variable_references,
)
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
        if doc.source is not None:
            if not _MAYBE_VARIABLE.search(doc.source.text):
                return  # no `$name` anywhere in the text: nothing can refer to a variable
        elif _no_variables(doc):
            return
        states = doc.states()
        by_scope: dict[int, set[str]] = {}
        everywhere: dict[str, list[str]] = {}
        # only states with an Assign, a Catch or Choices can assign (their layouts tell); in state order, as the
        # sets are filled in the order the long way fills them
        assigning = sorted(i for (_kind, _ql, keys), members in doc.layouts() if not _ASSIGNING.isdisjoint(keys)
                           for i in members)
        for ref in map(states.__getitem__, assigning):
            for _ptr, name in assigned_names(ref.body):
                by_scope.setdefault(id(ref.scope), set()).add(name)
                everywhere.setdefault(name, []).append(ref.name)
        seen: dict[int, set[str]] = {}  # scope -> the variables its states can see
        for ref in states:
            if ref.query_language == "JSONata":
                found: Iterable[tuple[str, str]] = variable_references(ref)
            else:  # the same names as `variable_references`, each distinct text read once
                found = [(pointer, name) for pointer, _kind, text in jsonpath_expressions(ref)
                         for name in _names(text)]
                if not found:
                    continue
            visible = seen.get(id(ref.scope))
            if visible is None:
                visible = seen[id(ref.scope)] = set()
                for scope in visible_scopes(ref.scope):
                    visible |= by_scope.get(id(scope), set())
            reported: set[str] = set()
            for pointer, name in found:
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


_ASSIGNING = frozenset({"Assign", "Catch", "Choices"})  # the fields `assigned_names` reads
_NAMES: dict[str, tuple[str, ...]] = {}


def _names(text: str) -> tuple[str, ...]:
    """`jsonpath_variables(text)`, sorted, once per distinct text (a large definition repeats a few)."""
    names = _NAMES.get(text)
    if names is None:
        if len(_NAMES) >= 4096:  # stay bounded in a long-lived process (the language server)
            _NAMES.clear()
        names = _NAMES[text] = tuple(sorted(jsonpath_variables(text)))
    return names


def _no_variables(doc: AslDocument) -> bool:
    """Whether no state can refer to a variable (a definition without source text: flowc's own output): every
    state is a JSONPath one, whose references are `$` and a letter or `_` in a string, and its compact JSON (at
    hand: the emitter wrote it) has no such pair. (JSONata states are analysed whatever their text.)"""
    if any(layout[1] == "JSONata" for layout, _ in doc.layouts()):
        return False
    try:
        text = doc.compact_json()
    except (TypeError, ValueError):
        return False
    return _MAYBE_VARIABLE.search(text) is None
