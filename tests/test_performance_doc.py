"""docs/performance.md (written by benchmarks/perf_report.py) says which peers its numbers compare with and how
to reproduce them. The numbers themselves are the benchmarks' business: nothing here checks a duration."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "performance.md"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", REPO / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(spec.name, None)
    return module


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_the_document_names_each_peer_and_its_version():
    text = DOC.read_text(encoding="utf-8")
    lock = json.loads((REPO / "tests" / "oracles" / "node" / "package-lock.json").read_text(encoding="utf-8"))
    node_peer = lock["packages"]["node_modules/aws-local-stepfunctions"]["version"]
    assert f"aws-local-stepfunctions {node_peer}" in text
    run_extra = " ".join(_pyproject()["project"]["optional-dependencies"]["run"])
    moto = re.search(r"moto\[[^\]]*\]==([\d.]+)", run_extra)
    assert moto is not None and f"moto {moto.group(1)}" in text
    # the Python peers of the compile and lint sections, at the versions the bench group pins
    for req in _pyproject()["project"]["optional-dependencies"]["bench"]:
        peer = re.fullmatch(r"([a-z]+)==([\d.]+)", req)
        if peer:
            assert f"{peer.group(1)} {peer.group(2)}" in text, req


def test_the_document_says_how_to_reproduce_it():
    text = DOC.read_text(encoding="utf-8")
    assert _module("perf_report").REPRODUCE in text
    assert _module("bench_run").REPRODUCE in text
    assert "Machine: " in text and "## Run" in text


def test_peers_come_from_the_bench_group_never_from_a_user_install():
    extras = _pyproject()["project"]["optional-dependencies"]
    assert "bench" in extras
    assert "'.[bench]'" in _module("perf_report").REPRODUCE
    users = [req for name, reqs in extras.items() if name not in ("bench", "test") for req in reqs]
    users += _pyproject()["project"]["dependencies"]
    assert not [req for req in users if "aws-local-stepfunctions" in req or "bench" in req]


def test_sections_of_an_existing_document_are_kept_by_key():
    report = _module("perf_report")
    text = ("# Performance\n\nintro\n\n## Compile\n\nc table\n\n## Compile without lexing and parsing\n\nb table\n\n"
            "## Run\n\nr table\n")
    assert report.split_sections(text) == {"compile": "## Compile\n\nc table\n\n",
                                           "bound": "## Compile without lexing and parsing\n\nb table\n\n",
                                           "run": "## Run\n\nr table\n"}
