"""Error causes as Step Functions words them: one table for both local targets.

The ASL interpreter and the SQS-chain runtime build every run-time cause they share from these
functions, so `flowc run --target both` compares behaviour, not wording. The texts are the service's
own (as recorded from AWS executions by LocalStack's snapshot tests, which moto ships); where AWS
documents only the rule (a Fail state's ErrorPath "must select a field that contains a string value"),
the text says that rule.

One difference is the environment's, not the behaviour's: Step Functions prefixes a data-flow error
with the state *and the history event id it was entered at*. An SQS chain keeps no history, so its
prefix names the state only (`located(..., event_id=None)`); `strip_event_id` removes the event id
before two causes are compared.
"""

from __future__ import annotations

import json
import re
from typing import Any

from . import jsonpath
from .errors import (
    INTRINSIC_FAILURE,
    PARAMETER_PATH_FAILURE,
    QUERY_EVALUATION_ERROR,
    RESULT_PATH_MATCH_FAILURE,
    RUNTIME,
)

# Errors the service reports with the "An error occurred while executing the state ..." prefix.
DATAFLOW_ERRORS = frozenset({RUNTIME, INTRINSIC_FAILURE, QUERY_EVALUATION_ERROR, RESULT_PATH_MATCH_FAILURE,
                             PARAMETER_PATH_FAILURE})
_PREFIX = "An error occurred while executing the state"
_EVENT_ID = re.compile(r" \(entered at the event id #\d+\)")


def dumps(value: Any) -> str:
    """JSON text without spaces, the way the service prints values in messages."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def preview(value: Any, limit: int = 200) -> str:
    """A value quoted in a message: compact JSON, cut at `limit` characters like the service."""
    text = dumps(value)
    return text if len(text) <= limit else text[:limit] + "..."


def java_text(value: Any) -> str:
    """How the service prints a value after `==`: strings bare, everything else as JSON."""
    return value if isinstance(value, str) else dumps(value)


def located(error: str, state: str, cause: str, event_id: int | None = None) -> str:
    """The cause of a data-flow error raised in `state`, with the service's prefix (once)."""
    if error not in DATAFLOW_ERRORS or cause.startswith(_PREFIX):
        return cause
    where = f" (entered at the event id #{event_id})" if event_id is not None else ""
    return f"{_PREFIX} '{state}'{where}. {cause}"


def strip_event_id(cause: str) -> str:
    """The cause without the history event id (which only an execution with a history has)."""
    return _EVENT_ID.sub("", cause, count=1) if cause.startswith(_PREFIX) else cause


_CONTEXT_MISS = re.compile(r"^(.*The JSONPath '\$\$[^']*'.* could not be found in the input ').*'$", re.S)
# DescribeExecution fields of a child execution that name or time the deployment, not the behaviour
_EXECUTION_IDENTITY = ("ExecutionArn", "StateMachineArn", "Name", "StartDate", "StopDate")


def comparable(cause: str) -> str:
    """A text cause as two local targets can compare it: no history event id, and for a `$$` path that
    selects nothing, not the context object it quotes (its ARNs and names are the deployment's)."""
    return _CONTEXT_MISS.sub(r"\1<context object>'", strip_event_id(cause))


def comparable_description(data: dict[str, Any]) -> dict[str, Any]:
    """A child execution's DescribeExecution answer (a failed `.sync` task's cause) without its identity:
    names, ARNs and start/stop dates differ between deployments; status, input, output, error and cause
    must not."""
    return {k: ("<" + k + ">" if k in _EXECUTION_IDENTITY else v) for k, v in data.items()}


def _where(field: str | None) -> str:
    return f" specified for the field '{field}'" if field else ""


# Fields whose miss the service reports as an invalid path, with Jayway's normalised path.
_PATH_FIELDS = frozenset({"InputPath", "OutputPath"})


def path_not_found(path: str, field: str | None, searched: Any) -> str:
    """A JSONPath that selects nothing. `searched` is what it was applied to: the effective input for
    `$`, the context object for `$$` (the service quotes that as "the input" too). InputPath/OutputPath
    misses are worded as the service words them (as recorded by LocalStack's snapshot tests)."""
    if field in _PATH_FIELDS:
        return f"Invalid path '{path}' : No results for path: {jayway_path(path)}"
    return f"The JSONPath '{path}'{_where(field)} could not be found in the input '{preview(searched)}'"


def jayway_path(path: str) -> str:
    """`$.a[0].b` as Jayway prints a path: `$['a'][0]['b']` (other paths as written)."""
    try:
        parsed = jsonpath.parse_reference_path(path)
    except (jsonpath.PathSyntaxError, ValueError):
        return path
    parts = [parsed.root]
    for step in parsed.steps:
        key = getattr(step, "key", None)
        parts.append(f"['{key}']" if key is not None else f"[{getattr(step, 'index', '?')}]")
    return "".join(parts)


def intrinsic_path_not_found(call: str, searched: Any, detail: str) -> str:
    """A path inside an intrinsic's arguments that selects nothing."""
    return f"The JSONPath in '{call}' could not be found in the input '{preview(searched)}' ({detail})"


def seconds_not_long(where: str, value: Any) -> str:
    return f"The SecondsPath parameter cannot be parsed as a long value: {where} == {java_text(value)}"


def seconds_negative(where: str, value: Any) -> str:
    return f"The SecondsPath parameter references a negative value: {where} == {java_text(value)}"


def timestamp_invalid(field: str, where: Any, value: Any) -> str:
    """`field` is Timestamp or TimestampPath; `where` what the definition wrote there."""
    return (f"The {field} parameter does not reference a valid ISO-8601 extended offset date-time "
            f"format string: {where} == {java_text(value)}")


def seconds_invalid(value: Any) -> str:
    """A Wait state's Seconds (a JSONata expression) that is not a non-negative integer."""
    return f"The Seconds parameter must be a non-negative integer, got {dumps(value)}"


def wait_path_missing(field: str, path: str) -> str:
    """A Wait state's SecondsPath/TimestampPath that selects nothing."""
    return f"The {field} parameter does not reference an input value: {path}"


def fail_path_not_string(field: str, value: Any) -> str:
    """A Fail state's ErrorPath/CausePath selecting a non-string (States.Runtime; the guide: it "must
    select a field that contains a string value")."""
    return f"The {field} must resolve to a string, got {dumps(value)}"


def jsonata_undefined(expression: str, field: str | None) -> str:
    """A JSONata expression that evaluates to nothing (States.QueryEvaluationError)."""
    return f"The JSONata expression '{expression}'{_where(field)} returned nothing (undefined)."


def jsonata_failed(expression: str, field: str | None, problem: Any) -> str:
    return f"An error occurred while evaluating the JSONata expression '{expression}'{_where(field)}: {problem}"
