"""`flowc fmt --to yaml|flow`: the conversion keeps the compiled ASL (both targets) byte for byte, keeps every
comment beside the same construct, and is stable (.flow -> yaml -> .flow is fmt-canonical and a fixed point,
yaml -> .flow -> yaml too); on every example and corpus file, commented copies of them, and hypothesis-made
layouts with comments anywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse
from flowc.dsl.convert import (
    _indents,
    attach,
    constructs,
    flow_comments,
    flow_to_yaml,
    yaml_comments,
    yaml_to_flow,
)
from flowc.dsl.formatter import format_flow
from flowc.dsl.parser import parse_flow
from flowc.dsl.yaml_loader import parse_flow_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fmt.test_fmt import relayout
from tests.helpers import CORPUS, WORKFLOWS

FILES = sorted(WORKFLOWS.glob("*.flow")) + sorted(CORPUS.glob("*.flow"))
YAML_FILES = sorted(WORKFLOWS.glob("*.flow.yaml"))


def yaml_name(path: Path) -> Path:
    return path.with_name(path.name + ".yaml")


def built(path: Path, text: str, tmp: Path) -> tuple[dict, dict | None]:
    """(ASL text of every workflow as emitted, the SQS target's files or None when it refuses the program)."""
    from flowc.targets.sqs.target import check, render

    result = analyse([path], sources={path.resolve(): text})
    assert not result.errors, [d.message for d in result.errors]
    asl = {k: json.dumps(v.definition, indent=2) for k, v in result.asl.items()}
    sqs = None if any(d.is_error for d in check(result)) else render(result, tmp / "sqs", ["source"])
    return asl, sqs


def attachments(text: str, module, comments) -> list[tuple]:
    code, indent = _indents(text)
    return sorted((repr(a.key), a.where, a.text) for a in attach(comments, constructs(module), code, indent))


def flow_attachments(text: str) -> list[tuple]:
    return attachments(text, parse_flow(text, "x.flow"), flow_comments(text))


def yaml_attachments(text: str) -> list[tuple]:
    return attachments(text, parse_flow_yaml(text, "x.flow.yaml"), yaml_comments(text))


def check_round_trip(path: Path, text: str, tmp: Path) -> None:
    ypath = yaml_name(path)
    as_yaml = flow_to_yaml(text, str(path))
    back = yaml_to_flow(as_yaml.text, str(ypath))
    original = built(path, text, tmp)
    assert built(ypath, as_yaml.text, tmp) == original
    assert built(path, back.text, tmp) == original
    assert format_flow(back.text) == back.text  # fmt-canonical
    assert flow_to_yaml(back.text, str(path)).text == as_yaml.text  # yaml -> flow -> yaml is stable
    assert yaml_to_flow(as_yaml.text, str(ypath)).text == back.text
    moved = {c for _, c in as_yaml.warnings}
    assert sorted(c.text for c in yaml_comments(as_yaml.text)) == sorted(c.text for c in flow_comments(text))
    assert sorted(c.text for c in flow_comments(back.text)) == sorted(c.text for c in flow_comments(text))
    if not moved:
        assert yaml_attachments(as_yaml.text) == flow_attachments(text)
    assert flow_attachments(back.text) == yaml_attachments(as_yaml.text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_example_converts_both_ways_with_the_same_asl(path: Path, tmp_path: Path) -> None:
    check_round_trip(path, path.read_text(encoding="utf-8"), tmp_path)


def commented(text: str) -> str:
    """Every code line of `text` with an own-line comment above it and an end-of-line comment after it."""
    out = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            out.append(line[: len(line) - len(stripped)] + f"# above {n}")
            if "#" not in line:
                line += f"  # after {n}"
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_comment_on_every_line_stays_with_its_construct(path: Path, tmp_path: Path) -> None:
    text = commented(format_flow(path.read_text(encoding="utf-8")))
    check_round_trip(path, text, tmp_path)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_the_checked_in_yaml_twins_convert_to_flow(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    flow = yaml_to_flow(text, str(path)).text
    flow_path = path.with_name(path.name.removesuffix(".yaml"))
    assert built(flow_path, flow, tmp_path) == built(path, text, tmp_path)
    assert format_flow(flow) == flow
    assert flow_attachments(flow) == yaml_attachments(text)
    assert yaml_to_flow(flow_to_yaml(flow, str(flow_path)).text, str(path)).text == flow


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_a_comment_on_every_yaml_line_is_kept(path: Path, tmp_path: Path) -> None:
    """Comments on YAML lines `.flow` has no line for (a retry's fields, a resource's properties) are moved
    to a construct nearby, with a warning; none is lost, and the result converts back and forth stably."""
    text = commented(path.read_text(encoding="utf-8"))
    flow_path = path.with_name(path.name.removesuffix(".yaml"))
    converted = yaml_to_flow(text, str(path))
    assert built(flow_path, converted.text, tmp_path) == built(path, text, tmp_path)
    assert sorted(c.text for c in flow_comments(converted.text)) == sorted(c.text for c in yaml_comments(text))
    warned = {line for line, _ in converted.warnings}
    assert warned and warned <= {c.line for c in yaml_comments(text)}  # each names a comment's line
    again = flow_to_yaml(converted.text, str(flow_path))
    assert not again.warnings
    assert yaml_to_flow(again.text, str(path)).text == converted.text


def test_the_yaml_reads_like_the_checked_in_twin() -> None:
    """Against workflows/process_user.flow.yaml: the same text but for the first (header) comment."""
    path = WORKFLOWS / "process_user.flow"
    mine = flow_to_yaml(path.read_text(encoding="utf-8"), str(path)).text.splitlines()[1:]
    assert mine == yaml_name(path).read_text(encoding="utf-8").splitlines()[1:]


def test_comments_go_before_and_after_their_construct() -> None:
    text = ('# the workflow\n'
            'workflow W  # named W\n'
            '  function f handler "h.f"  # the code\n'
            '\n'
            '  # the first step\n'
            '  A: invoke f with { a: $.x }  # payload\n'
            '    # where it goes\n'
            '    result $.r\n'
            '  B: succeed\n'
            '# the end\n')
    out = flow_to_yaml(text, "w.flow").text
    assert out.startswith("# the workflow\nworkflow: W  # named W\n")
    assert "    handler: h.f\n" in out and "  - function: f  # the code\n" in out
    assert "  # the first step\n  - A:\n" in out
    assert "      with: {a: $.x}  # payload\n      # where it goes\n      result: $.r\n" in out
    assert out.rstrip().endswith("# the end")
    back = yaml_to_flow(out, "w.flow.yaml").text
    assert "  # the first step\n  A: invoke f with { a: $.x }  # payload\n    # where it goes\n    result $.r\n" in back


def test_a_yaml_comment_with_no_place_in_flow_is_moved_with_a_warning() -> None:
    text = ("workflow: W\nsteps:\n  - A:\n      pass:\n      retry:\n        - errors: [X]\n"
            "          # between the fields of one retry\n          attempts: 2\n")
    converted = yaml_to_flow(text, "w.flow.yaml")
    assert converted.warnings and converted.warnings[0][0] == 7
    assert "# between the fields of one retry\n    retry X attempts 2" in converted.text


# -- hypothesis: other layouts, comments anywhere ------------------------------------------------------------
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_layout_converts_to_the_same_program(data, tmp_path: Path) -> None:
    path = data.draw(st.sampled_from(FILES))
    text = data.draw(relayout(path.read_text(encoding="utf-8")))
    check_round_trip(path, text, tmp_path)


# -- the command -------------------------------------------------------------------------------------------
def test_a_comment_after_nested_branches_survives_both_ways(tmp_path: Path) -> None:
    # Found by the layout property test: in YAML this comment follows `parallel:`'s nested sequence, which
    # ends in a flow mapping; ruamel's round-trip loader drops a comment there, so yaml_comments reads
    # own-line comments from the lines as well.
    text = ("workflow P\n  function f handler \"h.f\" code \".\"\n  Both: parallel\n    # keep me\n"
            "    input $.order\n    branch\n      A: invoke f\n    branch\n      B: pass with { id: $.id }\n")
    (tmp_path / "h.py").write_text("def f(event, context):\n    return event\n")
    check_round_trip(tmp_path / "p.flow", text, tmp_path)
    assert "# keep me" in yaml_to_flow(flow_to_yaml(text, "p.flow").text, "p.flow.yaml").text


def test_a_resource_named_in_a_value_converts_both_ways(tmp_path: Path) -> None:
    # Found by the fuzzer: neither printer knew `ast.RefValue` (a resource named inside a value), so
    # `fmt --to yaml` of such a file, and `--to flow` of its `!ref` twin, ended in an internal error.
    text = ("workflow W\n  topic Alerts\n  Notify: sns.publish Alerts message { topic: Alerts.arn, name: Alerts.name }\n"
            "  Done: succeed\n")
    check_round_trip(tmp_path / "w.flow", text, tmp_path)
    as_yaml = flow_to_yaml(text, "w.flow").text
    assert "{topic: !ref Alerts.arn, name: !ref Alerts.name}" in as_yaml
    assert "{ topic: Alerts.arn, name: Alerts.name }" in yaml_to_flow(as_yaml, "w.flow.yaml").text
    # (the conversion is syntax only: a name the compiler would refuse converts as written)
    unknown = "workflow W\n  Sum: pass with { processed: States.ArrayLlts }\n"
    assert "{processed: !ref States.ArrayLlts}" in flow_to_yaml(unknown, "u.flow").text


def test_a_ref_tag_that_names_nothing_is_a_diagnostic(tmp_path: Path) -> None:
    source = tmp_path / "r.flow.yaml"
    source.write_text("workflow: W\nsteps:\n  - A:\n      pass:\n      with: {x: !ref not a name}\n", encoding="utf-8")
    for args in (["check"], ["fmt", "--to", "flow"]):
        result = CliRunner().invoke(main, [*args, str(source)])
        assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None))), result.output
        assert "r.flow.yaml:5:" in result.output and "`!ref` names a declared resource" in result.output, args


