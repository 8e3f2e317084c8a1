from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules._limits import RETRY_LIMITS, bounds_text, out_of_range
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules._values import is_int, is_jsonata, is_number, is_substituted, json_type
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity

# Errors Step Functions itself raises (AWS developer guide, "Error names").
KNOWN_STATES_ERRORS = frozenset({
    "States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout", "States.Http.Socket", "States.IntrinsicFailure", "States.ItemReaderFailed",
    "States.NoChoiceMatched", "States.ParameterPathFailure", "States.Permissions",
    "States.QueryEvaluationError", "States.ResultPathMatchFailure", "States.ResultWriterFailed",
    "States.Runtime", "States.TaskFailed", "States.Timeout", "States.BranchFailed",
})


#: every field whose value `state` looks at (rules/_shapes)
READS: dict[str, tuple[type, ...]] = {"Retry": (), "Catch": ()}


class RetryCatch(Rule):
    code = "FLOW110"
    name = "retry-catch"
    summary = "A Retry or Catch entry Step Functions rejects (ErrorEquals, States.ALL, BackoffRate, jitter...)."
    docs = """\
`Retry` and `Catch` are arrays of objects. Each entry has a non-empty
`ErrorEquals` list of error names; `States.ALL` must be the only name in its
entry and that entry must be the last one. Retriers take `IntervalSeconds` and
`MaxDelaySeconds` (positive integers), `MaxAttempts` (an integer, 0 disables),
`BackoffRate` (a number of at least 1.0) and `JitterStrategy` (`FULL` or
`NONE`). An entry whose errors an earlier entry already handles never runs
(warning), and a `States.*` name Step Functions never raises is reported
(warning): it is most likely misspelt.

Bad:
```json
"Retry": [ { "ErrorEquals": ["States.ALL", "Lambda.ServiceException"], "BackoffRate": 0.5 } ]
```
Good:
```json
"Retry": [ { "ErrorEquals": ["Lambda.ServiceException"], "BackoffRate": 2, "MaxDelaySeconds": 30 },
           { "ErrorEquals": ["States.ALL"], "MaxAttempts": 2 } ]
```
"""

    def check(self, doc: AslDocument):
        # Pointers are built only for what is reported: a large workflow has thousands of clean entries, and
        # repeats the same few Retry and Catch values: a shape found clean is not walked again.
        yield from by_shape(doc, self.code, READS, self.state)

    def state(self, ref):
        """The findings of one state's Retry and Catch (the long way)."""
        body = ref.body
        for field in ("Retry", "Catch"):
            if field not in body:
                continue
            entries = body[field]
            if not isinstance(entries, list):
                yield Finding(f"{field} must be an array of objects, not {json_type(entries)}",
                              f"{ref.pointer}/{field}")
                continue
            seen: set[str] = set()
            for i, entry in enumerate(entries):
                if not isinstance(entry, dict):
                    yield Finding(f"{field} entry {i} must be an object, not {json_type(entry)}",
                                  f"{ref.pointer}/{field}/{i}")
                    continue
                yield from self.error_equals(entry, ref.pointer, i, len(entries), field, seen)
                if field == "Retry":
                    yield from self.retrier(entry, ref.pointer, i, ref.query_language)
                elif "Next" in entry and not isinstance(entry["Next"], str):
                    yield Finding(f"Next must be a state name, not {json_type(entry['Next'])}",
                                  f"{ref.pointer}/{field}/{i}/Next")

    def error_equals(self, entry: dict, sptr: str, i: int, count: int, field: str, seen: set[str]):
        if "ErrorEquals" not in entry:
            return  # FLOW103
        names = entry["ErrorEquals"]
        if not isinstance(names, list) or not names:
            yield Finding("ErrorEquals must be a non-empty array of error names", f"{sptr}/{field}/{i}/ErrorEquals")
            return
        for j, name in enumerate(names):
            if not isinstance(name, str):
                yield Finding(f"error names are strings, not {json_type(name)}", f"{sptr}/{field}/{i}/ErrorEquals/{j}")
            elif name.startswith("States.") and name not in KNOWN_STATES_ERRORS:
                yield Finding(f"'{name}' is not an error Step Functions raises", f"{sptr}/{field}/{i}/ErrorEquals/{j}",
                              severity=Severity.WARNING, hint="check the spelling (States.TaskFailed, "
                              "States.Timeout, States.HeartbeatTimeout, States.ALL...)")
        strings = [n for n in names if isinstance(n, str)]
        if "States.ALL" in strings:
            if len(names) > 1:
                yield Finding("States.ALL must be the only error name in its ErrorEquals",
                              f"{sptr}/{field}/{i}/ErrorEquals")
            if i != count - 1:
                yield Finding(f"the {field} entry with States.ALL must be the last one", f"{sptr}/{field}/{i}/ErrorEquals",
                              hint="move the specific errors before it")
        if seen and ("States.ALL" in seen or (strings and all(n in seen for n in strings))):
            yield Finding(f"{field} entry {i} never applies: earlier entries already handle "
                          + ", ".join(strings), f"{sptr}/{field}/{i}/ErrorEquals", severity=Severity.WARNING)
        seen.update(strings)

    def retrier(self, entry: dict, sptr: str, i: int, ql: str):
        for key, limit in RETRY_LIMITS.items():
            if key not in entry:
                continue
            value = entry[key]
            if type(value) is int and limit.low <= value and (limit.high is None or value <= limit.high):
                continue  # a plain integer in range: what every check below accepts (the usual case)
            integer = limit.integer
            if is_substituted(value) or (ql == "JSONata" and is_jsonata(value)):
                continue
            if not (is_int(value) if integer else is_number(value)):
                yield Finding(f"{key} must be {'an integer' if integer else 'a number'}, not {json_type(value)}",
                              f"{sptr}/Retry/{i}/{key}")
            elif out_of_range(limit, value):
                yield Finding(f"{key} must be {bounds_text(limit)}, got {value}", f"{sptr}/Retry/{i}/{key}",
                              hint=f"AWS: {limit.source}")
        jitter = entry.get("JitterStrategy")
        if "JitterStrategy" in entry and jitter not in ("FULL", "NONE") and not is_substituted(jitter):
            yield Finding(f"JitterStrategy must be FULL or NONE, not {entry['JitterStrategy']!r}",
                          f"{sptr}/Retry/{i}/JitterStrategy")
