"""Frozen, slotted value classes without `dataclasses`' per-class code generation.

`@dataclass(frozen=True, slots=True)` execs a generated `__init__`, `__eq__`, `__hash__`, `__setattr__` ...
for every class and then rebuilds the class for its slots: for the ~25 node classes of the JSONPath and
intrinsic parsers that was most of what importing them cost, paid by every `flowc lint` run (issue 14
item 10). `Record` with the `@record` decorator gives the same behaviour (fields from annotations, defaults, fields left out of equality,
equality and hashing by field values of the same class, `repr`, frozen instances, `__match_args__`,
copy/pickle) with methods written once here. Construction goes through one generic `__init__`: slower than
a generated one, but these nodes are built once per parsed text (the parsers are cached), never per
evaluation.
"""

from __future__ import annotations

from typing import Any, ClassVar

_NO_DEFAULT: Any = object()


def record(cls: type) -> type:
    """Class decorator: the class again with slots for its annotated fields, their order, defaults and
    which fields equality ignores, as `dataclass(frozen=True, slots=True)` would (a decorator rather than a
    metaclass, so that `isinstance` against these classes stays on CPython's fast path)."""
    inherited: tuple[str, ...] = ()
    defaults: dict[str, Any] = {}
    uncompared: set[str] = set()
    for base in reversed(cls.__mro__[1:]):
        inherited += tuple(f for f in getattr(base, "_fields", ()) if f not in inherited)
        defaults.update(getattr(base, "_defaults", {}))
        uncompared.update(getattr(base, "_uncompared", ()))
    ns = dict(cls.__dict__)
    ns.pop("__dict__", None)
    ns.pop("__weakref__", None)
    own = [f for f, hint in ns.get("__annotations__", {}).items()
           if not str(hint).startswith(("ClassVar", "typing.ClassVar"))]
    for f in own:
        if f in ns:
            value = ns.pop(f)
            if isinstance(value, _Field):
                if not value.compare:
                    uncompared.add(f)
                value = value.default
            if value is not _NO_DEFAULT:
                defaults[f] = value
    fields = inherited + tuple(f for f in own if f not in inherited)
    seen_default = False
    for f in fields:
        if f in defaults:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f!r} follows default argument")
    ns["__slots__"] = tuple(f for f in own if f not in inherited)
    ns["_fields"] = fields
    ns["_defaults"] = defaults
    ns["_uncompared"] = frozenset(uncompared)
    ns["_compared"] = tuple(f for f in fields if f not in uncompared)
    ns["__match_args__"] = fields
    return type(cls)(cls.__name__, cls.__bases__, ns)


class _Field:
    """What `field(compare=False)` declares: a field left out of equality and hashing."""

    __slots__ = ("compare", "default")

    def __init__(self, default: Any, compare: bool) -> None:
        self.default = default
        self.compare = compare


def field(*, default: Any = _NO_DEFAULT, compare: bool = True) -> Any:
    """A field with options, like `dataclasses.field` (only `default` and `compare`)."""
    return _Field(default, compare)


class Record:
    """Base of the frozen value classes: subclasses declare fields as annotations and are decorated with
    `@record`, like a dataclass."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()
    _defaults: ClassVar[dict[str, Any]] = {}
    _uncompared: ClassVar[frozenset[str]] = frozenset()
    _compared: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} positional arguments "
                            f"but {len(args)} were given")
        setter = object.__setattr__
        for name, value in zip(fields, args, strict=False):
            setter(self, name, value)
        for name, value in kwargs.items():
            if name not in fields:
                raise TypeError(f"{type(self).__name__}() got an unexpected keyword argument {name!r}")
            if fields.index(name) < len(args):
                raise TypeError(f"{type(self).__name__}() got multiple values for argument {name!r}")
            setter(self, name, value)
        if len(args) + len(kwargs) < len(fields):
            defaults = self._defaults
            for name in fields[len(args):]:
                if name not in kwargs:
                    if name not in defaults:
                        raise TypeError(f"{type(self).__name__}() missing required argument: {name!r}")
                    setter(self, name, defaults[name])

    def _key(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._compared])

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._key() == other._key()  # type: ignore[attr-defined]
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({inner})"

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError  # the error a frozen dataclass raised; only on misuse

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), tuple(getattr(self, name) for name in self._fields)
