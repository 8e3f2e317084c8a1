"""Command-line conventions shared by every subcommand (issue 14 item 8)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.commands._options import Console, Progress

from tests.helpers import REPO, WORKFLOWS

WARN = "workflow W\n  function f handler \"h.f\" code \".\"\n  Done: succeed\n"
ESC = "\033["


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    (tmp_path / "w.flow").write_text(WARN)
    (tmp_path / "h.py").write_text("def f(event, context):\n    return event\n")  # the handler exists (FLOW106)
    return tmp_path


@pytest.mark.parametrize("command", ["lint", "check"])
@pytest.mark.parametrize("args, env, coloured", [
    (["--color", "always"], {}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    ([], {"FORCE_COLOR": "1"}, True),
    ([], {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
    ([], {}, False),  # not a terminal
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # an explicit flag beats the environment
])
def test_color_flag_and_environment(project, monkeypatch, command, args, env, coloured):
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, [command, *args, "w.flow"], color=False)
    assert "warning FLOW601" in result.output.replace(f"{ESC}1;33m", "").replace(f"{ESC}0m", "")
    assert (ESC in result.output) is coloured


def test_color_before_the_subcommand_too(project):
    assert ESC in CliRunner().invoke(main, ["--color", "always", "lint", "w.flow"]).output


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_drops_summaries_not_findings(project, where):
    args = ["-q", "lint", "w.flow"] if where == "before" else ["lint", "w.flow", "-q"]
    result = CliRunner().invoke(main, args)
    assert "warning FLOW601" in result.output and "linted" not in result.output
    check = CliRunner().invoke(main, ["check", "--quiet", "w.flow"])
    assert "warning FLOW601" in check.output and "ok:" not in check.output


def test_output_and_format_spelled_the_same_everywhere(project):
    runner = CliRunner()
    for command, option_names in {"lint": ("-o", "--output", "-f", "--format"),
                                  "check": ("-o", "--output", "-f", "--format"),
                                  "compile": ("-o", "--output"),
                                  "compare": ("-o", "--output", "-f", "--format"),
                                  "rules": ("-f", "--format")}.items():
        help_text = runner.invoke(main, [command, "--help"]).output
        for name in option_names:
            assert f"{name}" in help_text, (command, name)
        assert "--out " not in help_text and "--out," not in help_text  # old spelling hidden
        for common in ("--color", "-q, --quiet", "-v, --verbose"):
            assert common in help_text, (command, common)


def test_old_spellings_still_work(project):
    runner = CliRunner()
    assert runner.invoke(main, ["compile", "w.flow", "--out", "a"]).exit_code == 0
    assert runner.invoke(main, ["compile", "w.flow", "-o", "b"]).exit_code == 0
    assert runner.invoke(main, ["compile", "w.flow", "--output", "c"]).exit_code == 0
    names = [sorted(p.name for p in (project / d).iterdir()) for d in "abc"]
    assert names[0] == names[1] == names[2] and "W.asl.json" in names[0]


def test_rules_short_format(project):
    assert CliRunner().invoke(main, ["rules", "-f", "json"]).output.lstrip().startswith("[")


def test_test_k_matching_nothing_exits_non_zero(project):
    result = CliRunner().invoke(main, ["test", str(WORKFLOWS), "-k", "no-such-case-anywhere", "--target", "asl"])
    assert result.exit_code == 5 and "no test case matches -k 'no-such-case-anywhere'" in result.output


def test_rule_codes_complete_in_the_shell():
    env = {**os.environ, "PYTHONPATH": str(REPO), "_FLOWC_COMPLETE": "bash_complete",
           "COMP_WORDS": "flowc lint --select FLOW50", "COMP_CWORD": "3"}
    code = "import sys; from flowc.compiler.cli import main; main(prog_name='flowc')"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout
    assert out.split() == [f"plain,FLOW50{i}" for i in range(1, 7)]
    env["COMP_WORDS"], env["COMP_CWORD"] = "flowc explain flow60", "2"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True).stdout
    assert out.split() == ["plain,FLOW601", "plain,FLOW602", "plain,FLOW603"]


def test_console_precedence():
    assert Console("never").use_color() is False and Console("always").use_color() is True
    assert Console(verbosity=-1).quiet and not Console().interactive()


class _Tty:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_progress_draws_only_after_a_second(monkeypatch):
    stream = _Tty()
    bar = Progress("working", 3, enabled=True, stream=stream)
    bar.update(1)
    assert stream.text == ""  # fast work shows nothing
    bar.started -= 2
    bar.update(2, "case b")
    assert "working 2/3 case b" in stream.text
    bar.close()
    assert stream.text.endswith("\r\033[K")


def test_inline_status_after_the_dots_is_cleared_before_the_next_one():
    stream = _Tty()
    status = Progress("running", enabled=True, stream=stream, inline=True)
    status.started -= 2
    status.update()
    assert stream.text.startswith("\0337 running (2s)\0338")  # drawn after the cursor, cursor restored
    status.restart()
    assert stream.text.endswith("\033[K") and not status.drawn
    status.update()
    assert stream.text.endswith("\033[K")  # restarted: under a second again, nothing drawn


def test_run_quiet_prints_only_the_output(project):
    (project / "p.flow").write_text('workflow P\n  A: pass\n    value { ok: true }\n')
    loud = CliRunner().invoke(main, ["run", "p.flow", "--target", "asl"])
    quiet = CliRunner().invoke(main, ["run", "-q", "p.flow", "--target", "asl"])
    assert loud.exit_code == quiet.exit_code == 0, loud.output
    assert "SUCCEEDED" in loud.output and "SUCCEEDED" not in quiet.output
    assert '"ok": true' in quiet.output
