from flowc.compiler.rules.base import Rule


class SqsContextField(Rule):
    code = "FLOW704"
    name = "sqs-context-field"
    summary = "A context-object field that the SQS target cannot provide (Task.Token, Execution.RoleArn)."
    target = "compiler"
    docs = """\
`flowc compile --target sqs` only. The SQS runtime builds the context object (`$$` in JSONPath,
`$states.context` in JSONata) with the execution (Id, Name, Input, StartTime, RedriveCount), state (Name,
EnteredTime, RetryCount), state machine and Map item fields. `Task.Token` exists only for callback tasks,
which the SQS target does not have, and `Execution.RoleArn` has no counterpart (every function has a role
of its own), so a workflow that reads them is refused rather than given a made-up value.

Bad (for `--target sqs`):
```
  Notify: sns.publish Alerts message { token: $$.Task.Token }
```
Good: pass an identifier that exists in both targets, e.g. the execution id:
```
  Notify: sns.publish Alerts message { execution: $$.Execution.Id }
```
"""
