from tests.lint.helpers import codes, lint, machine, of, task

INNER = {"StartAt": "Work", "States": {"Work": task()}}


def test_bad_poll_loop_without_timeout():
    diags = lint(machine({
        "Poll": task(Next="Done?"),
        "Done?": {"Type": "Choice", "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Ok"}],
                  "Default": "Pause"},
        "Pause": {"Type": "Wait", "Seconds": 10, "Next": "Poll"},
        "Ok": {"Type": "Succeed"},
    }))
    (d,) = of(diags, "FLOW403")
    assert "'Poll'" in d.message and "25,000" not in d.message and "turns" in d.message


def test_bad_nested_inline_maps():
    inner_map = {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": INNER, "End": True}
    outer = {"Type": "Map", "MaxConcurrency": 1, "ItemProcessor": {"StartAt": "Inner", "States": {"Inner": inner_map}},
             "End": True}
    assert "FLOW403" in codes(lint(machine({"Outer": outer})))


def test_good_bounded_loop_and_distributed_map():
    loop = machine({
        "Poll": task(Next="Pause"),
        "Pause": {"Type": "Wait", "Seconds": 60, "Next": "Poll"},
    }, TimeoutSeconds=3600)
    assert "FLOW403" not in codes(lint(loop))
    dist = {"Type": "Map", "ItemProcessor": {**INNER, "ProcessorConfig": {"Mode": "DISTRIBUTED"}}, "End": True}
    assert "FLOW403" not in codes(lint(machine({"M": dist})))
