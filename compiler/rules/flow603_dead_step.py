from flowc.compiler.rules.base import Finding, Rule


class DeadStep(Rule):
    code = "FLOW603"
    name = "step-after-terminal"
    summary = "A `.flow` step written after `succeed`, `fail`, `goto` or `end` that no `goto` reaches."
    target = "flow"
    docs = """\
Steps run in the order written, so a step right after one that ends the block
(`succeed`, `fail`, `goto X`, `end`) only runs if something jumps to it. When
nothing does, it can never run — and Step Functions rejects unreachable states
(this is FLOW203 said in `.flow` terms). Add the missing `goto`, move the step
before the terminal one, or delete it.

Bad:
```
  Charge: invoke charge
  Done: succeed
  Notify: sns.publish Ops message "charged"
```
Good:
```
  Charge: invoke charge
  Notify: sns.publish Ops message "charged"
  Done: succeed
```
"""

    def check(self, ctx):
        from flowc.compiler.rules._flowast import name_search  # only .flow needs the AST walk

        for module in ctx.modules:
            for wf in module.workflows:
                yield from self.block(wf.body, name_search(ctx, wf.body))

    def block(self, statements, targets):
        """`targets` (a `NameSearch` of the body) is asked only about steps that follow a terminal one."""
        from flowc.dsl import ast

        goto, step, succeed, fail, choice_branch = ast.Goto, ast.Step, ast.SucceedAction, ast.FailAction, ast.ChoiceBranch
        nesting = _NESTING
        after_terminal: str | None = None
        for st in statements:
            if isinstance(st, goto):
                after_terminal = f"goto {st.target.name}" if st.target else "end"
                continue
            if not isinstance(st, step):
                continue
            dead = after_terminal is not None and not targets.has(st.name)
            if dead:
                yield Finding(f"step '{st.name}' follows `{after_terminal}` and no goto reaches it: it never runs",
                              span=st.name_span, hint=f"add `goto {st.name}` where it should run, or move it")
            action = st.action
            if isinstance(action, (succeed, fail)):
                after_terminal = f"{st.name}: {'succeed' if isinstance(action, succeed) else 'fail'}"
            elif not dead:
                after_terminal = None
            cls = action.__class__
            nests = nesting.get(cls)
            if nests is None:  # (only map, choose and parallel actions hold blocks: the others skip the lookups)
                nests = nesting[cls] = any(hasattr(cls, attr) for attr in ("body", "default", "branches"))
            if not nests:
                continue
            for attr in ("body", "default"):
                inner = getattr(action, attr, None)
                if isinstance(inner, list):
                    yield from self.block(inner, targets)
            for branch in getattr(action, "branches", None) or []:
                yield from self.block(branch.body if isinstance(branch, choice_branch) else branch, targets)


_NESTING: dict[type, bool] = {}  # action class -> whether it has a `body`, `default` or `branches` field
