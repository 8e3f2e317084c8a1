"""Per-state rules run by state *shape*: a state found clean vouches for every state of its shape.

A large definition repeats a few states over and over (thousands of Tasks with the same fields, retriers and
catchers). The per-state rules (FLOW102, 103, 109, 110, 111, 209, 304) each declare in `READS` every field whose
value their `state` code looks at, even only at its type: field -> the value types whose *type* is all the
rule asks about (an empty tuple: the rule reads the value, whatever it is). Of the other fields a rule reads
the presence alone. Two states with the same layout (Type, query language and keys: `AslDocument.layouts`,
shared by the rules) and the same JSON text of the read values (or, for a type-only field, the same allowed
type) give the rule the same verdict, so the rule's own `state` code runs once for a shape that is clean and on
every state of a shape that is not (its findings name the state). Findings keep the order of the long way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

from flowc.compiler.asldoc import AslDocument, StateRef

#: a spec: the read fields of a layout with values (content) and with allowed types (type-only)
Spec = tuple[tuple[str, ...], tuple[tuple[str, tuple[type, ...]], ...]]
#: layouts of at most this many states are decided state by state: finding their shapes (a JSON text per read
#: value) costs more than deciding each (in a typical hand-written definition most layouts have one state)
FEW = 2
#: (rule code, layout) -> (the rule's READS, the layout's spec for it)
_SPECS: dict[tuple[str, tuple], tuple[dict, Spec]] = {}
_BODY = attrgetter("body")


def _spec(code: str, layout: tuple, reads: dict[str, tuple[type, ...]]) -> Spec:
    """What a rule with these READS reads of a layout's fields (once per rule and layout)."""
    cached = _SPECS.get((code, layout))
    if cached is not None and cached[0] is reads:
        return cached[1]
    if len(_SPECS) >= 4096:  # stay bounded in a long-lived process (the language server)
        _SPECS.clear()
    keys = layout[2]
    spec = (tuple(k for k in keys if k in reads and not reads[k]), tuple((k, reads[k]) for k in keys if reads.get(k)))
    _SPECS[code, layout] = (reads, spec)
    return spec


def by_shape(doc: AslDocument, code: str, reads: dict[str, tuple[type, ...]],
             state: Callable[[StateRef], Iterable[Any]]) -> Iterator[Any]:
    """What `state(ref)` yields for every state of `doc`, in state order, with the states of a shape already
    found clean skipped."""
    states = doc.states()
    pending: list[tuple[int, list | None]] = []  # (state index, its findings when already known)
    for layout, members in doc.layouts():
        if len(members) <= FEW:  # the long way: cheaper than telling shapes apart (most layouts of a small file)
            pending.extend((i, None) for i in members)
            continue
        spec = _spec(code, layout, reads)
        if not spec[0] and not spec[1]:  # the layout alone decides: one state speaks for all
            found = list(state(states[members[0]]))
            if found:
                pending.append((members[0], found))
                pending.extend((i, None) for i in members[1:])
            continue
        keys = shapes(doc, layout, members, spec)
        if None not in keys:  # (the usual case) each shape's first state speaks for the shape
            for shape, first in dict(zip(reversed(keys), reversed(members), strict=True)).items():
                found = list(state(states[first]))
                if found:
                    pending.append((first, found))
                    pending.extend((i, None) for i, key in zip(members, keys, strict=True)
                                   if key == shape and i != first)
            continue
        clean: set = set()
        for i, shape in zip(members, keys, strict=True):
            if shape is not None and shape in clean:
                continue
            found = list(state(states[i]))
            if found:
                pending.append((i, found))
            elif shape is not None:
                clean.add(shape)
    if len(pending) > 1:
        pending.sort(key=itemgetter(0))
    for i, found in pending:
        yield from (found if found is not None else state(states[i]))


def shapes(doc: AslDocument, layout: tuple, members: list[int], spec: Spec) -> list[Any]:
    """Per state of a layout, what a rule with this spec reads of it (computed once per document and spec:
    several rules read the same fields): for each type-only field its type, unless it is a string in every
    state; for the other read fields their values when each is one string, else their JSON text. None where
    that could stand for two values a rule tells apart: a type-only field of another type, or a text with null
    (orjson writes NaN and the infinities as null too); datetimes and subclasses (which orjson would write as a
    string and as their base) and what JSON cannot hold make orjson raise. (A str subclass passes for a str, as
    the rules' isinstance tests take it.)

    Each step maps over all the states of the layout at once: no Python code runs per state unless a state is
    one of those exceptions."""
    memo = doc.memo.setdefault("shapes", {})
    key = (layout, spec)
    found = memo.get(key)
    if found is not None:
        return found
    content, typed = spec
    columns: list[list] = []  # per field that tells states apart, its value per state
    for field, allowed in typed:
        column = _column(doc, layout, members, field, allowed)
        if column is not None:
            columns.append(column)
    # (one column per field, shared by the rules that read it: two states have equal JSON texts of the read
    # values together exactly when they have equal texts field by field, each text being whole JSON)
    columns.extend(_column(doc, layout, members, field, None) for field in content)
    if not columns:
        found = [()] * len(members)
    elif len(columns) == 1:
        found = columns[0]
    else:
        found = list(zip(*columns, strict=True))
        if any(None in column for column in columns):
            found = [None if None in row else row for row in found]
    memo[key] = found
    return found


