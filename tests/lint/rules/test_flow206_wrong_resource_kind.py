from tests.lint.helpers import codes, lint_flow


def test_bad(tmp_path):
    assert "FLOW206" in codes(lint_flow(tmp_path, "workflow W\n  table T key id\n  A: invoke T\n"))


def test_good(tmp_path):
    src = 'workflow W\n  function f handler "m.f" code "h"\n  A: invoke f\n'
    assert "FLOW206" not in codes(lint_flow(tmp_path, src))
