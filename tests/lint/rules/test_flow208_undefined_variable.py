from tests.lint.helpers import codes, lint, machine, of

ITER = {"StartAt": "Score", "States": {"Score": {"Type": "Pass", "Assign": {"score": 1}, "End": True}}}


def test_out_of_scope_is_an_error_and_never_assigned_a_warning():
    diags = lint(machine({
        "Each": {"Type": "Map", "ItemProcessor": ITER, "MaxConcurrency": 1, "Next": "Report"},
        "Report": {"Type": "Pass", "Parameters": {"score.$": "$score", "other.$": "States.Format('{}', $nope)"},
                   "End": True},
    }))
    assert [(d.severity.value, d.message.split("'")[1]) for d in of(diags, "FLOW208")] == [
        ("error", "$score"), ("warning", "$nope")]


def test_distributed_children_do_not_see_parent_variables():
    proc = {"ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {
        "X": {"Type": "Pass", "Parameters": {"v.$": "$limit"}, "End": True}}}
    diags = lint(machine({"Init": {"Type": "Pass", "Assign": {"limit": 3}, "Next": "M"},
                          "M": {"Type": "Map", "ItemProcessor": proc, "End": True}}))
    assert [d.severity.value for d in of(diags, "FLOW208")] == ["error"]


def test_good_outer_variable_inside_inline_map_and_jsonata_locals():
    proc = {"StartAt": "X", "States": {"X": {"Type": "Pass", "Parameters": {"v.$": "$limit"}, "End": True}}}
    diags = lint(machine({
        "Init": {"Type": "Pass", "Assign": {"limit": 3}, "Next": "M"},
        "M": {"Type": "Map", "ItemProcessor": proc, "MaxConcurrency": 2, "Next": "J"},
        "J": {"Type": "Pass", "QueryLanguage": "JSONata",
              "Output": "{% ($x := $limit; $map([1,2], function($v) { $v + $x })) %}", "End": True},
    }))
    assert "FLOW208" not in codes(diags)
