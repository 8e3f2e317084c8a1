from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule

MAX_NAME = 80


class NameTooLong(Rule):
    code = "FLOW105"
    name = "name-too-long"
    summary = "A state name longer than 80 characters (Step Functions rejects it)."
    docs = """\
State names are limited to 80 Unicode characters. In `.flow` the step name is
the state name, so keep step names short and descriptive.

Bad:
```
  ThisStepNameKeepsGoingAndGoingBecauseSomeoneDescribedTheWholeBusinessProcessInIt: invoke f
```
Good:
```
  ChargeCard: invoke f
```
"""

    def check(self, doc: AslDocument):
        for ref in doc.states():
            if len(ref.name) > MAX_NAME:
                yield Finding(f"state name is {len(ref.name)} characters long; the limit is {MAX_NAME}",
                              ref.pointer)
