from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules import _aws
from flowc.compiler.rules._values import is_activity
from flowc.compiler.rules.base import Finding, Rule

WAITING_SUFFIXES = (".sync", ".sync:2", ".waitForTaskToken")


class ExpressWaitingTask(Rule):
    code = "FLOW402"
    name = "express-waiting-task"
    summary = "A .sync or .waitForTaskToken task, or an activity, in an EXPRESS workflow (not supported there)."
    docs = """\
Express workflows support only request-response integrations: they cannot run
a job to completion (`.sync`, `.sync:2`) or wait for a callback
(`.waitForTaskToken`), and they cannot run activities (AWS developer guide,
"Choosing workflow type in Step Functions"). Use a STANDARD workflow, or start
the child without waiting.

Bad:
```
workflow Fast
  type express
  Child: start Worker sync2
```
Good:
```
workflow Fast
  type standard
  Child: start Worker sync2
```
"""

    def check(self, doc: AslDocument):
        if doc.workflow_type != "EXPRESS":
            return
        for ref in doc.states():
            resource = ref.body.get("Resource")
            if isinstance(resource, str) and resource.endswith(WAITING_SUFFIXES):
                suffix = next(s for s in WAITING_SUFFIXES if resource.endswith(s))
                aws = _aws.says(_aws.EXPRESS_WAIT_FOR_TOKEN) if suffix == ".waitForTaskToken" else ""
                yield Finding(f"'{ref.name}' uses {suffix}, which EXPRESS workflows do not support{aws}",
                              ref.pointer + "/Resource")
            elif ref.type == "Task" and is_activity(resource):
                yield Finding(f"'{ref.name}' runs an activity, which EXPRESS workflows do not support",
                              ref.pointer + "/Resource", hint="use a STANDARD workflow, or a Lambda function")
