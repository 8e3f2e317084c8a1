"""Plain value classes: what `@dataclass` gave these lint classes, without its per-class code generation.

`@dataclass` builds `__init__`, `__repr__` and `__eq__` from source text and execs it, for every class, at
import: ~2 M instructions a class, and `flowc lint` defined some fifteen of them before linting anything
(issue 14 item 10). The classes on that path write their `__init__` by hand (as fast as a generated one) and
take `__repr__`, `__eq__` and hashing from here, over their `_fields`, exactly as a dataclass has them: the
repr names every field, equality compares the fields of two instances of the same class, a mutable class is
unhashable, a frozen one hashes its fields and refuses assignment.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Plain:
    """Base of a mutable value class: `_fields` in declaration order; `__init__` is the subclass's."""

    _fields: ClassVar[tuple[str, ...]] = ()
    __hash__ = None  # type: ignore[assignment]  # as a dataclass with eq=True and frozen=False

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__qualname__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._field_values() == other._field_values()  # type: ignore[attr-defined]
        return NotImplemented

    def _field_values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])


class Frozen(Plain):
    """Base of a frozen value class: its `__init__` sets fields with `object.__setattr__`."""

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(self._field_values())

    def __setattr__(self, name: str, value: Any) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        from dataclasses import FrozenInstanceError

        raise FrozenInstanceError(f"cannot delete field {name!r}")
