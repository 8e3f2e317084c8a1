"""The core install compiles, checks and lints without the `run` extra; commands that need it say what to
install in one line and exit 2 (never `internal error: ModuleNotFoundError`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from flowc.compiler.commands._extras import EXTRAS

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workflows" / "member_onboarding.flow"
# Runs the CLI with the run extra's modules made unimportable, as in a core-only install.
WITHOUT_EXTRA = ("import sys\n"
                 f"sys.modules.update(dict.fromkeys({list(EXTRAS['run'])!r}))\n"
                 "from flowc.compiler.cli import run\n"
                 "sys.argv = ['flowc', *sys.argv[1:]]\n"
                 "run()\n")


def flowc_without_extra(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)


@pytest.mark.parametrize("args", [
    ("compile", str(EXAMPLE), "--target", "asl", "--out", "asl"),
    ("compile", str(EXAMPLE), "--target", "sqs", "--out", "sqs"),
    ("check", str(EXAMPLE)),
    ("lint", str(EXAMPLE)),
])
def test_core_commands_work_without_the_run_extra(tmp_path: Path, args: tuple[str, ...]) -> None:
    run = flowc_without_extra(*args, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "internal error" not in run.stderr


@pytest.mark.parametrize("args", [
    ("run", str(EXAMPLE), "--input", "{}"),
    ("test", str(REPO / "workflows")),
    ("compare", str(EXAMPLE)),
])
def test_commands_that_need_the_extra_say_how_to_install_it(tmp_path: Path, args: tuple[str, ...]) -> None:
    run = flowc_without_extra(*args, cwd=tmp_path)
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "pip install 'flowc[run]'" in lines[0], run.stderr
