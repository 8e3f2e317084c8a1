from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lint.helpers import codes, lint, machine


def test_bad_loop_without_exit():
    diags = lint(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Wait", "Seconds": 1, "Next": "A"},
                          "Z": {"Type": "Succeed"}}))
    assert "FLOW205" in codes(diags)


def test_good_loop_with_choice_exit():
    diags = lint(machine({
        "A": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Z"}],
              "Default": "A"},
        "Z": {"Type": "Succeed"},
    }))
    assert "FLOW205" not in codes(diags)


# The one-pass shortcut (`_forward_enders`) only ever decides "nothing is stuck": on any graph it must
# find a subset of the full backward walk, and the rule's verdict must be the full walk's.
NAMES = [f"S{i}" for i in range(6)]


@st.composite
def graphs(draw) -> dict:
    states = {}
    for name in NAMES[:draw(st.integers(1, 6))]:
        kind = draw(st.sampled_from(["Pass", "Succeed", "Choice", "Broken", "End"]))
        if kind == "Succeed":
            states[name] = {"Type": "Succeed"}
        elif kind == "End":
            states[name] = {"Type": "Pass", "End": True}
        elif kind == "Broken":
            states[name] = {"Type": "Pass"}
        elif kind == "Choice":
            states[name] = {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": True,
                                                          "Next": draw(st.sampled_from(NAMES))}],
                            "Default": draw(st.sampled_from(NAMES))}
        else:
            states[name] = {"Type": "Pass", "Next": draw(st.sampled_from(NAMES))}
    return states


@settings(max_examples=300, deadline=None)
@given(graphs())
def test_the_one_pass_shortcut_agrees_with_the_full_walk(states: dict) -> None:
    from flowc.compiler.asldoc import AslDocument
    from flowc.compiler.rules.flow205_no_exit_loop import NoExitLoop, _enders, _forward_enders

    doc = AslDocument({"StartAt": "S0", "States": states}, "x.asl.json", lambda _p: None)
    scope = doc.scopes()[0]
    full = _enders(scope.states, scope.targets())
    assert _forward_enders(scope.states, scope.targets()) <= full
    stuck = [n for n in states if n in scope.reachable() and n not in full]
    found = list(NoExitLoop().check(doc))
    assert [f.pointer for f in found] == ([f"/States/{stuck[0]}"] if stuck else [])
