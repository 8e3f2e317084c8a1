"""The key order of a written `.asl.json`, without a pydantic round trip.

`EmitResult.to_json` used to validate the whole definition with the ASL models
and dump it again, only to put every key in model declaration order (~0.2 s and
a ~0.1 s import for 10,000 states). This module reaches the same result from a
table of the models' shapes (`asl_shapes.json`, derived from
`flowc.targets.asl.models` and checked against them by a test; `python -m
flowc.targets.asl.canonical` rewrites it).

`canonical(definition)` returns the reordered definition only when it can show
that the models would accept the definition and dump it unchanged apart from key
order: every model-typed dict has only known ASL names, its required fields, and
values of exactly the declared types; free-form (`Any`) values are plain JSON
(dict with str keys, list, str, int, finite float, bool, None). Anything else
returns None and the caller falls back to the models, so invalid or unusual
shapes behave exactly as before (the models reject -> the plain dict is written).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

SHAPES = Path(__file__).with_name("asl_shapes.json")
ROOT = "StateMachine"
_INT_LIMIT = 2**63  # typed integers beyond int64 are left to the models
_LAYOUTS = 4096  # key layouts remembered per model
_COMPILE_AFTER = 128  # uses of an in-order layout after which its check is compiled (~200 uses pay for it)


class _Reject(Exception):
    """The definition is outside what the fast path can vouch for."""


# -- the shape table, derived from the models -------------------------------------------------------------

def build_shapes() -> dict[str, Any]:
    """Model name -> {"fields": {ASL name: [type alternatives]}, "required": [...]}, in declaration order.

    Alternatives: "str" | "int" | "float" | "bool" | "null" | "any" | "states" (a States map of
    discriminated states) | ["lit", value...] | ["list", alternative...] | ["model", name].
    """
    import types
    import typing

    from flowc.targets.asl import models
    from pydantic import BaseModel
    from pydantic.types import Strict

    names = {cls: name for name, cls in {**models.STATE_MODELS, **models.STRUCTURE_MODELS}.items()}

    def alternatives(annotation: Any) -> list[Any]:
        origin = typing.get_origin(annotation)
        if origin is typing.Union or origin is types.UnionType:
            out: list[Any] = []
            for arg in typing.get_args(annotation):
                out.extend(alternatives(arg))
            return out
        if origin is typing.Annotated:
            base, *meta = typing.get_args(annotation)
            if any(getattr(m, "discriminator", None) == "type" for m in meta):
                return ["state"]
            if not any(isinstance(m, Strict) for m in meta):
                raise TypeError(f"unsupported annotation {annotation!r}")
            return alternatives(base)
        if annotation is Any:
            return ["any"]
        if annotation is type(None):
            return ["null"]
        if annotation in (str, int, float, bool):
            return [annotation.__name__]
        if origin is typing.Literal:
            values = typing.get_args(annotation)
            if not all(isinstance(v, str) for v in values):
                raise TypeError(f"unsupported literal {annotation!r}")
            return [["lit", *values]]
        if origin is list:
            (item,) = typing.get_args(annotation)
            return [["list", *alternatives(item)]]
        if origin is dict:
            key, value = typing.get_args(annotation)
            if key is not str or alternatives(value) != ["state"]:
                raise TypeError(f"unsupported mapping {annotation!r}")
            return ["states"]
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return [["model", names[annotation]]]
        raise TypeError(f"unsupported annotation {annotation!r}")

    table: dict[str, Any] = {}
    for cls, name in names.items():
        fields: dict[str, Any] = {}
        required: list[str] = []
        for field_name, info in cls.model_fields.items():
            alias = info.alias or field_name
            annotation = info.annotation
            if info.metadata:  # `StrictStr` on a required field lands in the metadata
                if not all(isinstance(m, Strict) for m in info.metadata):
                    raise TypeError(f"{name}.{alias}: unsupported metadata {info.metadata!r}")
                annotation = typing.Annotated[annotation, *info.metadata]
            fields[alias] = alternatives(annotation)
            if info.is_required():
                required.append(alias)
        table[name] = {"fields": fields, "required": required}
    return table


@cache
def shapes() -> dict[str, Any]:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


# -- checking and reordering ----------------------------------------------------------------------------

Convert = Callable[[Any], Any]  # returns the canonical value, or raises _Reject


_SCALARS = frozenset((str, bool, int, type(None)))  # plain whatever their value


def _plain_json(value: Any) -> bool:
    """A value pydantic dumps unchanged in JSON mode (and that orjson writes like it). Scalars inside a
    container are settled in its loop, without a call each (payload templates hold thousands)."""
    t = type(value)
    if t in _SCALARS:
        return True
    if t is float:
        return math.isfinite(value)
    if t is dict:
        for k, v in value.items():
            if type(k) is not str:
                return False
            if type(v) not in _SCALARS and not _plain_json(v):
                return False
        return True
    if t is list:
        return all(type(v) in _SCALARS or _plain_json(v) for v in value)
    return False


class _Model:
    """One model's fields in declaration order: the types each field takes as they are, and a converter
    for everything else (literals, ranged numbers, nested models, lists, free-form JSON)."""

    __slots__ = ("convert", "index", "layouts", "name", "plain", "required")

    def __init__(self, name: str) -> None:
        self.name = name
        self.index: dict[str, int] = {}
        self.plain: dict[str, frozenset[type]] = {}
        self.convert: dict[str, Convert] = {}
        self.required: frozenset[str] = frozenset()
        #: the keys of a dict as written -> ((key, plain types, converter) in declaration order, and when the
        #: keys were written in that order a check compiled for the layout (`_unchanged_check`), else None);
        #: a large definition repeats a few layouts thousands of times, so each is sorted and checked once.
        #: A dict of an in-order layout (flowc's emitter writes only those) whose values all come back
        #: unchanged is returned as it is, not copied. (One lookup per dict: a tuple's hash is not cached, so
        #: a second table would hash every dict's keys again.)
        self.layouts: dict[tuple, tuple[tuple[tuple[str, frozenset[type], Convert], ...],
                                        Callable[[dict], bool] | None]] = {}

    def _layout(self, written: tuple) -> tuple[tuple[tuple[str, frozenset[type], Convert], ...],
                                               Callable[[dict], bool] | None]:
        try:
            keys = sorted(written, key=self.index.__getitem__)
        except (KeyError, TypeError):  # an unknown name (or a Python field name): leave it to the models
            raise _Reject from None
        if not self.required.issubset(written):
            raise _Reject
        fields = tuple((k, self.plain[k], self.convert[k]) for k in keys)
        entry = fields, (self._counted_check(written, fields) if tuple(keys) == written else None)
        if len(self.layouts) >= _LAYOUTS:  # a long-lived process (the language server): stay bounded
            self.layouts.clear()
        self.layouts[written] = entry
        return entry

    def _counted_check(self, written: tuple, fields: tuple) -> Callable[[dict], bool]:
        """The in-order check as a loop for a layout's first uses; compiled (`_unchanged_check`) only for a
        layout used _COMPILE_AFTER times, so that a small workflow does not pay for compiling."""
        uses = 0

        def unchanged(value: dict) -> bool:
            nonlocal uses
            uses += 1
            if uses >= _COMPILE_AFTER and self.layouts.get(written) is not None:
                check = _unchanged_check(fields)
                self.layouts[written] = fields, check
                return check(value)
            for k, plain, convert in fields:
                v = value[k]
                if type(v) not in plain and convert(v) is not v:
                    return False
            return True

        return unchanged

    def __call__(self, value: Any) -> dict:
        if type(value) is not dict:
            raise _Reject
        written = tuple(value)
        layout, in_order = self.layouts.get(written) or self._layout(written)
        if in_order:
            if in_order(value):  # the usual case: every value comes back as it is
                return value
            for i, (k, plain, convert) in enumerate(layout):
                v = value[k]
                if type(v) in plain:
                    continue
                done = convert(v)
                if done is not v:  # a nested value was reordered: copy (the keys before it came back as they are)
                    out = {key: value[key] for key, _, _ in layout[:i]}
                    out[k] = done
                    for key, plain, convert in layout[i + 1:]:
                        v = value[key]
                        out[key] = v if type(v) in plain else convert(v)
                    return out
            return value
        out = {}
        for k, plain, convert in layout:
            v = value[k]
            out[k] = v if type(v) in plain else convert(v)
        return out


def _unchanged_check(fields: tuple[tuple[str, frozenset[type], Convert], ...]) -> Callable[[dict], bool]:
    """A function, compiled for one in-order layout, answering whether every value of a dict of that layout
    comes back from its converter as it is (so the dict is returned uncopied): the loop's test, field by
    field in the same order, without its unpacking per field (emitted definitions repeat a few layouts
    thousands of times). False sends the dict through the loop, which copies it; the converters are pure,
    so running them again there gives the same values (and a _Reject is raised here as it would be there)."""
    env: dict[str, Any] = {}
    lines = ["def unchanged(value):"]
    for i, (key, plain, convert) in enumerate(fields):
        env[f"K{i}"], env[f"P{i}"], env[f"C{i}"] = key, plain, convert
        lines.append(f"    v = value[K{i}]")
        lines.append(f"    if type(v) not in P{i} and C{i}(v) is not v:")
        lines.append("        return False")
    lines.append("    return True")
    exec("\n".join(lines), env)  # (the code names fields by index only, never by their text)
    return env["unchanged"]


def _plain_types(alts: list[Any]) -> frozenset[type]:
    """Types a field accepts whatever the value (no range, literal or structure to check)."""
    out: set[type] = set()
    for alt in alts:
        if alt == "any":
            out.update((str, bool, int, type(None)))
        elif alt in ("str", "bool", "null"):
            out.add({"str": str, "bool": bool, "null": type(None)}[alt])
    return frozenset(out)


def _converter(alts: list[Any], models: dict[str, _Model]) -> Convert:
    """Check (and for nested models, reorder) a value of one field; raise _Reject if unsure."""
    simple: set[type] = set()
    nullable = False
    literals: set[str] = set()
    others: list[Any] = []
    for alt in alts:
        if alt == "null":
            nullable = True
        elif alt in ("str", "bool"):
            simple.add(str if alt == "str" else bool)
        elif isinstance(alt, list) and alt[0] == "lit":
            literals.update(alt[1:])
        else:
            others.append(alt)
    if others == ["any"] and not simple and not literals:
        def any_value(v: Any) -> Any:
            if not _plain_json(v):
                raise _Reject
            return v
        return any_value
    known = {"int", "float", "states"}
    if any(not ((isinstance(a, str) and a in known) or (isinstance(a, list) and a[0] in ("model", "list")))
           for a in others):
        raise TypeError(f"unsupported alternatives {alts!r}")
    wants_int = "int" in others
    wants_float = "float" in others
    states = "states" in others
    model = next((models[a[1]] for a in others if isinstance(a, list) and a[0] == "model"), None)
    items = next((_converter(a[1:], models) for a in others if isinstance(a, list) and a[0] == "list"), None)
    item_plain = next((_plain_types(a[1:]) for a in others if isinstance(a, list) and a[0] == "list"), frozenset())

    def convert(v: Any) -> Any:
        # Containers first: the values that reach a converter are mostly lists (Retry, Catch, ErrorEquals)
        # and dicts; the types below are disjoint, so the order of the tests does not change any answer.
        t = type(v)
        if t is list:
            if items is None:
                raise _Reject
            for i, x in enumerate(v):  # the list itself when no item changes (as for the dicts of _Model)
                if type(x) not in item_plain:
                    done = items(x)
                    if done is not x:
                        return [*v[:i], done, *(y if type(y) in item_plain else items(y) for y in v[i + 1:])]
            return v
        if t is dict:
            if model is not None:
                return model(v)
            if states:
                return _states(v, models)
            raise _Reject
        if t in simple:
            return v
        if v is None and nullable:
            return v
        if t is str and v in literals:
            return v
        if t is int and wants_int and -_INT_LIMIT <= v < _INT_LIMIT:
            return v
        if t is float and wants_float and math.isfinite(v):
            return v
        raise _Reject

    return convert


_STATE_MODEL = {"Task": "Task", "Pass": "Pass", "Choice": "Choice", "Wait": "Wait", "Succeed": "Succeed",
                "Fail": "Fail", "Parallel": "Parallel", "Map": "Map"}


def _states(value: dict, models: dict[str, _Model]) -> dict:
    out = {}
    same = True
    for name, body in value.items():
        if type(name) is not str or type(body) is not dict:
            raise _Reject
        kind = body.get("Type")
        if type(kind) is not str or kind not in _STATE_MODEL:
            raise _Reject
        done = out[name] = models[kind](body)
        same = same and done is body
    return value if same else out


@cache
def _models() -> dict[str, _Model]:
    table = shapes()
    models = {name: _Model(name) for name in table}
    for name, spec in table.items():
        m = models[name]
        m.index = {alias: i for i, alias in enumerate(spec["fields"])}
        m.required = frozenset(spec["required"])
        m.plain = {alias: _plain_types(alts) for alias, alts in spec["fields"].items()}
        m.convert = {alias: _converter(alts, models) for alias, alts in spec["fields"].items()}
    # A state model is reached only through `_states`, which picks it by the state's Type: there its Type
    # literal holds by construction, so a string Type is taken as it is (no literal check per state).
    for kind in _STATE_MODEL.values():
        if kind in models and table[kind]["fields"].get("Type") == [["lit", kind]]:
            models[kind].plain["Type"] = frozenset({str})
    return models


def canonical(definition: Any) -> dict | None:
    """The definition with every key in model declaration order, or None when only the models can tell."""
    try:
        return _models()[ROOT](definition)
    except _Reject:
        return None
    except RecursionError:
        return None


if __name__ == "__main__":  # pragma: no cover
    SHAPES.write_text(json.dumps(build_shapes(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {SHAPES}")
