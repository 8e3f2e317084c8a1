"""`flowc fmt`: idempotent, keeps every comment, never changes the compiled ASL (every example and corpus file,
and hypothesis-made layouts of them: other indent widths, extra spaces, shuffled options, comments anywhere)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse
from flowc.dsl.formatter import OPTION_ORDER, WIDTH, format_flow
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import CORPUS, WORKFLOWS

FILES = sorted(WORKFLOWS.glob("*.flow")) + sorted(CORPUS.glob("*.flow"))


def compiled(path: Path, text: str) -> tuple[str, list[str]]:
    """(the ASL of every workflow, the diagnostic codes) of `text` as if it were `path`."""
    result = analyse([path], sources={path.resolve(): text})
    return (json.dumps({k: v.definition for k, v in result.asl.items()}, sort_keys=True),
            [d.code for d in result.diagnostics])


def comments(text: str) -> list[str]:
    return [c.strip() for c in re.findall(r"(?m)(?:^|\s)(#.*)$", text)]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_fmt_is_idempotent_keeps_comments_and_the_asl(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    formatted = format_flow(text)
    assert format_flow(formatted) == formatted
    assert sorted(comments(formatted)) == sorted(comments(text))
    assert compiled(path, formatted) == compiled(path, text)
    # a long line with an object is broken (a long string or intrinsic call alone cannot be)
    assert all(len(line) <= WIDTH or not re.search(r'\{ [\w"]+: ', line) for line in formatted.splitlines())


def test_the_canonical_layout() -> None:
    messy = ('workflow W   # the workflow\n'
             '    function f handler "h.f" code "."\n'
             '    # the first step\n'
             '    A:   invoke f   with {a:$.x,   b: [ 1,2 ]}\n'
             '          retry Busy attempts 2\n'
             '          result $.r\n'
             '          # where the output goes\n'
             '          output $.r\n'
             '          input $.in\n'
             '    B: succeed\n')
    assert format_flow(messy) == ('workflow W  # the workflow\n'
                                  '  function f handler "h.f" code "."\n'
                                  '  # the first step\n'
                                  '  A: invoke f with { a: $.x, b: [1, 2] }\n'
                                  '    input $.in\n'
                                  '    result $.r\n'
                                  '    # where the output goes\n'
                                  '    output $.r\n'
                                  '    retry Busy attempts 2\n'
                                  '  B: succeed\n')


def test_retries_and_catches_keep_their_order() -> None:
    text = ("workflow W\n  A: pass\n    catch B.Err goto C\n    retry X attempts 1\n    catch States.ALL goto C\n"
            "    retry Y attempts 2\n    result $.r\n  C: succeed\n")
    out = format_flow(text).splitlines()
    assert out[2:] == ["    result $.r", "    retry X attempts 1", "    retry Y attempts 2", "    catch B.Err goto C",
                       "    catch States.ALL goto C", "  C: succeed"]


# -- hypothesis: other layouts of the same programs --------------------------------------------------------
@st.composite
def relayout(draw, text: str) -> str:
    """The same program laid out differently: another indent width, extra spaces between tokens, comments at
    line ends and on their own lines, option lines of a step shuffled (retry/catch kept in order)."""
    width = draw(st.sampled_from([1, 2, 3, 4, 8]))
    out = []
    for line in text.splitlines():
        stripped = line.lstrip(" ")
        level = (len(line) - len(stripped)) // 2
        if stripped and not stripped.startswith("#") and draw(st.booleans()):
            stripped = re.sub(r"(?<=[,{]) (?=[^\s])", lambda _m: " " * draw(st.integers(1, 3)), stripped, count=2)
        if stripped and draw(st.integers(0, 9)) == 0:
            out.append(" " * (level * width) + "# " + draw(st.text("abc xyz", min_size=0, max_size=8)))
        suffix = f"  # {draw(st.text('note ', max_size=6))}" if stripped and "#" not in stripped \
            and draw(st.integers(0, 7)) == 0 else ""
        out.append(" " * (level * width) + stripped + suffix)
    return "\n".join(out) + "\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_layout_formats_to_the_same_program(data) -> None:
    path = data.draw(st.sampled_from(FILES))
    original = path.read_text(encoding="utf-8")
    text = data.draw(relayout(original))
    formatted = format_flow(text)
    assert format_flow(formatted) == formatted
    assert sorted(comments(formatted)) == sorted(comments(text))
    assert compiled(path, formatted)[0] == compiled(path, text)[0]  # spaces in an intrinsic call are its ASL


# -- the command -------------------------------------------------------------------------------------------
def test_fmt_check_diff_write_and_stdin(tmp_path: Path) -> None:
    path = tmp_path / "w.flow"
    path.write_text("workflow W\n    A:   pass\n    B: succeed\n", encoding="utf-8")
    check = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert check.exit_code == 1 and "would reformat" in check.output
    diff = CliRunner().invoke(main, ["fmt", "--diff", str(path)])
    assert diff.exit_code == 1 and "+  A: pass" in diff.output
    assert path.read_text() == "workflow W\n    A:   pass\n    B: succeed\n"  # --check/--diff write nothing
    done = CliRunner().invoke(main, ["fmt", str(tmp_path)])
    assert done.exit_code == 0 and path.read_text() == "workflow W\n  A: pass\n  B: succeed\n"
    assert CliRunner().invoke(main, ["fmt", "--check", str(path)]).exit_code == 0
    piped = CliRunner().invoke(main, ["fmt", "-"], input="workflow W\n    A:   pass\n")
    assert piped.exit_code == 0 and piped.output == "workflow W\n  A: pass\n"


def test_option_order_is_documented() -> None:
    assert OPTION_ORDER[-2:] == ("retry", "catch")


def test_a_deeply_nested_line_is_read_a_bounded_number_of_times(monkeypatch):
    # Found by fuzzing the LSP's features: `_break` re-scanned every nested object at every level, so a line
    # nested ~1,500 deep (which `fmt` formats even though it does not parse) took 15 s, and deeper ones ran out
    # of Python's recursion limit. Counted, not timed: the characters the formatter's tokeniser reads stay
    # within a small multiple of the file; below MAX_DEPTH levels (deeper than any program) a line stays whole.
    from flowc.dsl import formatter
    from flowc.dsl.limits import MAX_DEPTH

    real, scanned = formatter._TOKEN, []

    class Counting:
        def finditer(self, string, *args):
            scanned.append(len(string))
            return real.finditer(string, *args)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(formatter, "_TOKEN", Counting())
    for depth in (100, 2000):
        scanned.clear()
        text = "workflow W\n  A: pass with " + "{ a: " * depth + "1" + " }" * depth + "\n"
        out = formatter.format_flow(text)
        assert sum(scanned) <= 3 * len(text), (depth, sum(scanned), len(text))
        assert re.sub(r"\s", "", out) == re.sub(r"\s", "", text)  # nothing lost or added
        assert formatter.format_flow(out) == out
        lines = out.splitlines()
        assert lines[1] == "  A: pass with {" and lines[2].strip() == "a: {"  # broken level by level...
        if depth < MAX_DEPTH:
            assert lines[depth + 1].strip() == "a: 1" and len(lines) == 2 * depth + 2  # ...down to `a: 1`,
            assert lines[-1] == "    }"  # each object closed on its own line
        else:
            assert len(lines) == 2 * MAX_DEPTH + 2  # ...down to MAX_DEPTH levels, the rest on one line
            assert lines[MAX_DEPTH + 1].strip().startswith("a: { a: { a:") and lines[MAX_DEPTH + 1].endswith("} }")
