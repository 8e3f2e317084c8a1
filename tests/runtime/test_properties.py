"""Property tests: ResultPath round-trips, and parsers that only ever fail with their syntax error."""

from __future__ import annotations

import contextlib
import copy
import random
import string
from typing import Any

from flowc.targets.runtime import errors
from flowc.targets.runtime.intrinsics import IntrinsicSyntaxError, check, parse_intrinsic
from flowc.targets.runtime.intrinsics import evaluate as run_intrinsic
from flowc.targets.runtime.jsonpath import (
    PathSetError,
    PathSyntaxError,
    evaluate,
    json_equal,
    parse_path,
    set_at,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=8)
KEYS = st.sampled_from(["a", "b", "c", "d-e", "f g", "ü", ""])
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=4),
    max_leaves=20,
)
json_objects = st.dictionaries(KEYS, json_values, max_size=5)


def _bracket(key: str) -> str:
    return "['" + key.replace("\\", "\\\\").replace("'", "\\'") + "']"


def _dot_or_bracket(key: str, use_dot: bool) -> str:
    plain = key and all(c.isalnum() or c in "_-" for c in key)
    return f".{key}" if use_dot and plain else _bracket(key)


@FAST
@given(data=json_objects, keys=st.lists(KEYS, max_size=4), dots=st.lists(st.booleans(), min_size=4, max_size=4),
       value=json_values)
def test_set_at_then_evaluate_returns_the_value(data: dict, keys: list[str], dots: list[bool], value: Any) -> None:
    path = "$" + "".join(_dot_or_bracket(k, d) for k, d in zip(keys, dots, strict=False))
    before = copy.deepcopy(data)
    try:
        updated = set_at(data, path, value)
    except PathSetError:
        assert _blocked(data, keys)
        return
    assert not _blocked(data, keys)
    assert json_equal(evaluate(path, updated), value)
    assert json_equal(data, before)  # the input is never mutated


def _blocked(data: Any, keys: list[str]) -> bool:
    """Whether an existing non-object sits where ResultPath needs to descend."""
    node = data
    for key in keys:
        if not isinstance(node, dict):
            return True
        if key not in node:
            return False  # the rest of the path is created
        node = node[key]
    return False


@FAST
@given(data=json_objects, index=st.integers(0, 5), value=json_values)
def test_set_at_array_element(data: dict, index: int, value: Any) -> None:
    doc = {"list": [0] * 3, **{k: v for k, v in data.items() if k != "list"}}
    path = f"$.list[{index}]"
    if index < 3:
        assert evaluate(path, set_at(doc, path, value)) == value
    else:
        try:
            set_at(doc, path, value)
        except PathSetError as err:
            assert err.error == errors.RESULT_PATH_MATCH_FAILURE
        else:
            raise AssertionError("writing past the end of an array must fail")


PATH_ALPHABET = "$@.[]()'\"?*:,-!=<>&|~/ abc019_" + "\\"
DOC = {"a": [{"b": 1, "c": "x"}, {"b": 2}], "b": {"c": [1, 2, 3]}, "c": None, "0": "zero"}


@FAST
@given(text=st.text(alphabet=PATH_ALPHABET, max_size=24).map(lambda s: "$" + s) | st.text(max_size=24))
def test_parse_path_only_raises_path_syntax_error(text: str) -> None:
    try:
        path = parse_path(text)
    except PathSyntaxError as err:
        assert 0 <= err.offset <= len(text)
        return
    try:
        result = evaluate(path, DOC, context=DOC, variables={"a": DOC, "abc": DOC})
    except errors.StatesError:
        return
    if not path.definite:
        assert isinstance(result, list)


INTRINSIC_ALPHABET = "States.FormatArrayLengthUUIDMathAdd()'{}\\$.,-0129 truefalsenull[]*"


@FAST
@given(text=st.text(alphabet=INTRINSIC_ALPHABET, max_size=40).map(lambda s: "States." + s) | st.text(max_size=30))
def test_parse_intrinsic_only_raises_intrinsic_syntax_error(text: str) -> None:
    try:
        call = parse_intrinsic(text)
    except IntrinsicSyntaxError as err:
        assert 0 <= err.offset <= len(text)
        return
    assert all(isinstance(problem, str) for problem in check(call))
    with contextlib.suppress(errors.StatesError):
        run_intrinsic(call, DOC, rng=random.Random(0))


SAFE_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,:;-_!?", max_size=10)


@FAST
@given(parts=st.lists(SAFE_TEXT, min_size=1, max_size=5), values=st.data())
def test_format_interleaves_values(parts: list[str], values: st.DataObject) -> None:
    args = values.draw(st.lists(SAFE_TEXT, min_size=len(parts) - 1, max_size=len(parts) - 1))
    template = "{}".join(parts)
    call = "States.Format(" + ", ".join(["'" + template + "'"] + ["'" + a + "'" for a in args]) + ")"
    expected = parts[0] + "".join(a + p for a, p in zip(args, parts[1:], strict=True))
    assert run_intrinsic(call, {}) == expected
    assert check(call) == []


@FAST
@given(interval=st.integers(1, 100), backoff=st.floats(1.0, 5.0), cap=st.none() | st.integers(1, 500),
       seed=st.integers(0, 2**32))
def test_retry_delays_grow_respect_the_cap_and_jitter_below_it(interval: int, backoff: float, cap: int | None,
                                                             seed: int) -> None:
    retrier: dict[str, Any] = {"IntervalSeconds": interval, "BackoffRate": backoff}
    if cap is not None:
        retrier["MaxDelaySeconds"] = cap
    delays = [errors.retry_delay(retrier, n) for n in range(6)]
    assert delays == sorted(delays)
    if cap is not None:
        assert max(delays) <= cap
    jittered = {**retrier, "JitterStrategy": "FULL"}
    rng = random.Random(seed)
    assert all(0.0 <= errors.retry_delay(jittered, n, rng) <= delays[n] for n in range(6))
