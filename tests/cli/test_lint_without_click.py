"""`flowc lint` with a plain command line runs without click (issue 14 item 10): the command line must be
read exactly as click reads it, anything else must be left to click, and the output must not change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flowc.compiler.commands import _lint_run
from flowc.compiler.commands._console import Console
from flowc.compiler.commands._group import main
from flowc.compiler.commands.lint import command

from tests.helpers import REPO

BAD = {"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                                        "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 2}],
                                        "Next": "Gone"}}}
GOOD = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


@pytest.fixture
def files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.asl.json").write_text(json.dumps(BAD, indent=2))
    (tmp_path / "good.asl.json").write_text(json.dumps(GOOD))
    (tmp_path / "subs.json").write_text('{"X": "1"}')
    (tmp_path / "pyproject.toml").write_text('[tool.flowc.lint]\nignore = ["FLOW405"]\n')
    (tmp_path / "folder").mkdir()
    return tmp_path


def _click_reads(argv: list[str]) -> tuple[dict, Console] | None:
    """What click passes to the lint command for `flowc lint ARGV`, and the console its callbacks set up;
    None when click refuses ARGV (a usage error) or answers it itself (help)."""
    root = click.Context(main, info_name="flowc")
    with root:
        try:
            ctx = command.make_context("lint", list(argv), parent=root)
        except (click.UsageError, click.exceptions.Exit):
            return None
    params = dict(ctx.params)
    if params.pop("stdin_filename") is not None:
        return None
    return params, root.obj if isinstance(root.obj, Console) else Console()


ARGVS = [
    ["-q", "-f", "json", "bad.asl.json", "good.asl.json"],
    ["-q", "--no-progress", "-f", "json", "bad.asl.json"],
    ["--format=sarif", "bad.asl.json"],
    ["--format", "github", "--strict", "."],
    ["bad.asl.json", "-f", "text", "-v", "-q"],
    ["-v", "-v", "-q", "-v", "bad.asl.json"],
    ["-q", "-v", "bad.asl.json"],
    ["--quiet", "--verbose", "--color", "always", "bad.asl.json"],
    ["--color=never", "--select", "FLOW5", "--ignore", "FLOW501", "--ignore=FLOW2", "bad.asl.json"],
    ["--workflow-type", "EXPRESS", "bad.asl.json"],
    ["--workflow-type", "Standard", "--by-content", "folder"],
    ["--workflow-type", "nope", "bad.asl.json"],
    ["-j", "1", "bad.asl.json"],
    ["--jobs", " 2 ", "bad.asl.json"],
    ["-j", "0", "bad.asl.json"],
    ["-j", "x", "bad.asl.json"],
    ["--jobs=+3", "bad.asl.json"],
    ["-o", "out.json", "-f", "json", "bad.asl.json"],
    ["-o", "folder", "bad.asl.json"],
    ["--output=report.sarif", "-f", "sarif"],
    ["--substitutions", "subs.json", "--config", "pyproject.toml", "bad.asl.json"],
    ["--substitutions", "missing.json", "bad.asl.json"],
    ["--config", "folder", "bad.asl.json"],
    ["missing.asl.json", "", "good.asl.json"],
    [],
    ["-f", "xml", "bad.asl.json"],
    ["-f"],
    ["-f", "-q", "bad.asl.json"],
    ["--select", "-q", "bad.asl.json"],
    ["-qf", "json", "bad.asl.json"],
    ["-fjson", "bad.asl.json"],
    ["-f=json", "bad.asl.json"],
    ["--strict=yes", "bad.asl.json"],
    ["--formats", "json", "bad.asl.json"],
    ["--", "-bad.asl.json"],
    ["-", "--stdin-filename", "x.asl.json"],
    ["-h"],
    ["--help"],
    ["--version"],
    ["-Z", "bad.asl.json"],
]


@pytest.mark.parametrize("argv", ARGVS, ids=[" ".join(a) or "(none)" for a in ARGVS])
def test_read_as_click_reads_it_or_left_to_click(files, argv):
    ours = _lint_run.parse(argv)
    if ours is None:
        return  # click reads it: nothing to compare
    theirs = _click_reads(argv)
    assert theirs is not None, f"click refuses {argv} but the click-free path would run it"
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1]


def test_the_ci_command_lines_do_not_need_click(files):
    for argv in (["-q", "-f", "json", "bad.asl.json"], ["--format", "github", "."], ["-q", "--no-progress", "."],
                 ["--format=sarif", "-o", "r.sarif", "bad.asl.json"], ["--strict", "--select", "FLOW5"]):
        assert _lint_run.parse(argv) is not None, argv


def test_streams_click_would_rewrap_are_left_to_click(files, monkeypatch):
    class Ascii:
        encoding = "ascii"

    monkeypatch.setattr(sys, "stdout", Ascii())
    assert _lint_run.parse(["bad.asl.json"]) is None


def test_shell_completion_is_left_to_click(files, monkeypatch):
    monkeypatch.setenv("_FLOWC_COMPLETE", "bash_complete")
    assert _lint_run.parse(["bad.asl.json"]) is None


def _flowc(args: list[str], cwd: Path, *, with_click: bool) -> subprocess.CompletedProcess:
    """`flowc ARGS` through the console entry point, or through the click group alone."""
    code = ("import sys\nfrom flowc.compiler.cli import main\nmain(prog_name='flowc')\n" if with_click else
            "import atexit, sys\nsys.argv[0] = 'flowc'\n"
            "atexit.register(lambda: print('CLICK', 'click' in sys.modules, file=sys.stderr))\n"
            "from flowc.compiler.cli import run\nrun()\n")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("NO_COLOR", None)
    env.pop("FORCE_COLOR", None)
    return subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("args", [
    ["-f", "text"], ["-q", "-f", "json"], ["-f", "sarif"], ["-f", "github"], ["--color", "always"],
    ["--strict", "-f", "json", "--select", "FLOW2"], ["-v", "--workflow-type", "express"],
])
def test_same_output_with_and_without_click(files, args):
    fast = _flowc(["lint", *args, "bad.asl.json", "good.asl.json"], files, with_click=False)
    slow = _flowc(["lint", *args, "bad.asl.json", "good.asl.json"], files, with_click=True)
    assert fast.stdout == slow.stdout and fast.stdout
    assert fast.returncode == slow.returncode
    assert fast.stderr.replace("CLICK False\n", "") == slow.stderr


def test_raw_asl_lint_does_not_import_click(files):
    """Nor pydantic or lark (run() exits: the probe prints from an exit handler)."""
    code = ("import atexit, sys\n"
            "atexit.register(lambda: print('MODULES=' + ','.join(sorted(sys.modules)), file=sys.stderr))\n"
            "sys.argv = ['flowc', 'lint', '-q', '-f', 'json', 'bad.asl.json']\n"
            "from flowc.compiler.cli import run\nrun()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=files, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 1 and json.loads(done.stdout)
    loaded = set(next(ln for ln in done.stderr.splitlines() if ln.startswith("MODULES="))[8:].split(","))
    assert "flowc.compiler.rules.flow204_missing_transition" in loaded  # the rules did run
    assert not {m for m in loaded if m.split(".")[0] in ("click", "pydantic", "lark")}


def test_a_flow_file_without_click_too(files):
    (files / "w.flow").write_text("workflow W\n  Done: succeed\n")
    done = _flowc(["lint", "w.flow"], files, with_click=False)
    assert done.returncode == 0, done.stderr
    assert "CLICK False" in done.stderr


@pytest.mark.parametrize("args", [
    ["lint", "-Z", "x.asl.json"], ["lint", "--strct", "x.asl.json"], ["lint", "-qZ", "x.asl.json"], ["-Q", "lint"],
    ["lint", "-j"], ["lint", "-f", "xml"], ["lint", "-fxml"], ["lint", "-f=json"], ["lint", "-q=1"],
    ["--colr", "always", "lint"], ["-q", "-v", "lint", "-q", "-f", "json", "-j", "1", "bad.asl.json"],
])
def test_short_options_first_reads_as_click_does(files, monkeypatch, args):
    """Under click, a short option skips the failed long-option lookup (and its did-you-mean ranking); the
    result, errors included, is what click's own parser gives."""
    from click.testing import CliRunner
    from flowc.compiler.commands import _options

    ours = CliRunner().invoke(main, args)
    monkeypatch.setattr(_options, "_SHORT_FIRST", {})
    monkeypatch.setattr(_options, "_short_first_class", lambda base: base)  # click's parser as it is
    stock = CliRunner().invoke(main, args)
    assert (ours.exit_code, ours.output) == (stock.exit_code, stock.output)


def test_short_options_parse_under_click(files):
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["-q", "lint", "-qf", "json", "-j", "1", "bad.asl.json"])
    assert result.exit_code == 1 and json.loads(result.stdout)[0]["file"] == "bad.asl.json"
