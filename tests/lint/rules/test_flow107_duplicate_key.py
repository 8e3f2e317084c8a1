from tests.lint.helpers import lint, of

JSON = '''{
  "StartAt": "A",
  "States": {
    "A": {"Type": "Pass", "Next": "B", "Next": "A"},
    "B": {"Type": "Succeed"}
  }
}'''
YAML = """StartAt: A
States:
  A:
    Type: Succeed
  A:
    Type: Fail
"""


def test_bad_json_duplicate_reports_both_positions():
    (d,) = of(lint(JSON), "FLOW107")
    assert (d.span.line, d.span.col) == (4, 40) and "first at line 4" in d.message


def test_bad_yaml_duplicate_state():
    (d,) = of(lint(YAML, "t.asl.yaml"), "FLOW107")
    assert d.span.line == 5 and "first at line 3" in d.message


def test_good():
    assert not of(lint(JSON.replace(', "Next": "A"', "")), "FLOW107")
