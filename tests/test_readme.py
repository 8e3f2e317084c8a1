"""The README is part of the product: its commands and examples must keep working."""

from __future__ import annotations

import re
import shutil

from flowc.compiler.pipeline import analyse

from tests.helpers import REPO


def blocks(lang: str) -> list[str]:
    """Fenced code blocks of one language ("" for unlabelled ones), in order."""
    out, current, inside = [], [], None
    for line in (REPO / "README.md").read_text().splitlines():
        if line.startswith("```"):
            if inside is None:
                inside, current = line[3:].strip(), []
            else:
                if inside == lang:
                    out.append("\n".join(current) + "\n")
                inside = None
        elif inside is not None:
            current.append(line)
    return out


def test_exactly_two_setup_commands_and_ci_runs_the_second():
    setup = (REPO / "README.md").read_text().split("## Set up", 1)[1].split("##", 1)[0]
    commands = re.findall(r"```sh\n(.*?)```", setup, re.S)
    assert len(commands) == 2
    assert "flowc compile workflows/" in commands[0]
    assert "pytest" in commands[1]
    ci = (REPO / ".ci" / "run").read_text()
    assert f"{commands[1].strip()} --shared=../shared" in ci  # the same command, plus the corpus tests
    assert "-c constraints.txt" in commands[1]  # the oracles at the versions the tests were written against


def test_tour_and_yaml_examples_compile(tmp_path):
    tour = next(b for b in blocks("") if b.startswith("workflow MemberOnboarding"))
    (tmp_path / "tour.flow").write_text(tour)
    yaml = next(b for b in blocks("yaml") if b.startswith("workflow:"))
    (tmp_path / "tour.flow.yaml").write_text(yaml)
    shutil.copytree(REPO / "workflows" / "handlers", tmp_path / "handlers")  # the tour's `code "handlers"`
    for name in ("tour.flow", "tour.flow.yaml"):
        result = analyse([tmp_path / name])
        assert result.ok, [str(d.span) + " " + d.message for d in result.diagnostics]
