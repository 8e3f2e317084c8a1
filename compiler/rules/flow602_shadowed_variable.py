from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity


def _assigned(options, ast) -> list:
    """(name, span) of `assign { name: ... }` options and of catchers' `assign` (`ast`: the AST module, passed
    in because this runs once per step and the rule module must not import it at load time)."""
    out = []
    object_value, catch_spec = ast.ObjectValue, ast.CatchSpec
    for opt in options or ():
        value = opt.value
        if opt.name == "assign" and isinstance(value, object_value):
            out.extend((item.key.removesuffix(".$"), item.key_span) for item in value.items)
        elif isinstance(value, catch_spec) and isinstance(value.assign, object_value):
            out.extend((item.key.removesuffix(".$"), item.key_span) for item in value.assign.items)
    return out


class ShadowedVariable(Rule):
    code = "FLOW602"
    name = "shadowed-variable"
    summary = "A variable assigned in a map or parallel block under a name the enclosing scope already uses."
    severity = Severity.WARNING
    target = "flow"
    docs = """\
A `map` body and each `parallel` branch have their own variable scope: an
`assign` there creates a new variable that disappears when the block ends,
while the outer one keeps its value. Reusing the outer name reads as if it
updated the outer variable, which it does not. A `map ... as item` variable that
reuses an outer name hides the outer one inside the block the same way.

Bad:
```
  Init: pass
    assign { total: 0 }
  Each: map $.items
    do
      Add: pass
        assign { total: $.price }
```
Good: give the inner variable its own name, and return values from the block
through its result instead.
"""

    def check(self, ctx):
        for module in ctx.modules:
            for wf in module.workflows:
                yield from self.block(wf.body, {})

    def block(self, statements, outer: dict):
        from flowc.dsl import ast

        own: dict = {}
        step, choice_branch = ast.Step, ast.ChoiceBranch
        for st in statements:
            if isinstance(st, step):
                if st.options:
                    for name, span in _assigned(st.options, ast):
                        own.setdefault(name, span)
                for branch in getattr(st.action, "branches", None) or ():
                    if isinstance(branch, choice_branch) and branch.options:
                        for name, span in _assigned(branch.options, ast):
                            own.setdefault(name, span)
        for name, span in own.items():
            if name in outer:
                yield Finding(f"'{name}' is assigned here and in an enclosing scope: this is a new variable, "
                              "the outer one keeps its value", span=span, hint="use a different name")
        visible = {**outer, **own}
        for st in statements:
            if not isinstance(st, ast.Step):
                continue
            action = st.action
            if isinstance(action, ast.MapAction):
                inner = dict(visible)
                for ref in (action.item_var, action.index_var):
                    if ref is not None and ref.name in visible:
                        yield Finding(f"map variable '{ref.name}' hides the variable of the same name outside "
                                      "the map", span=ref.span)
                yield from self.block(action.body, inner)
            elif isinstance(action, ast.ParallelAction):
                for branch in action.branches:
                    yield from self.block(branch, visible)
            elif isinstance(action, ast.ChooseAction):
                for branch in action.branches:
                    yield from self.nested_same_scope(branch.body, visible)
                if action.default:
                    yield from self.nested_same_scope(action.default, visible)

    def nested_same_scope(self, statements, visible: dict):
        """`choose` bodies are in the same scope; only their nested map/parallel blocks open new ones."""
        from flowc.dsl import ast

        for st in statements:
            if isinstance(st, ast.Step) and isinstance(st.action, (ast.MapAction, ast.ParallelAction,
                                                                   ast.ChooseAction)):
                yield from self.block([st], visible)
