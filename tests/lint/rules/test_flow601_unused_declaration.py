from tests.lint.helpers import codes, lint_flow, of


def test_bad(tmp_path):
    src = '''
    workflow W
      function charge handler "m.charge" code "h"
      function refund handler "m.refund" code "h"
      Charge: invoke charge
    '''
    (d,) = of(lint_flow(tmp_path, src), "FLOW601")
    assert "refund" in d.message and (d.span.line, d.span.col) == (3, 12)


def test_good_used_by_step_and_trigger(tmp_path):
    src = '''
    workflow W
      bus Orders
      function charge handler "m.charge" code "h"
      on event { source: ["shop"] } bus Orders
      Charge: invoke charge
    '''
    assert "FLOW601" not in codes(lint_flow(tmp_path, src))
