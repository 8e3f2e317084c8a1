"""A linear pre-pass over YAML before any loader builds values from it.

Both YAML front ends (`.flow.yaml`, and `.asl.yaml` in lint) run it first. It walks the event stream
(libyaml through PyYAML when available, which is fast; ruamel's pure-Python parser otherwise) and stops
with a located `LimitError` at:

- nesting deeper than `MAX_DOCUMENT_DEPTH` (loaders recurse; Python would overflow first);
- an alias to a node that is still open (a recursive alias: it used to load as `null` or loop);
- aliases whose expansion would add more than `MAX_ALIAS_NODES` nodes (the "billion laughs" bomb:
  2.6 KB of YAML that expands to hundreds of millions of values);
- an integer of more than `MAX_INT_DIGITS` digits, a number that overflows a double, `.inf`/`.nan`.

`blank_comments` drops comments (a comment runs to the end of its line, so every line and every column
before it stays where it was): ruamel's round-trip scanner, which the `.flow.yaml` loader needs for
positions, reads comments one character at a time (a 2 MB comment took 50 s), and comments carry nothing
the loader reads.
"""

from __future__ import annotations

import re
from typing import Any

from flowc.dsl.limits import MAX_ALIAS_NODES, MAX_DOCUMENT_DEPTH, LimitError, check_number, depth_message

_NOT_FINITE = frozenset({".inf", "+.inf", "-.inf", ".nan"})
_NUMBERISH = re.compile(r"[-+]?(?:\d[\d_]*)?(?:\.\d*)?(?:[eE][-+]?\d+)?")


def _pyyaml_loader() -> Any:
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is a core dependency
        return None
    return yaml.CSafeLoader if getattr(yaml, "__with_libyaml__", False) else yaml.SafeLoader


def _events(text: str):
    """Events from PyYAML (libyaml) when it reads the text, else from ruamel (YAML 1.2; reports errors)."""
    loader = _pyyaml_loader()
    if loader is not None:
        import yaml

        try:
            return list(yaml.parse(text, Loader=loader)), "pyyaml"
        except (yaml.YAMLError, RecursionError, ValueError):
            pass
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=True).parse(text), "ruamel"


def _at(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def check_yaml(text: str, *, scalar_keys: bool = False) -> None:
    """Raise LimitError where `text` crosses a bound (and, with `scalar_keys`, where a mapping key is a
    collection); syntax errors are left to the real loader, which reports them its own way."""
    try:
        events, _ = _events(text)
        _walk(events, scalar_keys)
    except LimitError:
        raise
    except RecursionError:  # pragma: no cover - the walk is iterative; a parser might not be
        raise LimitError(depth_message()) from None
    except Exception:  # a syntax error: the loader reports it with its own message and position
        return


def _walk(events: Any, scalar_keys: bool) -> None:
    sizes: dict[str, int] = {}  # anchor -> expanded node count
    open_anchors: set[str] = set()
    stack: list[list] = []  # [anchor, node count so far, is a mapping, children seen]
    added = 0
    for event in events:
        kind = type(event).__name__
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            anchor, size, _, _ = stack.pop()
            if anchor:
                sizes[anchor] = size
                open_anchors.discard(anchor)
            if stack:
                stack[-1][1] += size
            continue
        if kind not in ("MappingStartEvent", "SequenceStartEvent", "ScalarEvent", "AliasEvent"):
            continue
        line, col = _at(event.start_mark)
        if stack:
            parent = stack[-1]
            if scalar_keys and parent[2] and parent[3] % 2 == 0 and kind != "ScalarEvent":
                raise LimitError("a mapping key must be a plain name or string, not a list, mapping or alias",
                                 line, col)
            parent[3] += 1
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            if len(stack) >= MAX_DOCUMENT_DEPTH:
                raise LimitError(depth_message(MAX_DOCUMENT_DEPTH), line, col)
            if event.anchor:
                open_anchors.add(event.anchor)
            stack.append([event.anchor, 1, kind == "MappingStartEvent", 0])
        elif kind == "ScalarEvent":
            if not event.style and event.tag is None and _NUMBERISH.fullmatch(event.value or "x"):
                check_number(event.value.replace("_", ""), line, col)
            elif not event.style and (event.value or "").lower() in _NOT_FINITE:
                raise LimitError(f"{event.value} has no JSON form (ASL numbers are finite)", line, col)
            if event.anchor:
                sizes[event.anchor] = 1
            if stack:
                stack[-1][1] += 1
        else:  # an alias
            if event.anchor in open_anchors:
                raise LimitError(f"alias *{event.anchor} refers to the node that contains it (a recursive "
                                 "alias)", line, col)
            size = sizes.get(event.anchor, 1)
            added += size
            if added > MAX_ALIAS_NODES:
                raise LimitError(f"aliases expand to more than {MAX_ALIAS_NODES:,} nodes (is this a YAML "
                                 "alias bomb?)", line, col)
            if stack:
                stack[-1][1] += size


def blank_comments(text: str) -> str:
    """`text` without its comments; unchanged if the tokenizer cannot read it."""
    if "#" not in text:
        return text
    loader = _pyyaml_loader()
    try:
        if loader is not None:
            import yaml

            tokens = yaml.scan(text, Loader=loader)
            spans = [(t.start_mark.index, t.end_mark.index) for t in tokens]
        else:  # pragma: no cover - without PyYAML the round-trip scanner reads comments itself
            return text
    except Exception:
        return text
    out: list[str] = []
    at = 0
    for start, end in spans:
        if start > at:
            out.append(_blank_gap(text[at:start]))
        if end > at:
            out.append(text[max(at, start):end])
            at = end
    out.append(_blank_gap(text[at:]))
    return "".join(out)


def _blank_gap(gap: str) -> str:
    """Between tokens there is only white space and comments: `#` to the end of its line."""
    if "#" not in gap:
        return gap
    return re.sub(r"#[^\n\r]*", "", gap)
