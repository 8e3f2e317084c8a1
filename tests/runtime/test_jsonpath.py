"""JSONPath parsing and Jayway-style evaluation as Step Functions runs it."""

from __future__ import annotations

import copy

import pytest
from flowc.targets.runtime import errors
from flowc.targets.runtime.jsonpath import (
    JsonPath,
    PathNotFound,
    PathSetError,
    PathSyntaxError,
    evaluate,
    java_compare,
    json_equal,
    parse_path,
    parse_reference_path,
    set_at,
)

STORE = {
    "store": {
        "book": [
            {"category": "reference", "author": "Nigel Rees", "title": "Sayings", "price": 8.95},
            {"category": "fiction", "author": "Evelyn Waugh", "title": "Sword", "price": 12.99},
            {"category": "fiction", "author": "Herman Melville", "title": "Moby Dick", "isbn": "0-553",
             "price": 8.99},
            {"category": "fiction", "author": "J. R. R. Tolkien", "title": "The Lord", "isbn": "0-395",
             "price": 22.99},
        ],
        "bicycle": {"color": "red", "price": 19.95},
    },
    "expensive": 10,
    "foo-bar": {"baz-qux": 1},
    "名前": "値",
    "a b": {"c": 2},
    "it's": 3,
    "empty": [],
    "nums": [0, 1, 2, 3, 4],
    "null": None,
    "nested": [[1, 2], [3, 4, 5]],
    "abc": {"def ghi": 7},
}

# --------------------------------------------------------------------------- syntax

ACCEPTED = [
    "$", "$$", "$var", "$var.field", "$_x[0]", "$$.Execution.Input", "$$.Map.Item.Value",
    "$.store", "$.store.book[0].title", "$['store']['book']", '$["store"]', "$['a b'].c",
    "$.foo-bar.baz-qux", "$.名前", "$.abc.['def ghi']", "$.a.[0]", "$['it\\'s']", "$['a\\u0041']",
    "$.nums[-1]", "$.nums[1:3]", "$.nums[-1:]", "$.nums[:2]", "$.nums[:-1]", "$.nums[:]", "$.nums[1:3:2]",
    "$.*", "$[*]", "$.store.*", "$.store.book[*].author", "$..author", "$..book[2]", "$..*", "$..[0]",
    "$..['price']", "$.nums[0,1]", "$.nums[ 0 , 2 ]", "$['store','expensive']",
    "$.store.book[?(@.price < 10)]", "$.store.book[?(@.price < 10 && @.category == 'fiction')]",
    "$.store.book[?(@.isbn)]", "$.store.book[?(!@.isbn)]", "$.store.book[?(@.price <= $.expensive)]",
    "$.store.book[?(@.author =~ /.*REES/i)]", "$..book[?(@.price > 10 || @.category == \"reference\")]",
    "$.store.book[?(@.category in ['fiction', 'poetry'])]", "$.store.book[?(@.category nin ['x'])]",
    "$.store.book[?(@.price != 8.95)]", "$.store.book[?((@.price > 1) && !(@.price > 20))]",
    "$.store.book[(@.length-1)]", "$.store.book[( @.length - 2 )]", "$.nested[?(@.length > 2)]",
    "$.store.book.length()", "  $.store  ", "$.a[?(@.b-c == 1)]", "$.x[?(@.t == 'a,b]')]",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepts_what_the_service_accepts(text: str) -> None:
    path = parse_path(text)
    assert isinstance(path, JsonPath)


REJECTED = [
    ("", 0), ("a", 0), ("@.a", 0), ("$.", 2), ("$..", 3), ("$...a", 3), ("$.a.", 4), ("$.a b", 3),
    ("$a-b", 2), ("$[", 2), ("$['a", 2), ("$['a' 'b']", 6), ("$.a[x]", 4), ("$.a[1:2:3:4]", 4),
    ("$[?(@.a <)]", 9), ("$[?(@.a == 'x')", 15), ("$[?(@.a ~ 1)]", 8), ("$[?(@.a =~ /(/)]", 11),
    ("$.*x", 3), ("$ .a", 1), ("$['\\q']", 3), ("$.a.length().b", 12), ("$[?@.a]", 3),
    ("$.a[?(@.b == )]", 13), ("$.a[1,x]", 4), ("$$$", 2), (" ", 0),
]


@pytest.mark.parametrize(("text", "offset"), REJECTED)
def test_rejects_with_offset(text: str, offset: int) -> None:
    with pytest.raises(PathSyntaxError) as info:
        parse_path(text)
    assert info.value.offset == offset, info.value.message
    assert f"offset {offset}" in str(info.value)


def test_base_shifts_offsets() -> None:
    with pytest.raises(PathSyntaxError) as info:
        parse_path("$.", base=10)
    assert info.value.offset == 12


def test_non_string_is_a_syntax_error() -> None:
    with pytest.raises(PathSyntaxError):
        parse_path(["$"])  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "definite"), [
    ("$", True), ("$.a.b", True), ("$['a']", True), ("$[0]", True), ("$.a[-1]", True),
    ("$['a','b']", True), ("$.a[(@.length-1)]", True), ("$$.Map.Item.Value", True), ("$v.x", True),
    ("$.a[*]", False), ("$.*", False), ("$..a", False), ("$.a[0,1]", False), ("$.a[1:]", False),
    ("$.a[?(@.x)]", False), ("$.a.length()", False),
])
def test_definiteness(text: str, definite: bool) -> None:
    assert parse_path(text).definite is definite


