"""JSONPath-mode data flow: payload templates and InputPath / ResultPath / OutputPath.

Payload templates are the shape shared by Parameters, ResultSelector, ItemSelector and
Assign (state, Catcher and Choice rule): a key ending in ``.$`` takes a path or an
intrinsic and loses the suffix; everything else is copied as written.

The three path fields distinguish *absent* (the default ``$``) from JSON ``null``, so
callers should pass ``state.get("InputPath", "$")``: ``null`` InputPath and OutputPath
give ``{}``, ``null`` ResultPath discards the result and keeps the input (AWS guide,
"Processing input and output", InputPath/ResultPath/OutputPath sections).

A path that finds nothing fails with ``States.Runtime`` (the service reports
"The JSONPath ... could not be found in the input"), an unusable ResultPath with
``States.ResultPathMatchFailure``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import intrinsics, jsonpath, messages
from .errors import RUNTIME, StatesError

__all__ = ["apply_input_path", "apply_output_path", "apply_result_path", "render_template", "resolve"]

_SUFFIX = ".$"


def resolve(expression: str, data: Any, *, context: Any = None,
            variables: Mapping[str, Any] | None = None, field: str | None = None) -> Any:
    """The value of one ``.$`` expression (a path or an intrinsic call)."""
    where = f" specified for the field '{field}'" if field else ""
    if intrinsics.is_intrinsic(expression):
        try:
            return intrinsics.evaluate(expression, data, context=context, variables=variables)
        except jsonpath.PathNotFound as err:
            raise StatesError(RUNTIME, messages.intrinsic_path_not_found(expression, data, err.cause)) from None
        except intrinsics.IntrinsicSyntaxError as err:
            raise StatesError(RUNTIME, f"The value '{expression}'{where} is not a valid JSONPath or "
                                       f"intrinsic function: {err}") from None
    try:
        return jsonpath.evaluate(expression, data, context=context, variables=variables)
    except jsonpath.PathNotFound:
        # a `$$` path searches the context object, and the service quotes that as "the input"
        searched = context if expression.startswith("$$") else data
        raise StatesError(RUNTIME, messages.path_not_found(expression, field, searched)) from None
    except (jsonpath.PathSyntaxError, intrinsics.IntrinsicSyntaxError) as err:
        raise StatesError(RUNTIME, f"The value '{expression}'{where} is not a valid JSONPath or "
                                   f"intrinsic function: {err}") from None


def render_template(template: Any, data: Any, *, context: Any = None,
                    variables: Mapping[str, Any] | None = None) -> Any:
    """Expand a JSONPath payload template against ``data`` (nested objects and arrays too)."""
    if isinstance(template, dict):
        out: dict[str, Any] = {}
        for key, value in template.items():
            if key.endswith(_SUFFIX):
                if not isinstance(value, str):
                    raise StatesError(RUNTIME, f"The value for the field '{key}' must be a STRING that contains "
                                               f"a JSONPath but was {type(value).__name__}")
                out[key[:-len(_SUFFIX)]] = resolve(value, data, context=context, variables=variables, field=key)
            else:
                out[key] = render_template(value, data, context=context, variables=variables)
        return out
    if isinstance(template, list):
        return [render_template(item, data, context=context, variables=variables) for item in template]
    return template


def apply_input_path(data: Any, input_path: str | None = "$", *, context: Any = None,
                     variables: Mapping[str, Any] | None = None) -> Any:
    """The state's effective input: ``null`` gives ``{}``."""
    if input_path is None:
        return {}
    if input_path == "$":
        return data
    return resolve(input_path, data, context=context, variables=variables, field="InputPath")


def apply_result_path(raw_input: Any, result: Any, result_path: str | None = "$") -> Any:
    """Combine the state's raw input and its result: ``null`` keeps the input untouched."""
    if result_path is None:
        return raw_input
    if result_path == "$":
        return result
    try:
        return jsonpath.set_at(raw_input, result_path, result)
    except jsonpath.PathSyntaxError as err:
        raise StatesError(RUNTIME, f"Invalid ResultPath '{result_path}': {err}") from None


def apply_output_path(output: Any, output_path: str | None = "$", *, context: Any = None,
                      variables: Mapping[str, Any] | None = None) -> Any:
    """The state's output after OutputPath: ``null`` gives ``{}``."""
    if output_path is None:
        return {}
    if output_path == "$":
        return output
    return resolve(output_path, output, context=context, variables=variables, field="OutputPath")
