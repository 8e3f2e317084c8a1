from tests.lint.helpers import codes, lint_flow, of


def test_bad_reported_once_per_step_instead_of_flow203(tmp_path):
    src = '''
    workflow W
      A: pass
        result $.a
      Done: succeed
      Orphan: pass
        result $.b
      Later: succeed
    '''
    diags = lint_flow(tmp_path, src)
    assert [d.span.line for d in of(diags, "FLOW603")] == [5, 7]
    assert "FLOW203" not in codes(diags)


def test_good_goto_target_after_terminal(tmp_path):
    src = '''
    workflow W
      A: pass
        result $.a
      goto Later
      Skipped: fail Oops
      Later: succeed
    '''
    diags = lint_flow(tmp_path, src)
    assert [d.message for d in of(diags, "FLOW603")] == [
        "step 'Skipped' follows `goto Later` and no goto reaches it: it never runs"]
