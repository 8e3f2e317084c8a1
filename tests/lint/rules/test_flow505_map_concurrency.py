from tests.lint.helpers import codes, lint, machine

PROC = {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}


def test_bad():
    assert "FLOW505" in codes(lint(machine({"M": {"Type": "Map", "ItemProcessor": PROC, "End": True}})))


def test_good_explicit_or_distributed():
    assert "FLOW505" not in codes(lint(machine({"M": {"Type": "Map", "MaxConcurrency": 0, "ItemProcessor": PROC,
                                                      "End": True}})))
    dist = {**PROC, "ProcessorConfig": {"Mode": "DISTRIBUTED"}}
    assert "FLOW505" not in codes(lint(machine({"M": {"Type": "Map", "ItemProcessor": dist, "End": True}})))
