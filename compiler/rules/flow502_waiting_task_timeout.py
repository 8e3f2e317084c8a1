from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules._values import is_activity, waiting_suffix
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

TIMEOUTS = ("TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath")


class WaitingTaskWithoutTimeout(Rule):
    code = "FLOW502"
    name = "waiting-task-timeout"
    summary = "A .sync, .waitForTaskToken or activity task with no TimeoutSeconds or HeartbeatSeconds."
    severity = Severity.WARNING
    docs = """\
A task that waits — for a job to finish (`.sync`, `.sync:2`), a callback
(`.waitForTaskToken`) or an activity worker — has no time limit by default: if
the token is lost or the worker dies, the execution waits up to a year (the
STANDARD maximum), holding whatever it locked. Give it a `TimeoutSeconds`, and
for callbacks and activities a `HeartbeatSeconds` the worker must beat, then
handle `States.Timeout` / `States.HeartbeatTimeout`.

Bad:
```json
"Approve": { "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {...},
             "End": true }
```
Good:
```json
"Approve": { "Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken", "Parameters": {...},
             "TimeoutSeconds": 86400, "HeartbeatSeconds": 3600, "End": true }
```
In `.flow`: `timeout 1d` and `heartbeat 1h` under the step.
"""

    def check(self, doc: AslDocument):
        for ref in doc.states():
            if ref.type != "Task":
                continue
            resource = ref.body.get("Resource")
            suffix = waiting_suffix(resource)
            if suffix is None and not is_activity(resource):
                continue
            if any(k in ref.body for k in TIMEOUTS):
                continue
            what = f"waits ({suffix})" if suffix else "waits for an activity worker"
            yield Finding(f"'{ref.name}' {what} with no TimeoutSeconds or HeartbeatSeconds: it can wait up to a year",
                          f"{ref.pointer}/Resource", hint="add TimeoutSeconds (and HeartbeatSeconds for callbacks)")
