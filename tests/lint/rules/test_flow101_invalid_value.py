from tests.lint.helpers import codes, lint_flow


def test_bad_setting_value(tmp_path):
    assert "FLOW101" in codes(lint_flow(tmp_path, "workflow W\n  type fast\n  A: succeed\n"))


def test_good_setting_value(tmp_path):
    assert "FLOW101" not in codes(lint_flow(tmp_path, "workflow W\n  type express\n  A: succeed\n"))
