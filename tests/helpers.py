"""Shared test helpers: where things are, and compiling snippets of `.flow`."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowc.compiler.pipeline import analyse
from flowc.compiler.result import CompileResult

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"
CORPUS = REPO / "tests" / "corpus" / "flow"
EXAMPLES = sorted(p.name for p in WORKFLOWS.glob("*.flow"))
CORPUS_FILES = sorted(p.name for p in CORPUS.glob("*.flow"))


def compile_text(tmp_path: Path, source: str, name: str = "t.flow", *, all_severities: bool = False
                 ) -> CompileResult:
    path = tmp_path / name
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return analyse([path], all_severities=all_severities)


def codes(result: CompileResult) -> list[str]:
    return [d.code for d in result.diagnostics if d.severity.value == "error"]