def _column(doc: AslDocument, layout: tuple, members: list[int], field: str, allowed: tuple[type, ...] | None
            ) -> list | None:
    """Per state of a layout, what tells its `field` apart: with `allowed` (a type-only field) its type, or None
    when it is a string in every state; else the value when it is a string in every state, or its JSON text.
    Once per document, layout and field: several rules read the same fields (Retry, Resource...)."""
    memo = doc.memo.setdefault("columns", {})
    key = (layout, field, allowed)
    if key in memo:
        return memo[key]
    states = doc.states()
    values = list(map(itemgetter(field), map(_BODY, map(states.__getitem__, members))))
    column: list | None
    if allowed is not None:
        if str in allowed and _strings(values):
            column = None  # a string everywhere: nothing to tell apart
        else:
            types = list(map(type, values))
            column = types if set(allowed).issuperset(types) else [t if t in allowed else None for t in types]
    else:
        column = values if _strings(values) else _texts(values)
    memo[key] = column
    return column


def _strings(values: list) -> bool:
    """Whether every value is a string (one join, in C)."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


def _texts(values: list) -> list[str | None]:
    """Each value's JSON text, decoded as soon as it is written: the bytes orjson returns keep the 4 KiB buffer
    they were written into, so a column of them held ~28 MB at 10,000 states, and taking that much fresh memory
    cost more than the writing (15 ms against 2 for 7,000 values); a str of each is its own size."""
    import orjson

    write = partial(orjson.dumps, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS
                    | orjson.OPT_PASSTHROUGH_DATACLASS)
    try:
        texts: list[str | None] = list(map(bytes.decode, map(write, values)))
    except TypeError:
        texts = [_write_or_none(write, value) for value in values]
    if "null" in "".join(t for t in texts if t is not None):
        texts = [None if t is None or "null" in t else t for t in texts]
    return texts


def _write_or_none(write: Callable[[Any], bytes], value: Any) -> str | None:
    try:
        return write(value).decode()
    except TypeError:
        return None


def verdicts(doc: AslDocument, code: str, reads: dict[str, tuple[type, ...]], decide: Callable[[StateRef], Any],
             kinds: Iterable[str | None] | None = None) -> list[tuple[StateRef, Any]]:
    """(state, verdict) for every state (of a Type in `kinds`, when given) whose `decide(ref)` is truthy, in state
    order, with `decide` called once per shape (see `by_shape`; `reads` as there): for the rules whose findings
    are many but whose verdicts are few (FLOW504 on every Lambda task). `decide` may look at the layout and the
    read fields only; the rule words each finding from the verdict and the state's name and pointer."""
    states = doc.states()
    wanted = None if kinds is None else frozenset(kinds)
    found: list[tuple[int, Any]] = []
    for layout, members in doc.layouts():
        if wanted is not None and layout[0] not in wanted:
            continue
        if len(members) <= FEW:  # the long way (see by_shape)
            found.extend((i, verdict) for i in members if (verdict := decide(states[i])))
            continue
        spec = _spec(code, layout, reads)
        if not spec[0] and not spec[1]:  # the layout alone decides
            verdict = decide(states[members[0]])
            if verdict:
                found.extend((i, verdict) for i in members)
            continue
        keys = shapes(doc, layout, members, spec)
        if None not in keys:  # (the usual case) each shape's first state decides for the shape
            decided = {shape: decide(states[first])
                       for shape, first in dict(zip(reversed(keys), reversed(members), strict=True)).items()}
            if any(decided.values()):
                found.extend((i, verdict) for i, verdict in zip(members, map(decided.__getitem__, keys), strict=True)
                             if verdict)
            continue
        known: dict[Any, Any] = {}
        for i, shape in zip(members, keys, strict=True):
            if shape is None:
                verdict = decide(states[i])
            else:
                verdict = known.get(shape, _UNKNOWN)
                if verdict is _UNKNOWN:
                    verdict = known[shape] = decide(states[i])
            if verdict:
                found.append((i, verdict))
    if len(doc.layouts()) > 1:
        found.sort(key=itemgetter(0))
    return [(states[i], verdict) for i, verdict in found]


_UNKNOWN = object()
