from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule


class DuplicateName(Rule):
    code = "FLOW202"
    name = "duplicate-name"
    summary = "Two states (or declarations, or workflows) share a name."
    docs = """\
State names must be unique in the whole state machine, including inside Map
iterations and Parallel branches. In `.flow`, step names, declarations and
workflow names must also be unique.

Bad:
```
  Notify: sns.publish Ops message "started"
  Work: invoke work
  Notify: sns.publish Ops message "done"
```
Good:
```
  NotifyStart: sns.publish Ops message "started"
  Work: invoke work
  NotifyDone: sns.publish Ops message "done"
```
"""

    def check(self, doc: AslDocument):
        for name, refs in doc.all_names().items():
            for ref in refs[1:]:
                yield Finding(f"duplicate state name '{name}' (also at {refs[0].pointer or '/'})", ref.pointer)
