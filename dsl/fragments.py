"""Parse a fragment of `.flow` syntax (a value or a condition) found inside YAML.

The YAML twin reuses the `.flow` grammar for expressions so both front ends
produce the same AST; spans are shifted to where the fragment sits in the YAML.
"""

from __future__ import annotations

from typing import Any

from flowc.dsl import ast
from flowc.dsl.diagnostics import Diagnostic, FlowError, Span
from flowc.dsl.parser import parse_with_start


def _shift(span: Span, base: Span) -> Span:
    if span.line == 1:
        return Span(base.file, base.line, base.col + span.col - 1, base.line, base.col + (span.end_col or 1) - 1)
    return Span(base.file, base.line + span.line - 1, span.col, base.line + (span.end_line or span.line) - 1,
                span.end_col)


def _rebase(node: Any, base: Span) -> None:
    if isinstance(node, list):
        for item in node:
            _rebase(item, base)
        return
    if not isinstance(node, ast.AstModel):
        return
    for name in ast.field_names(node.__class__):
        value = getattr(node, name)
        if isinstance(value, Span):
            setattr(node, name, _shift(value, base))
        else:
            _rebase(value, base)


def parse_fragment(text: str, start: str, base: Span) -> Any:
    """Parse `text` as a `value` or a `condition`; spans point into the enclosing file."""
    try:
        node = parse_with_start(text, base.file, start)
    except FlowError as err:
        raise FlowError([Diagnostic(d.code, d.message, _shift(d.span, base), hint=d.hint) for d in err.diagnostics]
                        ) from None
    _rebase(node, base)
    if start == "value" and isinstance(node, ast.ObjectItem):  # pragma: no cover - grammar never yields this
        raise FlowError([Diagnostic("FLOW100", "expected a value", base)])
    return node