@pytest.mark.parametrize(("text", "root", "variable"), [
    ("$.a", "$", None), ("$$.a", "$$", None), ("$myVar.a", "var", "myVar"), ("$_v", "var", "_v"),
    ("$données", "var", "données"),
])
def test_roots(text: str, root: str, variable: str | None) -> None:
    path = parse_path(text)
    assert (path.root, path.variable) == (root, variable)


def test_parse_is_cached() -> None:
    assert parse_path("$.cached.path[0]") is parse_path("$.cached.path[0]")


REFERENCE_OK = ["$", "$.a", "$['a b']", "$.a[0].b", "$.foo-bar", "$$.Execution.Id", "$v.x", "$.a.['b']"]
REFERENCE_BAD = [
    ("$.a[*]", 3), ("$.*", 2), ("$..a", 1), ("$.a[0,1]", 3), ("$.a[1:2]", 3), ("$.a[?(@.b)]", 3),
    ("$['a','b']", 1), ("$.a.length()", 4), ("$.a[(@.length-1)]", 3),
]


@pytest.mark.parametrize("text", REFERENCE_OK)
def test_reference_paths_accepted(text: str) -> None:
    assert parse_reference_path(text).is_reference


@pytest.mark.parametrize(("text", "offset"), REFERENCE_BAD)
def test_reference_paths_rejected(text: str, offset: int) -> None:
    with pytest.raises(PathSyntaxError) as info:
        parse_reference_path(text)
    assert info.value.offset == offset
    assert not parse_path(text).is_reference


def test_reference_path_syntax_errors_still_reported() -> None:
    with pytest.raises(PathSyntaxError):
        parse_reference_path("$.")


# --------------------------------------------------------------------------- evaluation

