from tests.lint.helpers import codes, lint_flow


def test_bad(tmp_path):
    src = "workflow W\n  R: choose\n    if $.a == 1\n      X: succeed\n"
    assert "FLOW207" in codes(lint_flow(tmp_path, src))


def test_good(tmp_path):
    src = "workflow W\n  R: choose\n    if $.a == 1\n      X: succeed\n    else\n      Y: succeed\n"
    assert "FLOW207" not in codes(lint_flow(tmp_path, src))
