"""Nothing outside the repository is read unless the run asks for the shared corpora (`--shared DIR`).

A user, packager or contributor has only the clone; `.ci/run` passes `--shared=../shared`, and there a missing
folder fails the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests import shared

REPO = Path(__file__).resolve().parents[2]
# Ways a test could reach beside the repository without going through tests/shared.py.
OUTSIDE = re.compile(r"""REPO\.parent|parents\[\d+\]\s*/\s*["']\.\.["']|["'](?:\.\./)+shared|\.parent\s*/\s*["']shared""")


def test_no_test_names_a_path_beside_the_repository() -> None:
    offenders = []
    for path in sorted((REPO / "tests").rglob("*.py")):
        if path.name in ("shared.py", "outside_audit.py") or path == Path(__file__):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                offenders.append(f"{path.relative_to(REPO)}:{number}: {line.strip()}")
    assert offenders == [], "use tests.shared.path(...) and the 'shared' marker instead:\n" + "\n".join(offenders)


def _pytest(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    report = tmp_path / "outside.txt"
    env = {**os.environ, "FLOWC_OUTSIDE_REPORT": str(report)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.packaging.outside_audit", "-p", "no:xdist",
                          "-p", "no:cacheprovider", "-o", "addopts=", *args],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    seen = report.read_text(encoding="utf-8").split("\n") if report.is_file() and report.read_text() else []
    return run, seen


def test_collecting_the_whole_suite_reads_nothing_beside_the_repository(tmp_path: Path) -> None:
    run, seen = _pytest(tmp_path, "--collect-only", "-q", "tests")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert seen == []
    assert "were not run" in run.stdout  # the one visible line


def test_the_corpus_tests_are_reported_not_run_without_the_option(tmp_path: Path) -> None:
    run, seen = _pytest(tmp_path, "-q", "tests/lint/test_corpus_fixtures.py")
    assert run.returncode == 5, run.stdout[-2000:]  # everything in it was deselected: nothing ran
    assert re.search(r"\d+ deselected", run.stdout), run.stdout[-2000:]
    assert f"python -m pytest {shared.OPTION}=../shared" in run.stdout
    assert seen == []


def test_a_missing_shared_folder_fails_the_run(tmp_path: Path) -> None:
    run, _ = _pytest(tmp_path, "-q", f"--shared={tmp_path / 'nowhere'}", "tests/lint/test_corpus_fixtures.py")
    assert run.returncode != 0
    assert "not the shared folder" in run.stderr


def test_the_ci_form_of_the_option_finds_the_configuration(tmp_path: Path) -> None:
    """`.ci/run` gives no test path: the option must not be taken for one (pytest would then look for its
    configuration in the folder above the repository and not know the option)."""
    empty = tmp_path / "shared"
    run, _ = _pytest(tmp_path, "--collect-only", "-q", f"--shared={empty}")
    assert "not the shared folder" in run.stderr, run.stderr[-2000:]  # our check ran: the conftest was loaded
