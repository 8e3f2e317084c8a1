from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._shapes import verdicts
from flowc.compiler.rules._values import is_lambda_task
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

TRANSIENT = ("Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException",
             "Lambda.TooManyRequestsException")
COVER_ALL = ("States.ALL", "States.TaskFailed")


class LambdaWithoutRetry(Rule):
    code = "FLOW504"
    name = "lambda-retry"
    summary = "A Lambda invoke without a retry on Lambda's transient service errors."
    severity = Severity.WARNING
    docs = """\
Lambda invocations occasionally fail for reasons that have nothing to do with
your code: `Lambda.ServiceException`, `Lambda.AWSLambdaException`,
`Lambda.SdkClientException` and throttling (`Lambda.TooManyRequestsException`).
AWS recommends retrying them on every Lambda task (the console adds this
retrier by default); without it a brief service hiccup fails the execution.

Bad:
```json
"Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {...}, "End": true }
```
Good:
```json
"Charge": { "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {...},
  "Retry": [ { "ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException",
                               "Lambda.SdkClientException", "Lambda.TooManyRequestsException"],
               "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "MaxDelaySeconds": 10,
               "JitterStrategy": "FULL" } ],
  "End": true }
```
"""

    def check(self, doc: AslDocument) -> list[Finding]:
        # a list, not a generator: this rule can report most of a large definition's states
        return [Finding(f"Lambda task '{ref.name}' does not retry {missing}", ref.pointer, key=True, hint=_HINT)
                for ref, missing in verdicts(doc, self.code, READS, _missing, ("Task",))]


_HINT = "retry Lambda's transient errors with backoff"


#: what `_missing` reads of a state (rules/_shapes): a verdict holds for every state of its shape
READS: dict[str, tuple[type, ...]] = {"Resource": (), "Retry": ()}


def _missing(ref: StateRef) -> str | None:
    """The transient errors a Lambda task does not retry, as the message lists them (None: not a Lambda task, or
    nothing missing)."""
    if not is_lambda_task(ref.body.get("Resource")):
        return None
    covered: set[str] = set()
    entries = ref.body.get("Retry")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict) or entry.get("MaxAttempts") == 0:
            continue
        names = entry.get("ErrorEquals")
        if isinstance(names, list):
            covered.update(n for n in names if isinstance(n, str))
    if any(n in covered for n in COVER_ALL):
        return None
    missing = [n for n in TRANSIENT if n not in covered]
    return ", ".join(missing) if missing else None
