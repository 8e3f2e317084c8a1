import pytest

from tests.lint.helpers import codes, lint, machine, of, task

FAIL = {"Type": "Fail"}


@pytest.mark.parametrize("retry", [
    [{"ErrorEquals": []}],
    [{"ErrorEquals": [True]}],
    [{"ErrorEquals": ["States.ALL", "E"]}],
    [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["E"]}],
    [{"ErrorEquals": ["E"], "BackoffRate": 0.5}],
    [{"ErrorEquals": ["E"], "BackoffRate": -2}],
    [{"ErrorEquals": ["E"], "MaxDelaySeconds": -1}],
    [{"ErrorEquals": ["E"], "JitterStrategy": "PARTIAL"}],
    [{"ErrorEquals": ["E"], "IntervalSeconds": 0}],
    {"ErrorEquals": ["E"]},
])
def test_bad_retry(retry):
    assert "FLOW110" in codes(lint(machine({"A": task(Retry=retry)})), "error")


def test_bad_catch_all_not_last():
    state = task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "F"}, {"ErrorEquals": ["E"], "Next": "F"}])
    assert "FLOW110" in codes(lint(machine({"A": state, "F": FAIL})), "error")


def test_warnings_for_unknown_states_error_and_shadowed_entry():
    state = task(Retry=[{"ErrorEquals": ["States.Timeot"], "MaxDelaySeconds": 5},
                        {"ErrorEquals": ["States.Timeot"], "MaxDelaySeconds": 5}])
    found = of(lint(machine({"A": state})), "FLOW110")
    assert [d.severity.value for d in found] == ["warning", "warning", "warning"]


@pytest.mark.parametrize("retry", [
    [{"ErrorEquals": ["E"], "BackoffRate": 1}, {"ErrorEquals": ["States.ALL"]}],
    [{"ErrorEquals": ["States.Timeout"], "MaxDelaySeconds": 5, "JitterStrategy": "FULL", "BackoffRate": 2.42}],
])
def test_good(retry):
    assert "FLOW110" not in codes(lint(machine({"A": task(Retry=retry)})))


# The rule walks a Retry/Catch combination once per document when it is clean: on states that share (or nearly
# share) their values it must report exactly what walking every state reports.
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_VALUES = st.one_of(st.integers(-1, 3), st.sampled_from([1.0, 2.5, True, None, "2", float("nan"), float("inf"),
                                                                    "{% $n %}"]))
_NAMES = st.lists(st.sampled_from(["States.ALL", "States.Timeout", "States.Nope", "Custom", 3]), max_size=3)
_RETRIER = st.fixed_dictionaries({"ErrorEquals": _NAMES}, optional={"MaxAttempts": _VALUES, "IntervalSeconds": _VALUES,
                                                                     "BackoffRate": _VALUES,
                                                                     "JitterStrategy": st.sampled_from(["FULL", "x"])})
_CATCHER = st.fixed_dictionaries({"ErrorEquals": _NAMES}, optional={"Next": st.sampled_from(["Z", 1, None]),
                                                                     "ResultPath": st.sampled_from(["$.e", None])})
_SHARED = st.one_of(st.lists(_RETRIER, max_size=2), st.just("x"), st.just([1]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={"Retry": _SHARED, "Catch": st.lists(_CATCHER, max_size=2)}),
                min_size=1, max_size=3),
       st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["JSONPath", "JSONata"])), min_size=2, max_size=8))
@example([{"Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": "{% $n %}"}]}],
         [(0, "JSONata"), (0, "JSONPath")])  # clean under JSONata only
@example([{"Catch": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": -1}]},
          {"Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": -1}]}],
         [(0, "JSONPath"), (1, "JSONPath")])  # the same text, clean as a Catch only
def test_a_clean_combination_skipped_again_reports_what_every_state_reports(shapes, picks):
    from flowc.compiler.asldoc import AslDocument
    from flowc.compiler.rules.flow110_retry_catch import RetryCatch

    states = {f"S{i}": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", **shapes[p % len(shapes)],
                        "QueryLanguage": ql, "Next": "Z"} for i, (p, ql) in enumerate(picks)}
    states["Z"] = {"Type": "Succeed"}
    doc = AslDocument(machine(states, "S0"), "t.asl.json", lambda _p: None)
    rule = RetryCatch()
    assert list(rule.check(doc)) == [f for ref in doc.states() for f in rule.state(ref)]
