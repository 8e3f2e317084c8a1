"""ASL data-flow semantics shared by flowc's checker, local interpreter and SQS-chain runtime.

JSONPath and Reference Paths (Jayway semantics), intrinsic functions, payload templates
with Input/Result/OutputPath, Choice rules, the error model with Retry/Catch, and the
context object, all on plain dicts and lists.

This package is copied verbatim into generated Lambda apps: it must stay pure Python
standard library, with only relative imports between its modules.

Choice rules, the context object and payload templates are imported on first use (PEP 562
`__getattr__`): `flowc lint` needs only the path and intrinsic parsers, and a CI run pays
for every module a lint process imports.
"""

from typing import Any

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

_CHOICE = frozenset({"evaluate_rule", "select_next", "select_rule"})
_CONTEXT = frozenset({"build_context", "enter_state", "with_map_item", "with_task_token"})
_PAYLOAD = frozenset({"apply_input_path", "apply_output_path", "apply_result_path", "render_template"})


def __getattr__(name: str) -> Any:
    """The lazily imported names, from their modules (static relative imports: the package is copied)."""
    if name in _CHOICE:
        from . import choice as module
    elif name in _CONTEXT:
        from . import context as module
    elif name in _PAYLOAD:
        from . import payload as module
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value

__all__ = [
    "IntrinsicFailure", "IntrinsicSyntaxError", "JsonPath", "NoChoiceMatched", "PathNotFound", "PathSetError",
    "PathSyntaxError", "RetryTracker", "StatesError", "apply_input_path", "apply_output_path",
    "apply_result_path", "build_context", "enter_state", "error_matches", "evaluate", "evaluate_rule",
    "find_catcher", "find_retrier", "is_intrinsic", "parse_intrinsic", "parse_path", "parse_reference_path",
    "render_template", "retry_delay", "select_next", "select_rule", "set_at", "with_map_item", "with_task_token",
]
