"""Hostile sources: imports, bounds, names, collisions, positions (issue 11 items 2-7)."""

from __future__ import annotations

import time

import pytest
from flowc.compiler.lint.sources import parse_source as parse_asl
from flowc.compiler.pipeline import analyse
from flowc.dsl.diagnostics import SOURCES, render
from flowc.dsl.limits import MAX_ALIAS_NODES, MAX_DEPTH, MAX_SOURCE_BYTES
from flowc.targets.sqs.target import comment_text

from tests.helpers import compile_text


def errors(result):
    return [(d.code, d.span.line, d.span.col, d.message) for d in result.diagnostics if d.is_error]


# ---------------------------------------------------------------------------------------------- imports


@pytest.mark.parametrize("target", ["/proc/self/environ", "/dev/zero", "/dev/stdin", "/etc/passwd"])
def test_imports_read_only_workflow_sources(tmp_path, target):
    start = time.perf_counter()
    result = compile_text(tmp_path, f'import "{target}"\nworkflow W\n  A: succeed\n')
    assert time.perf_counter() - start < 5
    [(code, line, col, message)] = errors(result)
    assert (code, line, col) == ("FLOW106", 1, 8) and "only workflow sources" in message
    rendered = "\n".join(render(d) for d in result.diagnostics)
    assert "PATH=" not in rendered and "root:" not in rendered


