"""ASL JSON values -> AST value nodes, choosing the spelling that reads best and still compiles back exactly.

A JSONPath payload template `{"id.$": "$.order.id"}` becomes `{ id: $.order.id }`; a JSONata string
`"{% $x + 1 %}"` becomes the JSONata token. Every such rewrite is checked by parsing the printed token
back (`dsl.parser.parse_with_start(..., "value")`): when the `.flow` lexer would read it differently (a
path with a space, an intrinsic with odd quoting) the value is kept literally instead (`"id.$": "..."`),
which the emitter writes unchanged. So a value never changes meaning on the way through.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from flowc.dsl import ast
from flowc.dsl.diagnostics import Span

SPAN = Span("<import>", 1, 1, 1, 1)
_PATH = re.compile(r"\$\$?(?:[A-Za-z0-9_\-.*@\u00a0-\uffff]|\[(?:[^\[\]]|\[[^\[\]]*\])*\])*")


def lit(value: Any) -> ast.LiteralValue:
    return ast.LiteralValue(span=SPAN, value=value)


@lru_cache(maxsize=4096)
def _reads_back(text: str, kind: str) -> bool:
    """Whether `text` parses, alone, as a value node of `kind` with exactly this text."""
    from flowc.dsl.diagnostics import FlowError
    from flowc.dsl.parser import parse_with_start

    try:
        node = parse_with_start(text, "<import>", "value")
    except FlowError:
        return False
    return getattr(node, "kind", None) == kind and getattr(node, "text", None) == text


def path(text: Any) -> ast.PathValue | None:
    """A JSONPath as its own token, or None when the `.flow` lexer cannot read it as one."""
    if isinstance(text, str) and _PATH.fullmatch(text) and _reads_back(text, "path"):
        return ast.PathValue(span=SPAN, text=text)
    return None


def intrinsic(text: str) -> ast.IntrinsicValue | None:
    if text.startswith("States.") and _reads_back(text, "intrinsic"):
        return ast.IntrinsicValue(span=SPAN, text=text)
    return None


def jsonata(text: Any) -> ast.JsonataValue | None:
    if (isinstance(text, str) and text.startswith("{%") and text.endswith("%}") and len(text) >= 4
            and "%}" not in text[2:-2] and _reads_back(text, "jsonata")):
        return ast.JsonataValue(span=SPAN, text=text)
    return None


def dynamic(text: Any) -> ast.PathValue | ast.IntrinsicValue | None:
    """The value of a `key.$` entry (or an `...Path` field): a path or an intrinsic function call."""
    if not isinstance(text, str):
        return None
    return path(text) or intrinsic(text)


def literal(value: Any) -> Any:
    """Plain JSON, nothing evaluated (Result, a JSONPath Items array, ...)."""
    if isinstance(value, dict):
        return ast.ObjectValue(span=SPAN, items=[_item(k, literal(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ast.ArrayValue(span=SPAN, items=[literal(v) for v in value])
    return lit(value)


def template(value: Any) -> Any:
    """A JSONPath payload template (Parameters, ResultSelector, ItemSelector, Assign...)."""
    if isinstance(value, dict):
        items = []
        keys = set(value)
        for k, v in value.items():
            node = dynamic(v) if k.endswith(".$") and len(k) > 2 and k[:-2] not in keys else None
            if node is not None:
                items.append(_item(k[:-2], node))
            elif k.endswith(".$"):
                items.append(_item(k, lit(v) if not isinstance(v, (dict, list)) else literal(v)))
            else:
                items.append(_item(k, template(v)))
        return ast.ObjectValue(span=SPAN, items=items)
    if isinstance(value, list):
        return ast.ArrayValue(span=SPAN, items=[template(v) for v in value])
    return lit(value)


def jsonata_payload(value: Any) -> Any:
    """A JSONata-state value: plain JSON whose strings may be `{% %}` expressions."""
    if isinstance(value, dict):
        return ast.ObjectValue(span=SPAN, items=[_item(k, jsonata_payload(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ast.ArrayValue(span=SPAN, items=[jsonata_payload(v) for v in value])
    return jsonata(value) or lit(value)


def payload(value: Any, ql: str) -> Any:
    return jsonata_payload(value) if ql == "JSONata" else template(value)


def _item(key: str, node: Any) -> ast.ObjectItem:
    return ast.ObjectItem(key=key, key_span=SPAN, value=node)
