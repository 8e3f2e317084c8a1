from tests.lint.helpers import codes, lint_flow


def test_bad(tmp_path):
    src = "workflow W\n  A: pass with { x: [ $.a, { b: 1 } ] }\n"
    assert "FLOW305" in codes(lint_flow(tmp_path, src))


def test_good(tmp_path):
    src = 'workflow W\n  function f handler "m.f" code "h"\n  A: invoke f with { items: [ $.id ] }\n'
    assert "FLOW305" not in codes(lint_flow(tmp_path, src))