def test_imports_stay_inside_the_project(tmp_path, monkeypatch):
    outside = tmp_path / "outside.flow"
    outside.write_text("workflow Other\n  A: succeed\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "sub").mkdir()
    (project / "common.flow").write_text("workflow Common\n  A: succeed\n")
    (project / "sub" / "a.flow").write_text('import "../common.flow"\nworkflow A\n  A: succeed\n')
    main = project / "main.flow"
    main.write_text('import "sub/a.flow"\nimport "../outside.flow"\nworkflow W\n  A: succeed\n')
    result = analyse([main])
    [(code, line, _, message)] = errors(result)
    assert (code, line) == ("FLOW106", 2) and "outside the project" in message
    assert sorted(result.program.workflows) == ["A", "Common", "W"]
    monkeypatch.setenv("FLOWC_PATH", str(tmp_path))
    assert errors(analyse([main])) == []


def test_a_symlink_cannot_smuggle_an_import_out(tmp_path):
    secret = tmp_path / "secret.flow"
    secret.write_text("workflow Secret\n  A: succeed\n")
    project = tmp_path / "p"
    project.mkdir()
    (project / "link.flow").symlink_to(secret)
    main = project / "main.flow"
    main.write_text('import "link.flow"\nworkflow W\n  A: succeed\n')
    assert "outside the project" in errors(analyse([main]))[0][3]


def test_a_very_long_import_path_is_a_diagnostic(tmp_path):
    result = compile_text(tmp_path, 'import "' + "a" * 300 + '.flow"\nworkflow W\n  A: succeed\n')
    assert [e[:3] for e in errors(result)] == [("FLOW106", 1, 8)]


def test_an_oversized_source_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.flow"
    with big.open("wb") as f:
        f.truncate(MAX_SOURCE_BYTES + 1)
    [(code, _, _, message)] = errors(analyse([big]))
    assert code == "FLOW106" and "bytes" in message


# ---------------------------------------------------------------------------------------------- YAML bounds


def test_alias_bomb_is_refused_fast(tmp_path):
    rows = ["        - &a [x, x, x, x, x, x, x, x, x]"]
    rows += [f"        - &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    text = "workflow: W\nsteps:\n  - A:\n      pass:\n      value:\n" + "\n".join(rows) + "\n"
    start = time.perf_counter()
    result = compile_text(tmp_path, text, "bomb.flow.yaml")
    assert time.perf_counter() - start < 5
    [(code, line, _, message)] = errors(result)
    assert code == "FLOW100" and f"{MAX_ALIAS_NODES:,}" in message and line > 5


def test_asl_yaml_alias_bomb_is_a_located_syntax_error():
    rows = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    rows += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
    src = parse_asl("\n".join(rows) + "\nStartAt: A\nStates: {A: {Type: Succeed}}\n", "b.asl.yaml")
    assert src.error is not None and "alias" in src.error.message and src.error.line > 1


def test_recursive_alias_is_an_error_not_null(tmp_path):
    result = compile_text(tmp_path, "workflow: W\nsteps: &s\n  - A:\n      pass:\n      value: *s\n", "r.flow.yaml")
    [(code, line, col, message)] = errors(result)
    assert (code, line, col) == ("FLOW100", 5, 14) and "recursive alias" in message


def test_a_long_yaml_comment_is_read_in_linear_time(tmp_path):
    text = "#" + "x" * 2_000_000 + "\nworkflow: W\nsteps:\n  - A: succeed\n"
    start = time.perf_counter()
    assert errors(compile_text(tmp_path, text, "c.flow.yaml")) == []
    assert time.perf_counter() - start < 10  # was 50 s


def test_yaml_keys_must_be_scalars(tmp_path):
    result = compile_text(tmp_path, "workflow: W\nsteps:\n  - ? [[a]]\n    : 1\n", "k.flow.yaml")
    assert [e[:3] for e in errors(result)] == [("FLOW100", 3, 7)]


@pytest.mark.parametrize("suffix,text", [
    (".flow", "workflow W\n  A: pass value {v}\n"),
    (".flow.yaml", "workflow: W\nsteps:\n  - A:\n      pass:\n      value: {v}\n"),
])
@pytest.mark.parametrize("number,word", [("9" * 5000, "digits"), ("1e999", "out of range")])
def test_numbers_python_or_a_double_cannot_hold(tmp_path, suffix, text, number, word):
    [(code, _, _, message)] = errors(compile_text(tmp_path, text.replace("{v}", number), "n" + suffix))
    assert code == "FLOW100" and word in message


@pytest.mark.parametrize("text", ['{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": ' + "9" * 5000 + "}}}",
                                  '{"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": 1e999}}}',
                                  '{"a": ' + "[" * 3000 + "]" * 3000 + "}"])
def test_asl_json_bounds_are_located(text):
    src = parse_asl(text, "x.asl.json")
    assert src.error is not None and src.error.col > 1


def test_deep_values_and_blocks_are_located_errors(tmp_path):
    deep = "workflow W\n  A: pass value " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n"
    [(code, line, col, message)] = errors(compile_text(tmp_path, deep))
    assert (code, line, col) == ("FLOW100", 2, 17 + MAX_DEPTH) and "nesting" in message
    blocks = "workflow W\n" + "".join("  " * (2 * i + 1) + f"M{i}: map $.items\n" + "  " * (2 * i + 2) + "do\n"
                                      for i in range(MAX_DEPTH // 2 + 2))
    [(code, _, _, message)] = errors(compile_text(tmp_path, blocks + "  " * (MAX_DEPTH + 6) + "Z: succeed\n"))
    assert code == "FLOW100" and "nesting" in message


def test_nesting_just_under_the_limit_compiles(tmp_path):
    ok = "workflow W\n  A: pass value " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n"
    assert errors(compile_text(tmp_path, ok)) == []


# ---------------------------------------------------------------------------------------------- shapes


def test_settings_and_properties_of_the_wrong_shape_are_diagnostics(tmp_path):
    text = ("workflow: W\ntimeout: {a: 1}\ntype: [1]\nresources:\n  - function: f\n    handler: [1, 2]\n"
            "    code: {a: 1}\nsteps:\n  - A:\n      invoke: f\n")
    found = errors(compile_text(tmp_path, text, "s.flow.yaml"))
    assert {(code, line) for code, line, _, _ in found} >= {("FLOW101", 2), ("FLOW101", 3), ("FLOW101", 6),
                                                             ("FLOW101", 7)}


def test_a_crashing_rule_fails_the_run(tmp_path, monkeypatch):
    from flowc.compiler.engine import RuleCrashed
    from flowc.compiler.rules.flow105_name_length import NameTooLong

    def boom(self, doc):
        raise ValueError("bug")

    monkeypatch.setattr(NameTooLong, "check", boom)
    with pytest.raises(RuleCrashed, match="FLOW105"):
        compile_text(tmp_path, "workflow W\n  A: succeed\n")


# ---------------------------------------------------------------------------------------------- names


def test_names_that_collapse_into_one_resource_are_errors(tmp_path):
    text = ('workflow order_flow\n  function a_b handler "m.f" code "h"\n  function aB handler "m.g" code "h"\n'
            "  A: invoke a_b\n  B: invoke aB\nworkflow OrderFlow\n  C: succeed\nworkflow orderflow\n  D: succeed\n")
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "m.py").write_text("def f(event, context):\n    return 1\n\n\ndef g(event, context):\n    return 2\n")
    found = errors(compile_text(tmp_path, text))
    assert [(code, line) for code, line, _, _ in found] == [("FLOW202", 3), ("FLOW202", 6), ("FLOW202", 8)]
    assert "'a_b'" in found[0][3] and "ABFunction" in found[0][3]
    assert "'order_flow'" in found[1][3] and "OrderFlowStateMachine" in found[1][3]
    assert "orderflow.asl.json" in found[2][3]


def test_step_names_with_line_breaks_are_refused(tmp_path):
    text = ('workflow: W\nresources:\n  - function: f\n    handler: m.f\n    code: h\nsteps:\n'
            '  - "A\\nEvil: !Ref X\\n#":\n      invoke: f\n')
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "m.py").write_text("def f(event, context):\n    return 1\n")
    [(code, line, _, message)] = errors(compile_text(tmp_path, text, "i.flow.yaml"))
    assert (code, line) == ("FLOW101", 7) and "control character" in message


def test_template_comments_cannot_be_broken_out_of():
    assert comment_text("a\nEvil: 1\r\u2028#") == "a\\nEvil: 1\\r\\u2028#"
    assert "\n" not in comment_text("x\ny") and comment_text("plain / text") == "plain / text"


# ---------------------------------------------------------------------------------------------- positions


def test_bom_is_accepted_in_every_front_end(tmp_path):
    (tmp_path / "b.flow").write_bytes(b"\xef\xbb\xbfworkflow W\n  A: succeed\n")
    (tmp_path / "b.flow.yaml").write_bytes(b"\xef\xbb\xbfworkflow: W\nsteps:\n  - A: succeed\n")
    assert errors(analyse([tmp_path / "b.flow"])) == [] and errors(analyse([tmp_path / "b.flow.yaml"])) == []


@pytest.mark.parametrize("name", ["u.flow", "u.flow.yaml"])
def test_invalid_utf8_is_located_at_the_byte(tmp_path, name):
    path = tmp_path / name
    body = b'workflow W\n  A: succeed\n  B: pass value "\xff"\n' if name.endswith(".flow") else \
        b'workflow: W\nsteps:\n  - A: succeed\n  - B: "\xff"\n'
    path.write_bytes(body)
    [(code, line, col, _)] = errors(analyse([path]))
    assert code == "FLOW106" and (line, col) == ((3, 18) if name.endswith(".flow") else (4, 9))


def test_multi_line_strings_do_not_shift_later_positions(tmp_path):
    text = "workflow W\n  A: pass value States.Format('a\nb\nc', $.x)\n  B: goto Nope\n"
    [(code, line, col, _)] = errors(compile_text(tmp_path, text))
    assert (code, line, col) == ("FLOW100", 5, 6)  # `goto` is not a step kind: the error is on line 5


def test_tabs_are_one_column(tmp_path):
    result = compile_text(tmp_path, "workflow W\n\tA: goto Nope\n")
    [(code, line, col, _)] = errors(result)
    assert (code, line, col) == ("FLOW100", 2, 5)  # tab, A, :, space, then `goto` at column 5


def test_yaml_reader_errors_are_located(tmp_path):
    result = compile_text(tmp_path, "workflow: W\nsteps:\n  - A: \x07succeed\n", "r.flow.yaml")
    assert [e[:3] for e in errors(result)] == [("FLOW100", 3, 8)]


def test_code_frames_never_show_files_that_are_not_sources(tmp_path):
    secret = tmp_path / "env.txt"
    secret.write_text("TOKEN=s3cr3t\n")
    from flowc.dsl.diagnostics import Diagnostic, Span

    assert "s3cr3t" not in render(Diagnostic("FLOW106", "x", Span(str(secret), 1, 1)))
    SOURCES.hide(str(tmp_path / "out"))
    assert render(Diagnostic("FLOW106", "x", Span(str(tmp_path / "out"), 1, 1))).count("\n") == 0


def test_asl_yaml_reader_errors_are_located():
    src = parse_asl("StartAt: A\nStates:\n  A:\n    Type: \x07Succeed\n", "r.asl.yaml")
    assert src.error is not None and (src.error.line, src.error.col) == (4, 11)


@pytest.mark.parametrize("value", [".inf", "-.Inf", ".nan", "1e999"])
def test_backoff_that_json_cannot_hold_is_refused(tmp_path, value):
    text = ("workflow: W\nresources:\n  - function: f\n    handler: m.f\n    code: h\nsteps:\n  - A:\n"
            f"      invoke: f\n      retry:\n        - errors: [States.ALL]\n          backoff: {value}\n")
    assert [e[:3] for e in errors(compile_text(tmp_path, text, "b.flow.yaml"))] == [("FLOW100", 11, 20)]


def test_an_invalid_escape_in_a_string_is_a_diagnostic(tmp_path):
    result = compile_text(tmp_path, 'import "process\\_user.flow"\nworkflow W\n  A: succeed\n')
    assert [e[:3] for e in errors(result)] == [("FLOW100", 1, 8)]


@pytest.mark.parametrize("name,text", [
    ("e.flow", "workflow W\n  A: pass with { a: $.x, b"),
    ("e.asl.yaml", "StartAt: A\nStates:\n  A:\n    Type: Pass\nTimeoutSeco"),
])
def test_errors_at_the_end_of_input_stay_inside_the_file(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    if name.endswith(".flow"):
        [(code, line, col, _)] = errors(analyse([tmp_path / name]))
        assert code == "FLOW100"
    else:
        error = parse_asl(text, name).error
        line, col = error.line, error.col
    assert line == text.count("\n") + 1 and 1 <= col <= len(text.split("\n")[-1]) + 1
