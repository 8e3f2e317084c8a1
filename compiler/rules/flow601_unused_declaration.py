from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity


class UnusedDeclaration(Rule):
    code = "FLOW601"
    name = "unused-declaration"
    summary = "A `.flow` resource declaration (function, table, topic...) that no step or trigger uses."
    severity = Severity.WARNING
    target = "flow"
    docs = """\
Every declaration without `arn` deploys something — a function, a table, a
queue — and grants the workflow permissions on it. One that no step, trigger or
other workflow uses is dead weight in the template and in the IAM policy, and
usually means a step names the wrong resource.

Bad:
```
workflow Orders
  function charge handler "orders.charge" code "handlers"
  function refund handler "orders.refund" code "handlers"
  Charge: invoke charge
```
Good:
```
workflow Orders
  function charge handler "orders.charge" code "handlers"
  Charge: invoke charge
```
"""

    def check(self, ctx):
        from flowc.compiler.rules._flowast import name_search  # only .flow needs the AST walk

        searches = []  # every place a name may be used; each is walked only as far as the questions need
        for module in ctx.modules:
            for wf in module.workflows:
                searches += [name_search(ctx, wf.body), name_search(ctx, wf.triggers), name_search(ctx, wf.settings)]
                searches += [name_search(ctx, decl.props) for decl in wf.resources]
            searches += [name_search(ctx, decl.props) for decl in module.resources]
        for module in ctx.modules:
            decls = list(module.resources)
            for wf in module.workflows:
                decls.extend(wf.resources)
            for decl in decls:
                if not any(search.has(decl.name) for search in searches):
                    yield Finding(f"{decl.kind} '{decl.name}' is declared but never used", span=decl.name_span,
                                  hint="remove it, or use it in a step")
