from tests.lint.helpers import codes, lint, machine, of


def test_bad_unreachable_cycle_and_inside_item_processor():
    diags = lint(machine({
        "A": {"Type": "Map", "ItemProcessor": {"StartAt": "X", "States": {
            "X": {"Type": "Succeed"}, "Y": {"Type": "Pass", "End": True}}}, "Next": "B"},
        "B": {"Type": "Succeed"},
        "L1": {"Type": "Pass", "Next": "L2"},
        "L2": {"Type": "Pass", "Next": "L1"},
    }))
    assert sorted(d.message.split("'")[1] for d in of(diags, "FLOW203")) == ["L1", "L2", "Y"]


def test_good():
    assert "FLOW203" not in codes(lint(machine({"A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Succeed"}})))
