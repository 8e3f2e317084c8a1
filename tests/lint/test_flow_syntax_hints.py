"""`.flow` syntax errors suggest the fix (issue 14 item 9)."""

from __future__ import annotations

import pytest
from flowc.compiler.lint.runner import analyse_flow
from flowc.dsl.diagnostics import SourceCache, render

F = '  function f handler "h.f" code "."\n'


def _diagnostics(tmp_path, body: str):
    path = tmp_path / "w.flow"
    path.write_text("workflow W\n" + body)
    return analyse_flow([str(path)]).diagnostics


@pytest.mark.parametrize("body, line, hint", [
    (F + "  A: invoke f\n    retries States.ALL attempts 2\n", 4, "did you mean `retry`?"),
    (F + "  A: invoke f\n    reslt $.x\n", 4, "did you mean `result`?"),
    ("  A: pas\n", 2, "did you mean `pass`?"),
    ("  A: pass\n    ResultPath $.r\n", 3, "`ResultPath` is the ASL field; in .flow write `result ...`"),
    ("  A: pass\n    InputPath $.r\n", 3, "in .flow write `input ...`"),
    (F + "  A: invoke f\n    TimeoutSeconds 30\n", 4, "in .flow write `timeout ...`"),
    (F + "  A: invoke f\n  retry States.ALL attempts 2\n", 4, "`retry` is an option of the step above: indent it"),
    ("  Charge Card: succeed\n", 2, 'quote a step name that is not an identifier: "Charge Card": ...'),
])
def test_syntax_error_suggests_the_fix(tmp_path, body, line, hint):
    (d,) = _diagnostics(tmp_path, body)
    assert d.code == "FLOW100" and d.span.line == line
    assert d.hint is not None and hint in d.hint, d.hint


def test_no_made_up_suggestion(tmp_path):
    (d,) = _diagnostics(tmp_path, "  A: pass\n    zzzzzzzz 1\n")
    assert d.code == "FLOW100" and d.hint is None


def test_tabs_count_as_one_column_and_the_caret_lands_on_the_token(tmp_path):
    path = tmp_path / "w.flow"
    path.write_text("workflow W\n\tA: invoke missing\n")
    (d,) = [d for d in analyse_flow([str(path)]).diagnostics if d.code == "FLOW201"]
    assert (d.span.line, d.span.col) == (2, 12)
    frame = render(d, SourceCache()).splitlines()
    source, caret = frame[1], frame[2]
    assert source[caret.index("^"):].startswith("missing")


def test_duplicate_step_name_is_reported_without_its_echoes(tmp_path):
    diags = _diagnostics(tmp_path, "  A: pass\n  A: succeed\n")
    assert [d.code for d in diags] == ["FLOW202"]
