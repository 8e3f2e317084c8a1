"""The graph the rules share (Scope.edges/targets, made in one pass) and FLOW205's one-pass walk (its `_ends`
inlined) give what the plain definitions give, on any states at all: odd Types, Next of any JSON type, targets
outside the scope, Choices/Catch/Default, bodies that are not objects."""

from __future__ import annotations

from flowc.compiler.asldoc import AslDocument, transitions
from flowc.compiler.rules.flow205_no_exit_loop import _ends, _forward_enders
from hypothesis import given, settings
from hypothesis import strategies as st

NAMES = ["A", "B", "C", "D", "Gone"]
TARGETS = st.one_of(st.sampled_from(NAMES), st.none(), st.integers(0, 3), st.booleans(), st.just(["A"]))
TYPES = st.one_of(st.sampled_from(["Pass", "Task", "Choice", "Succeed", "Fail", "Map", "Wait"]), st.none(),
                  st.integers(0, 2), st.just({"x": 1}))


@st.composite
def body(draw) -> object:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.sampled_from([None, 3, "Pass", ["Next"]]))
    out: dict = {}
    if draw(st.booleans()):
        out["Type"] = draw(TYPES)
    if draw(st.booleans()):
        out["Next"] = draw(TARGETS)
    if draw(st.integers(0, 3)) == 0:
        out["End"] = draw(st.sampled_from([True, False, 1, "true"]))
    if draw(st.integers(0, 3)) == 0:
        out["Default"] = draw(TARGETS)
    if draw(st.integers(0, 3)) == 0:
        out["Choices"] = draw(st.one_of(st.lists(st.one_of(st.fixed_dictionaries({"Next": TARGETS}), st.just({}),
                                                           st.just(5)), max_size=3), st.just("x")))
    if draw(st.integers(0, 3)) == 0:
        out["Catch"] = draw(st.one_of(st.lists(st.one_of(st.fixed_dictionaries({"Next": TARGETS}), st.just({})),
                                               max_size=2), st.just({"Next": "A"})))
    return out


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES[:4]), body(), min_size=1, max_size=4))
def test_one_pass_graph_is_transitions_of_every_state(states: dict) -> None:
    doc = AslDocument({"StartAt": "A", "States": states}, "x.asl.json", lambda _p: None)
    scope = doc.scopes()[0]
    edges = {name: list(transitions(b)) for name, b in states.items() if isinstance(b, dict)}
    assert scope.edges() == edges
    assert list(scope.edges()) == list(edges)  # the same order: rules report in it
    assert scope.targets() == {name: [t for _, t in out if isinstance(t, str) and t in states]
                               for name, out in edges.items()}


def _forward_enders_long_way(states: dict, targets: dict) -> set[str]:
    """FLOW205's one-pass walk as it read before `_ends` was inlined."""
    can_end: set[str] = set()
    for name in reversed(list(states)):
        b = states[name]
        if not isinstance(b, dict):
            continue
        if _ends(b):
            can_end.add(name)
            continue
        if any(t in can_end for t in targets[name]):
            can_end.add(name)
    return can_end


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES[:4]), body(), min_size=1, max_size=4))
def test_inlined_ends_walk_is_the_long_way(states: dict) -> None:
    scope = AslDocument({"StartAt": "A", "States": states}, "x.asl.json", lambda _p: None).scopes()[0]
    assert _forward_enders(states, scope.targets()) == _forward_enders_long_way(states, scope.targets())


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES[:4]), body(), min_size=1, max_size=4),
       st.sampled_from(["A", "Gone", 3]))
def test_flow201_looks_only_at_scopes_that_name_an_unknown_state(states: dict, start) -> None:
    """The flag the graph pass notes is the rule's own test, and the rule reports what it reports walking the
    edges of every scope (branches and Map processors included)."""
    from unittest import mock

    from flowc.compiler.asldoc import Scope
    from flowc.compiler.rules.flow201_unknown_state import UnknownState

    outer = {"P": {"Type": "Parallel", "Branches": [{"StartAt": start, "States": states}], "Next": "A"},
             "A": {"Type": "Succeed"}}
    definition = {"StartAt": "P", "States": outer}
    doc = AslDocument(definition, "x.asl.json", lambda _p: None)
    for scope in doc.scopes():
        edges = scope.edges()
        assert scope.names_unknown_state() == any(isinstance(t, str) and t not in scope.states
                                                  for out in edges.values() for _, t in out)
    found = list(UnknownState().check(doc))
    with mock.patch.object(Scope, "names_unknown_state", lambda _self: True):
        assert found == list(UnknownState().check(AslDocument(definition, "x.asl.json", lambda _p: None)))
