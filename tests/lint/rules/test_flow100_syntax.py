from tests.lint.helpers import codes, lint, lint_flow


def test_bad_json_yaml_and_flow_are_located_syntax_errors(tmp_path):
    bad = lint('{"StartAt": "A", "States": {"A": {"Type": "Pass",, "End": true}}}')
    assert codes(bad) == ["FLOW100"] and (bad[0].span.line, bad[0].span.col) == (1, 50)
    assert codes(lint("StartAt: A\nStates: [", "t.asl.yaml")) == ["FLOW100"]
    assert "FLOW100" in codes(lint_flow(tmp_path, "workflow W\n  A: invoke\n"))


def test_good_parses():
    assert "FLOW100" not in codes(lint({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}))
