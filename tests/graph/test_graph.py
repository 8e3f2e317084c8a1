"""`flowc graph`: the workflow as reviewers expect it, in mermaid, DOT and SVG, from the emitted ASL."""

from __future__ import annotations

import re
from pathlib import Path

import pydot
import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.compiler.pipeline import analyse
from flowc.targets.graph import dot, mermaid, svg
from flowc.targets.graph.model import from_asl

from tests.helpers import CORPUS, WORKFLOWS

EXAMPLES = sorted(WORKFLOWS.glob("*.flow")) + sorted(CORPUS.glob("*.flow"))


def graphs(path: Path):
    result = analyse([path])
    assert result.ok, result.errors
    return {name: from_asl(emitted.definition) for name, emitted in result.asl.items()}


def test_choice_and_catch_arcs_carry_their_labels() -> None:
    (g,) = graphs(WORKFLOWS / "member_onboarding.flow").values()
    labels = {(e.source, e.target, e.kind): e.label for e in g.edges}
    assert labels[("CheckEvent", "AddToTeam", "choice")] == '$.action == "member_added"'
    assert labels[("CheckEvent", "Ignored", "default")] == "otherwise"
    assert labels[("AddToTeam", "NotifyFailure", "catch")] == "States.ALL"
    text = mermaid.flowchart(g.nodes, g.edges)
    assert '-- "$.action == #quot;member_added#quot;" -->' in text
    assert '-. "States.ALL" .->' in text


def test_parallel_branches_sit_side_by_side_and_map_bodies_are_nested() -> None:
    (g,) = graphs(CORPUS / "parallel_map.flow").values()
    both = {n.id: n for n in g.nodes}
    assert both["Lines"].parent == "Both" and both["Lines"].branch == 0
    assert both["Echo"].parent == "Both" and both["Echo"].branch == 1
    assert both["Score"].parent == "Lines" and both["Score"].depth == 2
    text = mermaid.flowchart(g.nodes, g.edges)
    block = text.split('subgraph n0["Both (parallel)"]', 1)[1]
    assert block.lstrip().startswith("direction LR")  # branches laid out left to right
    assert 'subgraph n0b0["branch 1"]' in block and 'subgraph n0b1["branch 2"]' in block
    graph = pydot.graph_from_dot_data(dot.digraph(g.nodes, g.edges, "ParallelMap"))[0]
    both_cluster = graph.get_subgraphs()[0]
    assert [s.get_label() for s in both_cluster.get_subgraphs()] == ['"branch 1"', '"branch 2"']


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_renders_in_every_format(path: Path) -> None:
    for name, g in graphs(path).items():
        names = {n.id for n in g.nodes}
        text = mermaid.flowchart(g.nodes, g.edges)
        assert text.startswith("flowchart TD")
        assert len(re.findall(r"^\s+n\d+(?:\[|\{\{|\(\[)", text, re.M)) + text.count("subgraph n") >= len(names)
        parsed = pydot.graph_from_dot_data(dot.digraph(g.nodes, g.edges, name))
        assert parsed and len(parsed) == 1, name  # a real DOT parser accepts it
        drawn = svg.graph(g.nodes, g.edges, name)
        assert drawn.startswith("<svg") and all(f">{n}<" in drawn or n[:10] in drawn for n in names)


def test_long_names_wrap_instead_of_being_clipped(tmp_path: Path) -> None:
    long = "ProvisionTheNewMemberInEveryDownstreamSystemAndNotifyTheTeam"
    source = tmp_path / "long.flow"
    source.write_text(f'workflow Long\n  "{long}": pass\n  Done: succeed\n', encoding="utf-8")
    (g,) = graphs(source).values()
    drawn = svg.graph(g.nodes, g.edges, "Long")
    pieces = re.findall(r'font-weight="600">([^<]+)<', drawn)
    assert "".join(pieces[:-1]) == long  # the name, in pieces, nothing dropped
    assert all(len(p) <= svg.NAME_CHARS for p in pieces)
    assert "<br/>" in mermaid.flowchart(g.nodes, g.edges)


@pytest.mark.parametrize(("fmt", "start"), [("mermaid", "flowchart TD"), ("dot", 'digraph "MemberOnboarding"'),
                                            ("svg", "<svg")])
def test_the_command_prints_each_format(fmt: str, start: str) -> None:
    run = CliRunner().invoke(main, ["graph", str(WORKFLOWS / "member_onboarding.flow"), "--format", fmt])
    assert run.exit_code == 0, run.output
    assert run.output.startswith(start)


def test_the_command_writes_a_file_by_its_suffix_and_reports_bad_input(tmp_path: Path) -> None:
    out = tmp_path / "g.dot"
    run = CliRunner().invoke(main, ["graph", str(WORKFLOWS / "user_fanout.flow"), "-w", "ProcessUser", "-o", str(out)])
    assert run.exit_code == 0 and out.read_text().startswith('digraph "ProcessUser"')
    bad = tmp_path / "bad.flow"
    bad.write_text("workflow W\n  A: goto Nowhere\n", encoding="utf-8")
    failed = CliRunner().invoke(main, ["graph", str(bad)])
    assert failed.exit_code == 1 and "bad.flow:" in failed.output
    unknown = CliRunner().invoke(main, ["graph", str(WORKFLOWS / "user_fanout.flow"), "-w", "Nope"])
    assert unknown.exit_code == 2 and "have: " in unknown.output


def test_the_svg_puts_parallel_branches_side_by_side_and_labels_arcs() -> None:
    (g,) = graphs(CORPUS / "parallel_map.flow").values()
    drawn = svg.graph(g.nodes, g.edges, "ParallelMap")
    columns = re.findall(r'<g class="branch"><rect x="([\d.]+)" y="([\d.]+)"[^>]*/><text[^>]*>(branch \d)<', drawn)
    assert [label for _, _, label in columns] == ["branch 1", "branch 2"]
    (x1, y1, _), (x2, y2, _) = columns
    assert float(x2) > float(x1) and y1 == y2  # one row, two columns
    (g,) = graphs(WORKFLOWS / "member_onboarding.flow").values()
    drawn = svg.graph(g.nodes, g.edges, "MemberOnboarding")
    labels = re.findall(r'class="arc-label"[^>]*>([^<]+)<', drawn)
    assert "$.action == &quot;member_added&quot;" in labels and "States.ALL" in labels and "otherwise" in labels
