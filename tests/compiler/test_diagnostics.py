"""What the analysis reports: codes, positions, hints, and everything in one run."""

from __future__ import annotations

from flowc.dsl.diagnostics import render

from tests.helpers import codes, compile_text


def diag(result, code):
    found = [d for d in result.diagnostics if d.code == code]
    assert found, f"{code} not reported; got {[(d.code, d.message) for d in result.diagnostics]}"
    return found[0]


def test_clean_workflow_has_no_errors(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          A: pass
          B: succeed
    """)
    assert result.ok and codes(result) == []


def test_unknown_goto_target_with_did_you_mean(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          function charge handler "m.charge" code "h"
          Charge: invoke charge
            catch States.ALL into $.e goto Refnud
          Refund: pass
    """)
    d = diag(result, "FLOW201")
    assert (d.span.line, d.span.col) == (4, 36)
    assert "Refnud" in d.message and d.hint == "did you mean 'Refund'?"
    text = render(d)
    assert text.splitlines()[0].endswith("t.flow:4:36: error FLOW201: Next names unknown state 'Refnud'")
    assert text.splitlines()[2].strip() == "^~~~~~"


def test_unknown_resource_and_wrong_kind(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          table Members key id
          function add handler "m.add" code "h"
          A: invoke ad
          B: invoke Members
          C: dynamodb.putItem Membrs item { id: $.id }
    """)
    errors = {(d.code, d.span.line) for d in result.diagnostics}
    assert ("FLOW201", 4) in errors and ("FLOW206", 5) in errors and ("FLOW201", 6) in errors
    assert diag(result, "FLOW201").hint == "did you mean 'add'?"


def test_duplicate_step_names_across_scopes(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          A: pass
          M: map $.items
            do
              A: pass
    """)
    d = diag(result, "FLOW202")
    assert d.span.line == 5 and "duplicate step name 'A'" in d.message


def test_unreachable_after_goto_and_terminal(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          A: pass
          goto Done
          Orphan: pass
          Done: succeed
          Never: pass
    """)
    unreachable = sorted(d.span.line for d in result.diagnostics if d.code == "FLOW203")
    assert unreachable == [4, 6]


def test_infinite_loop_without_exit(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          function poll handler "m.poll" code "h"
          Poll: invoke poll
          Pause: wait 30s
          goto Poll
    """)
    d = diag(result, "FLOW205")
    assert d.span.line == 3 and "Poll" in d.message


def test_loop_with_choice_exit_is_fine(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          Poll: pass
          Check: choose
            if $.done == true goto Finished
            else
              Pause: wait 30s
              goto Poll
          Finished: succeed
    """)
    assert result.ok, [render(d) for d in result.diagnostics]


def test_choose_at_end_without_else(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          Route: choose
            if $.vip == true
              Notify: pass
    """)
    d = diag(result, "FLOW207")
    assert d.span.line == 2 and "else" in d.hint


def test_option_not_valid_for_step_kind(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          A: pass
            heartbeat 10s
          B: succeed
            retry States.ALL attempts 2
    """)
    lines = sorted((d.code, d.span.line) for d in result.diagnostics if d.code == "FLOW102")
    assert lines == [("FLOW102", 3), ("FLOW102", 5)]


def test_missing_required_argument(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          table T key id
          Put: dynamodb.putItem T
    """)
    assert "needs `item`" in diag(result, "FLOW103").message


def test_wrong_query_language_field_and_expression(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          query jsonata
          A: pass
            input $.x
          B: pass with { a: $.y }
    """)
    d = diag(result, "FLOW304")
    assert {x.span.line for x in result.diagnostics if x.code == "FLOW304"} == {4, 5}
    assert d.severity.value == "error"
    hints = [x.hint for x in result.diagnostics if x.code == "FLOW304" and x.hint]
    assert "write {% $states.input.y %}" in hints


def test_invalid_jsonata_is_parsed_by_jsonata_python(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          query jsonata
          A: pass output {% $sum($states.input.items %}
    """)
    d = diag(result, "FLOW303")
    assert d.span.line == 3


def test_state_name_over_80_characters(tmp_path):
    name = "S" * 81
    result = compile_text(tmp_path, f"""
        workflow W
          {name}: succeed
    """)
    assert diag(result, "FLOW105").span.line == 2


def test_sync_task_in_express_workflow(tmp_path):
    result = compile_text(tmp_path, """
        workflow Parent
          type express
          Child: start Kid sync2
        workflow Kid
          Done: succeed
    """)
    d = diag(result, "FLOW402")
    assert d.span.line == 3 and ".sync:2" in d.message


def test_definition_over_one_megabyte(tmp_path):
    big = "x" * 120_000
    steps = "\n".join(f'  S{i}: pass value {{ blob: "{big}" }}' for i in range(9))
    result = compile_text(tmp_path, "workflow Big\n" + steps + "\n")
    assert "bytes" in diag(result, "FLOW401").message


def test_many_problems_reported_in_one_run(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          type fast
          A: invoke nothing
          A: pass
            heartbeat 5s
          goto Nowhere
    """)
    found = set(codes(result))
    assert {"FLOW101", "FLOW201", "FLOW202", "FLOW102"} <= found


def test_unknown_child_workflow_and_imports(tmp_path):
    (tmp_path / "child.flow").write_text("workflow Child\n  Done: succeed\n")
    result = compile_text(tmp_path, """
        import "child.flow"
        workflow Parent
          A: start Child sync
          B: start Chlid
    """)
    d = diag(result, "FLOW201")
    assert d.span.line == 4 and d.hint == "did you mean 'Child'?"
    assert set(result.asl) == {"Parent", "Child"}


def test_missing_import_and_cycle(tmp_path):
    (tmp_path / "a.flow").write_text('import "b.flow"\nworkflow A\n  X: succeed\n')
    (tmp_path / "b.flow").write_text('import "a.flow"\nimport "gone.flow"\nworkflow B\n  Y: succeed\n')
    from flowc.compiler.pipeline import analyse

    result = analyse([tmp_path / "a.flow"])
    messages = [d.message for d in result.diagnostics if d.code == "FLOW106"]
    assert any("import cycle" in m for m in messages)
    assert any("not found" in m and "gone.flow" in m for m in messages)


def test_bare_path_payload_and_input_together(tmp_path):
    result = compile_text(tmp_path, """
        workflow W
          function f handler "m.f" code "h"
          A: invoke f with $.order
            input $.request
    """)
    d = diag(result, "FLOW305")
    assert d.span.line == 3 and "keep one" in d.message


def test_bare_path_payload_becomes_input_path(tmp_path):
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "m.py").write_text("def f(event, context):\n    return event\n")
    result = compile_text(tmp_path, """
        workflow W
          function f handler "m.f" code "h"
          A: invoke f with $.order
    """)
    assert result.ok
    assert result.asl["W"].definition["States"]["A"]["InputPath"] == "$.order"
