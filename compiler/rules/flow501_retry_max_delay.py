from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules._shapes import verdicts
from flowc.compiler.rules._values import is_number
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity


def effective(entry: dict, key: str, default):
    value = entry.get(key, default)
    return value if is_number(value) else None


class RetryWithoutMaxDelay(Rule):
    code = "FLOW501"
    name = "retry-max-delay"
    summary = "An exponential retry (BackoffRate > 1) with no MaxDelaySeconds cap."
    severity = Severity.WARNING
    docs = """\
With `BackoffRate` above 1 (the default is 2.0) each retry waits longer than the
last: `IntervalSeconds * BackoffRate^(attempt-1)`. Without `MaxDelaySeconds` the
wait keeps growing with `MaxAttempts` — 10 attempts from 1 s at rate 2 wait 8.5
minutes before the last try, 20 attempts almost six days — and, without
`JitterStrategy: FULL`, every execution retries in lock-step. Cap the delay.

Bad:
```json
"Retry": [ { "ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 10, "BackoffRate": 2 } ]
```
Good:
```json
"Retry": [ { "ErrorEquals": ["States.TaskFailed"], "IntervalSeconds": 2, "MaxAttempts": 10, "BackoffRate": 2,
             "MaxDelaySeconds": 60, "JitterStrategy": "FULL" } ]
```
In `.flow`: `retry States.TaskFailed interval 2s attempts 10 backoff 2 max_delay 60s jitter full`.
"""

    def check(self, doc: AslDocument):
        for ref, found in verdicts(doc, self.code, READS, _unbounded):
            for i, message in found:
                yield Finding(message, f"{ref.pointer}/Retry/{i}", hint="add MaxDelaySeconds (and JitterStrategy FULL)")


#: what `_unbounded` reads of a state (rules/_shapes)
READS: dict[str, tuple[type, ...]] = {"Retry": ()}


def _unbounded(ref: StateRef) -> list[tuple[int, str]]:
    """(index, message) for every exponential retrier of the state with no MaxDelaySeconds."""
    entries = ref.body.get("Retry")
    if not isinstance(entries, list):
        return []
    out = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or "MaxDelaySeconds" in entry:
            continue
        rate = effective(entry, "BackoffRate", 2.0)
        attempts = effective(entry, "MaxAttempts", 3)
        interval = effective(entry, "IntervalSeconds", 1)
        if rate is None or attempts is None or interval is None or rate <= 1 or attempts < 2:
            continue
        worst = interval * rate ** (attempts - 1)
        out.append((i, f"exponential retry without MaxDelaySeconds: the last of {attempts:g} attempts waits "
                       f"{_seconds(worst)}"))
    return out


def _seconds(value: float) -> str:
    if value >= 86400:
        return f"{value / 86400:.1f} days"
    if value >= 3600:
        return f"{value / 3600:.1f} hours"
    if value >= 120:
        return f"{value / 60:.1f} minutes"
    return f"{value:g} s"
