"""SARIF and GitHub output that CI systems accept (issue 14 item 7).

The SARIF is validated against the official OASIS SARIF 2.1.0 schema (vendored in tests/lint/data) with
jsonschema and a format checker (rfc3987 checks `uri` / `uri-reference`).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-2.1.0.json").read_text(encoding="utf-8"))
BAD = '{\n  "StartAt": "A",\n  "States": {\n    "A": {"Type": "Pass", "Next": "Nowhere"}\n  }\n}\n'
FLOW = 'workflow W\n  function f handler "h.f" code "."\n  Done: succeed\n'


def validate(doc: dict) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_format_checker_catches_a_bad_uri_reference():
    """The validation can fail: the pre-fix output (a raw '#' and spaces in a uri-reference) is rejected."""
    doc = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{
        "message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {
            "uri": "my onboarding#1#.flow"}}}]}]}]}
    with pytest.raises(AssertionError, match="uri-reference"):
        validate(doc)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "flows").mkdir()
    (tmp_path / "flows" / "my onboarding#1.flow").write_text(FLOW)
    (tmp_path / "flows" / "bad state.asl.json").write_text(BAD)
    monkeypatch.chdir(tmp_path / "flows")
    return tmp_path


def _sarif(*args: str) -> dict:
    result = CliRunner().invoke(main, ["lint", "-f", "sarif", *args])
    return json.loads(result.stdout)


def test_sarif_is_valid_with_uris_relative_to_the_repository_root(repo):
    doc = _sarif(".")
    validate(doc)
    run = doc["runs"][0]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base.startswith("file:///") and base.endswith("/") and Path(base[7:]) == repo.resolve()
    uris = sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]})
    assert uris == ["flows/bad%20state.asl.json", "flows/my%20onboarding%231.flow"]


def test_file_outside_the_repository_gets_an_absolute_file_uri(repo, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "x.asl.json"
    outside.write_text(BAD)
    doc = _sarif(str(outside))
    validate(doc)
    location = doc["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": outside.resolve().as_uri()}


def test_fingerprints_are_stable_across_unrelated_edits_and_distinct_per_finding(repo):
    first = _sarif(".")
    path = repo / "flows" / "bad state.asl.json"
    path.write_text("\n\n" + BAD)  # the finding moves down two lines
    second = _sarif(".")

    def prints(doc: dict) -> dict:
        return {r["ruleId"] + r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]:
                r["partialFingerprints"] for r in doc["runs"][0]["results"]}

    assert prints(first) == prints(second)
    values = [next(iter(r["partialFingerprints"].values())) for r in second["runs"][0]["results"]]
    assert len(set(values)) == len(values)


def test_github_paths_are_relative_to_the_repository_root(repo):
    result = CliRunner().invoke(main, ["lint", "-f", "github", "."])
    files = sorted({line.split("file=")[1].split(",")[0] for line in result.stdout.splitlines()
                    if line.startswith("::")})
    assert files == ["flows/bad state.asl.json", "flows/my onboarding#1.flow"]


def test_step_summary_lists_everything_when_annotations_would_be_dropped(repo, monkeypatch):
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    for i in range(12):
        (repo / "flows" / f"b{i:02}.asl.json").write_text(BAD)
    result = CliRunner().invoke(main, ["lint", "-f", "github", "."])
    assert result.exit_code == 1
    table = summary.read_text()
    assert "| error | FLOW201 | `flows/b11.asl.json:4:" in table
    assert table.count("| error | FLOW201 |") == 13


def test_no_step_summary_when_every_annotation_shows(repo, monkeypatch):
    summary = repo / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    CliRunner().invoke(main, ["lint", "-f", "github", "."])
    assert not summary.exists()
