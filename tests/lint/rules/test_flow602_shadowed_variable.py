from tests.lint.helpers import codes, lint_flow, of


def test_bad(tmp_path):
    src = '''
    workflow W
      Init: pass
        assign { total: 0 }
      Each: map $.items
        concurrency 2
        do
          Add: pass
            assign { total: $.price }
    '''
    (d,) = of(lint_flow(tmp_path, src), "FLOW602")
    assert d.span.line == 8


def test_good(tmp_path):
    src = '''
    workflow W
      Init: pass
        assign { total: 0 }
      Each: map $.items
        concurrency 2
        do
          Add: pass
            assign { price: $.price }
    '''
    assert "FLOW602" not in codes(lint_flow(tmp_path, src))
