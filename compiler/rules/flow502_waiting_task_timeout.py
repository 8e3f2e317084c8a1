from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._shapes import verdicts
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
        for ref, what in verdicts(doc, self.code, READS, _waits, ("Task",)):
            yield Finding(f"'{ref.name}' {what} with no TimeoutSeconds or HeartbeatSeconds: it can wait up to a year",
                          f"{ref.pointer}/Resource", hint="add TimeoutSeconds (and HeartbeatSeconds for callbacks)")


#: what `_waits` reads of a state besides which fields it has (rules/_shapes)
READS: dict[str, tuple[type, ...]] = {"Resource": ()}


def _waits(ref: StateRef) -> str | None:
    """How a task with no timeout waits, as the message says it (None: it does not wait, or has a timeout)."""
    resource = ref.body.get("Resource")
    suffix = waiting_suffix(resource)
    if suffix is None and not is_activity(resource):
        return None
    if any(k in ref.body for k in TIMEOUTS):
        return None
    return f"waits ({suffix})" if suffix else "waits for an activity worker"