def test_yaml_comments_are_not_read_inside_multi_line_scalars() -> None:
    text = ("a: |\n  # content\nb: \"x\n  # content\n  y\"\nc:\n  g:\n    - - {k: 1}\n  # one\n  d: 2\n"
            "e: >-\n  # content\n# two\nf: 1  # three\n")
    assert [(c.line, c.text, c.eol) for c in yaml_comments(text)] == [
        (9, "# one", False), (13, "# two", False), (14, "# three", True)]


def test_the_command_prints_writes_and_refuses_to_overwrite(tmp_path: Path) -> None:
    source = tmp_path / "w.flow"
    source.write_text("# a comment\nworkflow W\n  A: succeed\n", encoding="utf-8")
    shown = CliRunner().invoke(main, ["fmt", "--to", "yaml", str(source)])
    assert shown.exit_code == 0 and shown.output == "# a comment\nworkflow: W\nsteps:\n  - A: succeed\n"
    assert CliRunner().invoke(main, ["fmt", "--to", "yaml", "--write", str(source)]).exit_code == 0
    sibling = tmp_path / "w.flow.yaml"
    assert sibling.read_text() == shown.output
    again = CliRunner().invoke(main, ["fmt", "--to", "yaml", "--write", str(source)])
    assert again.exit_code == 2 and "--force" in again.output
    assert CliRunner().invoke(main, ["fmt", "--to", "yaml", "--write", "--force", str(source)]).exit_code == 0
    out = tmp_path / "other.flow"
    back = CliRunner().invoke(main, ["fmt", "--to", "flow", str(sibling), "-o", str(out)])
    assert back.exit_code == 0 and out.read_text() == "# a comment\nworkflow W\n\n  A: succeed\n"
    piped = CliRunner().invoke(main, ["fmt", "--to", "flow", "-", "--stdin-filename", "x.flow.yaml"],
                               input=shown.output)
    assert piped.exit_code == 0 and piped.output == out.read_text()


def test_the_command_refuses_bad_input_without_a_traceback(tmp_path: Path) -> None:
    wrong = CliRunner().invoke(main, ["fmt", "--to", "flow", str(WORKFLOWS / "process_user.flow")])
    assert wrong.exit_code == 2 and "--to flow converts a .flow.yaml file" in wrong.output
    broken = tmp_path / "b.flow"
    broken.write_text("workflow W\n  A: invoke {\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", "--to", "yaml", str(broken)])
    assert result.exit_code == 1 and isinstance(result.exception, (SystemExit, type(None)))
    assert re.search(r"b\.flow:\d+:\d+: error FLOW\d+", result.output)
    assert CliRunner().invoke(main, ["fmt", "--to", "yaml", "--check", str(broken)]).exit_code == 2
    latin = tmp_path / "l.flow"
    latin.write_bytes(b'workflow W\n  A: pass with { a: "\xf1" }\n')
    for args in (["fmt", "--to", "yaml"], ["fmt"]):
        refused = CliRunner().invoke(main, [*args, str(latin)])
        assert refused.exit_code == 1 and "l.flow:2:22: error FLOW106" in refused.output, args
    assert CliRunner().invoke(main, ["fmt", "-o", "x.flow", str(broken)]).exit_code == 2
