"""Record, the frozen slotted base of the JSONPath and intrinsic parse trees, behaves as the
`@dataclass(frozen=True, slots=True)` it replaced: equal fields <=> equal objects, hash consistent with
equality, fields left out of equality ignored, frozen, repr, defaults, copy and pickle."""

from __future__ import annotations

import copy
import dataclasses
import pickle
from typing import Any, ClassVar

import pytest
from flowc.targets.runtime import intrinsics, jsonpath
from flowc.targets.runtime._record import Record, field, record
from hypothesis import given
from hypothesis import strategies as st


@record
class Base(Record):
    offset: int = field(compare=False)
    flag: ClassVar[bool] = True


@record
class Pair(Base):
    left: Any = None
    right: Any = 0
    flag: ClassVar[bool] = False


@record
class Other(Base):
    left: Any = None
    right: Any = 0


@dataclasses.dataclass(frozen=True, slots=True)
class DPair:
    """The dataclass `Pair` stands for: the reference behaviour."""

    offset: int = dataclasses.field(compare=False)
    left: Any = None
    right: Any = 0


values = st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=2), st.tuples(st.integers(0, 2)))


@given(values, values, values, values, st.integers(0, 5), st.integers(0, 5))
def test_equality_and_hash_follow_the_dataclass(l1, r1, l2, r2, o1, o2):
    a, b = Pair(o1, l1, r1), Pair(o2, left=l2, right=r2)
    da, db = DPair(o1, l1, r1), DPair(o2, left=l2, right=r2)
    assert (a == b) == (da == db) == ((l1, r1) == (l2, r2))  # offset is not compared
    assert (a != b) == (da != db)
    if a == b:
        assert hash(a) == hash(b)
    assert hash(a) == hash(da)  # the same hash as the dataclass: hash of the compared fields
    assert repr(a) == repr(da).replace("DPair", "Pair")
    assert a != Other(o1, l1, r1)  # another class never compares equal, even with equal fields
    assert a != (o1, l1, r1)


@given(values, values, st.integers(0, 5))
def test_frozen_copy_and_pickle(left, right, offset):
    a = Pair(offset, left, right)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.left = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        del a.right
    for clone in (copy.copy(a), copy.deepcopy(a), pickle.loads(pickle.dumps(a))):
        assert type(clone) is Pair and clone == a and clone.offset == a.offset


def test_fields_defaults_and_class_variables():
    assert Pair._fields == Pair.__match_args__ == ("offset", "left", "right")
    assert Pair.__slots__ == ("left", "right") and Base.__slots__ == ("offset",)
    assert Pair(1).left is None and Pair(1).right == 0 and Pair(1, right=5).right == 5
    assert Pair.flag is False and Base.flag is True and "flag" not in Pair._fields
    assert not hasattr(Pair(1), "__dict__")
    assert type(Pair) is type  # a plain class: isinstance against it stays on the interpreter's fast path
    with pytest.raises(TypeError):
        Pair()  # offset has no default
    with pytest.raises(TypeError):
        Pair(1, 2, 3, 4)
    with pytest.raises(TypeError):
        Pair(1, 2, left=3)
    with pytest.raises(TypeError):
        Pair(1, colour=3)
    with pytest.raises(TypeError):
        @record
        class Bad(Record):  # a field without a default after one with, as dataclass refuses
            a: int = 0
            b: int


def test_match_args():
    match Pair(0, "x", 2):
        case Pair(_, "x", right):
            assert right == 2
        case _:
            pytest.fail("no match")


@given(st.sampled_from(["$.a.b", "$.a[0]", "$..x", "$.a[?(@.b > 1)]", "$.a[1:2]", "$['a','b']", "$$.Map.Item",
                        "$.a[*]", "$.a[(@.length-1)]", "$v.x"]))
def test_parsed_paths_equal_and_hash_as_before(text):
    first = jsonpath.parse_path(text)
    jsonpath._cached.cache_clear()  # parse again, not the cached object
    again = jsonpath.parse_path(text)
    assert first == again and hash(first) == hash(again) and first is not again
    assert pickle.loads(pickle.dumps(first)) == first


def test_intrinsic_offsets_are_not_compared():
    one = intrinsics.Literal("x", 1)
    assert one == intrinsics.Literal("x", 9) and hash(one) == hash(intrinsics.Literal("x", 9))
    assert one != intrinsics.Literal("y", 1)
    call = intrinsics.parse_intrinsic("States.Format('x {}', $.a)")
    assert call.name == "States.Format"
    assert call == intrinsics.Call("States.Format", (intrinsics.Literal("x {}", 0, ("x ", "")), intrinsics.PathArg(
        jsonpath.parse_path("$.a"), 0)), 0)
