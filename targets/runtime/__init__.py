"""ASL data-flow semantics shared by flowc's checker, local interpreter and SQS-chain runtime.

JSONPath and Reference Paths (Jayway semantics), intrinsic functions, payload templates
with Input/Result/OutputPath, Choice rules, the error model with Retry/Catch, and the
context object, all on plain dicts and lists.

This package is copied verbatim into generated Lambda apps: it must stay pure Python
standard library, with only relative imports between its modules.
"""

from .choice import evaluate_rule, select_next, select_rule
from .context import build_context, enter_state, with_map_item, with_task_token
from .errors import (
    IntrinsicFailure,
    NoChoiceMatched,
    RetryTracker,
    StatesError,
    error_matches,
    find_catcher,
    find_retrier,
    retry_delay,
)
from .intrinsics import IntrinsicSyntaxError, is_intrinsic, parse_intrinsic
from .jsonpath import (
    JsonPath,
    PathNotFound,
    PathSetError,
    PathSyntaxError,
    evaluate,
    parse_path,
    parse_reference_path,
    set_at,
)
from .payload import apply_input_path, apply_output_path, apply_result_path, render_template

__all__ = [
    "IntrinsicFailure", "IntrinsicSyntaxError", "JsonPath", "NoChoiceMatched", "PathNotFound", "PathSetError",
    "PathSyntaxError", "RetryTracker", "StatesError", "apply_input_path", "apply_output_path",
    "apply_result_path", "build_context", "enter_state", "error_matches", "evaluate", "evaluate_rule",
    "find_catcher", "find_retrier", "is_intrinsic", "parse_intrinsic", "parse_path", "parse_reference_path",
    "render_template", "retry_delay", "select_next", "select_rule", "set_at", "with_map_item", "with_task_token",
]
