"""JSONata for JSONata-mode states: `{% %}` templates evaluated with `$states` and workflow variables.

Uses the pure-Python `jsonata` package (jsonata-python), which flowc vendors into the generated app only
when a workflow uses JSONata. Semantics follow Step Functions: a string that is exactly `{% expr %}` is an
expression, every other string is literal; objects and arrays are evaluated member by member; `$states`
holds `input`, `context` and, where the state has them, `result` and `errorOutput`; variables are bound by
name. An evaluation failure, or an expression that evaluates to nothing, is `States.QueryEvaluationError`
(jsonata-python returns None for both JSON null and "undefined"; both fail, as on the ASL interpreter).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from .semantics import StatesError, errors, messages

OPEN, CLOSE = "{%", "%}"


def is_expression(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(OPEN) and value.endswith(CLOSE) and len(value) >= 4


def body(expression: str) -> str:
    return expression[2:-2].strip()


@functools.lru_cache(maxsize=2048)
def _compiled(text: str) -> Any:
    import jsonata  # vendored into the app when a workflow uses JSONata

    return jsonata.Jsonata(text)


def _plain(value: Any) -> Any:
    """jsonata-python's sequences and numbers as plain JSON values (as Step Functions hands them on)."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str))


def evaluate(expression: str, states: Mapping[str, Any], variables: Mapping[str, Any] | None = None,
             field: str | None = None) -> Any:
    """The value of one `{% expr %}` string (`field`: the ASL field it is in, for the message)."""
    text = body(expression)
    bindings: dict[str, Any] = dict(variables or {})
    bindings["states"] = dict(states)
    try:
        compiled = _compiled(text)
    except Exception as err:
        raise StatesError(errors.QUERY_EVALUATION_ERROR,
                          f"The JSONata expression '{text}' is not valid: {err}") from None
    try:
        value = compiled.evaluate(None, bindings)
    except StatesError:
        raise
    except Exception as err:  # jsonata raises its own JException and Python errors alike
        raise StatesError(errors.QUERY_EVALUATION_ERROR, messages.jsonata_failed(text, field, err)) from None
    if value is None:
        raise StatesError(errors.QUERY_EVALUATION_ERROR, messages.jsonata_undefined(text, field))
    return _plain(value)


def render(template: Any, states: Mapping[str, Any], variables: Mapping[str, Any] | None = None,
           field: str | None = None) -> Any:
    """A JSONata-mode field (Arguments, Output, Assign, Items...) evaluated against `$states`."""
    if isinstance(template, str):
        return evaluate(template, states, variables, field) if is_expression(template) else template
    if isinstance(template, dict):
        return {k: render(v, states, variables, field) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, states, variables, field) for v in template]
    return template


def condition_evaluator(states_base: Mapping[str, Any], variables: Mapping[str, Any] | None):
    """The `jsonata_eval(condition, data)` callback `choice.select_rule` wants."""
    def run(condition: str, data: Any) -> Any:
        return evaluate(condition, {**states_base, "input": data}, variables, "Condition")
    return run