EVALUATIONS = [
    ("$.expensive", 10),
    ("$.store.book[0].title", "Sayings"),
    ("$['store']['bicycle']['color']", "red"),
    ('$["a b"].c', 2),
    ("$['a b'].c", 2),
    ("$.foo-bar.baz-qux", 1),
    ("$.名前", "値"),
    ("$['it\\'s']", 3),
    ("$.abc.['def ghi']", 7),
    ("$.null", None),
    ("$.store.book[*].author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]),
    ("$.store.book[1:3].title", ["Sword", "Moby Dick"]),
    ("$.store.book[-1:].title", ["The Lord"]),
    ("$.store.book[:2].title", ["Sayings", "Sword"]),
    ("$.store.book[:-3].title", ["Sayings"]),
    ("$.store.book[-2:].title", ["Moby Dick", "The Lord"]),
    ("$.nums[2:100]", [2, 3, 4]),
    ("$.nums[3:1]", []),
    ("$.nums[0,2,9]", [0, 2]),
    ("$.store.book[(@.length-1)].title", "The Lord"),
    ("$.store.book[(@.length - 4)].title", "Sayings"),
    ("$..author", ["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]),
    ("$.store..price", [8.95, 12.99, 8.99, 22.99, 19.95]),
    ("$..book[2].title", ["Moby Dick"]),
    ("$..book[?(@.isbn)].title", ["Moby Dick", "The Lord"]),
    ("$.store.book[?(!@.isbn)].title", ["Sayings", "Sword"]),
    ("$.store.book[?(@.price < 10)].title", ["Sayings", "Moby Dick"]),
    ("$.store.book[?(@.price < $.expensive)].title", ["Sayings", "Moby Dick"]),
    ("$.store.book[?(@.price < 10 && @.category == 'fiction')].title", ["Moby Dick"]),
    ("$.store.book[?(@.price > 20 || @.category == 'reference')].title", ["Sayings", "The Lord"]),
    ("$.store.book[?(@.author =~ /.*REES/i)].title", ["Sayings"]),
    ("$.store.book[?(@.author =~ /Rees/)].title", []),
    ("$.store.book[?(@.category in ['reference', 'x'])].title", ["Sayings"]),
    ("$.store.book[?(@.category nin ['fiction'])].title", ["Sayings"]),
    ("$.store.book[?(@.isbn != '0-553')].title", ["Sayings", "Sword", "The Lord"]),
    ("$.store.book[?(@.price == '8.95')].title", ["Sayings"]),
    ("$.store.book[?(@.price === '8.95')].title", []),
    ("$.store.book[?(@.title size 5)].title", ["Sword"]),
    ("$.nested[?(@.length > 2)]", [[3, 4, 5]]),
    ("$.nums[?(@ > 2)]", [3, 4]),
    ("$.store.bicycle[?(@.color == 'red')].price", [19.95]),
    ("$['expensive','nope','null']", {"expensive": 10, "null": None}),
    ("$.store.bicycle.*", ["red", 19.95]),
    ("$.empty[*]", []),
    ("$[*].missing", []),
    ("$..nope", []),
]


@pytest.mark.parametrize(("text", "expected"), EVALUATIONS)
def test_evaluate(text: str, expected: object) -> None:
    assert evaluate(text, STORE) == expected


def test_deep_scan_is_pre_order() -> None:
    doc = {"a": 1, "b": {"a": 2, "c": [{"a": 3}, {"d": {"a": 4}}]}, "e": {"a": 5}}
    assert evaluate("$..a", doc) == [1, 2, 3, 4, 5]
    assert evaluate("$..*", {"x": {"y": 1}, "z": [2]}) == [{"y": 1}, [2], 1, 2]


MISSING = [
    "$.nope", "$.store.nope", "$.store.book[9]", "$.expensive.x", "$.null.x", "$.store[0]",
    "$.nope[*]", "$.nope..x", "$.expensive[?(@.a)]", "$.nums[-1]", "$.store.book[-1].title",
    "$['store','expensive'].expensive", "$.store.book.length()", "$.empty[(@.length-1)]",
]


@pytest.mark.parametrize("text", MISSING)
def test_not_found_is_a_states_runtime_error(text: str) -> None:
    with pytest.raises(PathNotFound) as info:
        evaluate(text, STORE)
    assert info.value.error == errors.RUNTIME


def test_negative_index_parses_but_never_matches_like_the_service() -> None:
    # The console simulator resolves [-1]; real executions report the path as not found.
    assert parse_path("$.nums[-1]").steps[-1].index == -1  # type: ignore[attr-defined]
    with pytest.raises(PathNotFound):
        evaluate("$.nums[-1]", STORE)
    assert evaluate("$.nums[0,-1]", STORE) == [0]
    assert evaluate("$.nums[-1:]", STORE) == [4]
    assert evaluate("$.nums[(@.length-1)]", STORE) == 4


def test_slice_between_keeps_jayway_arithmetic() -> None:
    # Only one-sided slices normalise negative bounds; [a:b] walks a..b-1 as given.
    assert evaluate("$.nums[-2:3]", STORE) == [0, 1, 2]
    assert evaluate("$.nums[-3:-1]", STORE) == []
    assert evaluate("$.nums[1:3:2]", STORE) == [1, 2]


def test_filter_tests_scalar_elements() -> None:
    """Jayway filters every array element, scalars included (its FilterTest: `$.contents[?(@ == 2)]` on
    [1, 2, 3] is [2]); moto and aws-local-stepfunctions agree (issue 13 item 1)."""
    assert evaluate("$.nums[?(@ == 1)]", STORE) == [1]
    assert evaluate("$.xs[?(@ > 1)]", {"xs": [1, 2, 3]}) == [2, 3]
    assert evaluate("$.xs[?(@ == 'a')]", {"xs": [1, "a", {"a": 1}]}) == ["a"]
    assert evaluate("$.xs[?(@.a)]", {"xs": [1, "a", {"a": 1}]}) == [{"a": 1}]


def test_indefinite_result_is_always_a_list() -> None:
    assert evaluate("$.store.book[?(@.title == 'Sword')].price", STORE) == [12.99]
    assert evaluate("$.expensive", STORE) == 10


def test_context_and_variables() -> None:
    ctx = {"Map": {"Item": {"Index": 2, "Value": {"id": "x"}}}, "Execution": {"Name": "run"}}
    assert evaluate("$$.Map.Item.Value", {}, context=ctx) == {"id": "x"}
    assert evaluate("$$.Map.Item.Value.id", {}, context=ctx) == "x"
    assert evaluate("$$", {}, context=ctx) is ctx
    assert evaluate("$total", {}, variables={"total": 5}) == 5
    assert evaluate("$order.items[1]", {}, variables={"order": {"items": [1, 2]}}) == 2
    assert evaluate("$.a[?(@ == 1)]", {"a": [{"b": 1}]}) == []
    assert evaluate("$.a[?(@.b == $limit)]", {"a": [{"b": 1}, {"b": 2}]}, variables={"limit": 2}) == [{"b": 2}]
    with pytest.raises(PathNotFound):
        evaluate("$$.Execution.Name", {})
    with pytest.raises(PathNotFound):
        evaluate("$undefined", {}, variables={"other": 1})


def test_evaluate_accepts_parsed_paths() -> None:
    path = parse_path("$.store.bicycle.color")
    assert evaluate(path, STORE) == "red"
    assert path.evaluate(STORE) == "red"


def test_evaluate_does_not_mutate() -> None:
    before = copy.deepcopy(STORE)
    for text, _ in EVALUATIONS:
        evaluate(text, STORE)
    assert before == STORE


# --------------------------------------------------------------------------- set_at (ResultPath)

SET_CASES = [
    ({"a": 1}, "$", {"r": 1}, {"r": 1}),
    ({"a": 1}, "$.b", 2, {"a": 1, "b": 2}),
    ({"a": 1}, "$.a", 2, {"a": 2}),
    ({"a": {"x": 1}}, "$.a.y", 2, {"a": {"x": 1, "y": 2}}),
    ({}, "$.a.b.c", [1], {"a": {"b": {"c": [1]}}}),
    ({"a": {"x": 1}}, "$.a.b.c", True, {"a": {"x": 1, "b": {"c": True}}}),
    ({"l": [{"v": 1}, {"v": 2}]}, "$.l[1].v", 9, {"l": [{"v": 1}, {"v": 9}]}),
    ({"l": [0, 0]}, "$.l[0]", "x", {"l": ["x", 0]}),
    ({"a b": {}}, "$['a b'].c", None, {"a b": {"c": None}}),
    ("scalar input", "$", 5, 5),
    ({"error-info": 1}, "$.error-info", {"Error": "E"}, {"error-info": {"Error": "E"}}),
]


@pytest.mark.parametrize(("data", "path", "value", "expected"), SET_CASES)
def test_set_at(data: object, path: str, value: object, expected: object) -> None:
    before = copy.deepcopy(data)
    assert set_at(data, path, value) == expected
    assert data == before


SET_FAILURES = [
    ({"a": 1}, "$.a.b"), ({"a": None}, "$.a.b"), ("text", "$.a"), ([1], "$.a"), ({"l": [1]}, "$.l[3]"),
    ({"l": {}}, "$.l[0]"), ({}, "$.l[0]"), ({}, "$$.x"), ({}, "$v.x"),
]


@pytest.mark.parametrize(("data", "path"), SET_FAILURES)
def test_set_at_failures(data: object, path: str) -> None:
    with pytest.raises(PathSetError) as info:
        set_at(data, path, 1)
    assert info.value.error == errors.RESULT_PATH_MATCH_FAILURE


def test_set_at_rejects_non_reference_paths() -> None:
    with pytest.raises(PathSyntaxError):
        set_at({}, "$.a[*]", 1)


def test_set_at_shares_untouched_branches() -> None:
    data = {"keep": {"big": [1, 2, 3]}, "a": {}}
    out = set_at(data, "$.a.x", 1)
    assert out["keep"] is data["keep"]
    assert out["a"] is not data["a"]


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(("a", "b", "equal"), [
    (1, 1.0, True), (True, 1, False), (False, 0, False), (None, None, True), ([1, {"a": 2}], [1.0, {"a": 2}], True),
    ({"a": 1}, {"a": 1, "b": 2}, False), ("1", 1, False), ([1, 2], [2, 1], False),
])
def test_json_equal(a: object, b: object, equal: bool) -> None:
    assert json_equal(a, b) is equal


def test_java_string_order_uses_utf16_code_units() -> None:
    emoji, high_bmp = "\U0001F600", "\uFFFF"
    assert emoji > high_bmp  # Python compares code points...
    assert java_compare(emoji, high_bmp) < 0  # ...Java compares surrogates (0xD83D < 0xFFFF).
    assert java_compare("a", "b") < 0 and java_compare("b", "a") > 0 and java_compare("x", "x") == 0
