from flowc.compiler.asldoc import AslDocument, escape
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import did_you_mean


class UnknownState(Rule):
    code = "FLOW201"
    name = "unknown-reference"
    summary = "A transition, StartAt, resource or workflow names something that does not exist."
    docs = """\
Every `goto`, `catch ... goto`, `Next`, `Default` and `StartAt` must name a state
of the same scope: a Map iteration or a Parallel branch cannot jump to a state
outside it, and the outside cannot jump in. In `.flow`, resources and child
workflows must be declared (or imported) before a step can use them.

Bad:
```
  Charge: invoke charge
    catch States.ALL goto Refnud
  Refund: invoke refund
```
Good:
```
  Charge: invoke charge
    catch States.ALL goto Refund
  Refund: invoke refund
```
"""

    def check(self, doc: AslDocument):
        everywhere = _LazyNames(doc)
        for scope in doc.scopes():
            names = scope.states
            where = "this branch" if scope.kind == "branch" else (
                "this Map iteration" if scope.kind == "processor" else "the top level")
            if isinstance(scope.start_at, str) and scope.start_at not in names and names:
                yield self._missing(scope.start_at, names, everywhere, f"{scope.pointer}/StartAt", where, "StartAt")
            if not scope.names_unknown_state():
                continue  # every edge names a state of this scope (the usual case)
            for name, edges in scope.edges().items():
                for suffix, target in edges:
                    if isinstance(target, str) and target not in names:
                        base = f"{scope.pointer}/States/{escape(name)}"
                        yield self._missing(target, names, everywhere, base + suffix, where, suffix.rsplit("/", 1)[1])

    def _missing(self, target, names, everywhere, pointer, where, field):
        others = everywhere.get(target)
        if others:
            return Finding(f"'{target}' is not in {where}: transitions cannot cross into or out of a "
                           "Map iteration or Parallel branch", pointer,
                           hint="move the step into the same block, or end the block and continue after it")
        near = did_you_mean(target, names)
        return Finding(f"{field} names unknown state '{target}'", pointer,
                       hint=f"did you mean '{near}'?" if near else None)


class _LazyNames:
    """`doc.all_names()`, built only when a transition names a state outside its scope (rare)."""

    def __init__(self, doc: AslDocument) -> None:
        self.doc = doc
        self.names: dict | None = None

    def get(self, name: str):
        if self.names is None:
            self.names = self.doc.all_names()
        return self.names.get(name)
