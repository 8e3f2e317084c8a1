from flowc.compiler.rules.base import Rule


class ChoiceDeadEnd(Rule):
    code = "FLOW207"
    name = "choice-dead-end"
    summary = "A choose/switch at the end of a block has a path with no step to go to."
    target = "compiler"
    docs = """\
In `.flow`, when no branch of a `choose` matches, execution continues with the
next step. At the end of a workflow (or branch) there is no next step, and ASL
cannot end an execution from a Choice state, so this is an error rather than a
silently invented state.

Bad:
```
  Route: choose
    if $.vip == true
      Notify: sns.publish Vip message $.name
```
(when `Route` is the last step)

Good:
```
  Route: choose
    if $.vip == true
      Notify: sns.publish Vip message $.name
    else
      Done: succeed
```
or `else raise States.NoChoiceMatched` to fail when nothing matches.
"""
