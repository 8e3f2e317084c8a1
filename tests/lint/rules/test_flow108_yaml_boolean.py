from tests.lint.helpers import lint, of

BAD = """StartAt: Check
States:
  Check:
    Type: Choice
    Choices:
      - Variable: $.ok
        BooleanEquals: true
        Next: Yes
    Default: No
  Yes:
    Type: Pass
    Parameters:
      enabled: on
    End: true
  No:
    Type: Fail
"""


def test_bad_state_names_errors_other_values_warnings():
    found = {(d.span.line, d.severity.value) for d in of(lint(BAD, "t.asl.yaml"), "FLOW108")}
    assert found == {(8, "error"), (9, "error"), (10, "error"), (13, "warning"), (15, "error")}


def test_good_quoted():
    good = BAD.replace("Yes", '"Yes"').replace("No", '"No"').replace(": on", ': "on"')
    assert not of(lint(good, "t.asl.yaml"), "FLOW108")
