"""Every labelled fixture of shared/corpus/asl-validation (asl-validator's and statelint's own test suites)
is classified like its label, except the four whose label we dispute, each with the reason and a citation.

A fixture is "invalid" for flowc when flowc reports at least one error. Fixtures flagged `nonarn-resource`
use a placeholder Task Resource such as "foo:bar" (statelint only wants a URI): they are judged with the
ARN rule (FLOW111) set aside, as the corpus README asks.
"""

from __future__ import annotations

import csv

import pytest

from tests import shared
from tests.lint.helpers import lint

pytestmark = shared.marker

ROOT = shared.path("corpus", "asl-validation")
MANIFEST = ROOT / "manifest.tsv"

# fixture -> (what flowc says, why the label is wrong, with the source)
DISPUTED = {
    "asl-validator/invalid-jsonata-surround-syntax-no-spaces.json": (
        "valid",
        "'{%10%}' is a JSONata expression: the AWS Step Functions developer guide ('Transforming data with "
        "JSONata') defines the syntax as a string starting with '{%' and ending with '%}'; it requires no space "
        "inside the delimiters, and AWS's own sample bedrock-evaluations-sam deploys \"{%$lowercase(...) %}\" "
        "(shared/corpus/real-asl).",
    ),
    "asl-validator/invalid-json-surround-syntax-extra-spaces.json": (
        "valid",
        "'{% \\n10         %}': whitespace between the delimiters is part of the JSONata expression, and JSONata "
        "ignores insignificant whitespace (JSONata 2.0 grammar; jsonata-python parses it as 10). The developer "
        "guide's syntax \"{% <JSONata expression> %}\" puts no limit on whitespace.",
    ),
    "asl-validator/valid-map-with-item-batcher-jsonata.json": (
        "invalid",
        "the top-level QueryLanguage is JSONata and the state LambdaTask sets QueryLanguage JSONPath: AWS Step "
        "Functions developer guide, 'State machine structure', QueryLanguage: 'When the top-level state machine "
        "query language is JSONPath, individual states can override the query language by setting QueryLanguage "
        "to JSONata ... You cannot revert a top-level JSONata-based state machine to a mix of JSONata and "
        "JSONPath states.' (the CDK enforces the same: a JSONata state machine cannot contain JSONPath states). AWS's "
        "own ValidateStateMachineDefinition answers this case with SCHEMA_VALIDATION_FAILED \"'QueryLanguage' can not "
        "be 'JSONPath' if set to 'JSONata' for whole state machine\" (response recorded against AWS in localstack's "
        "tests/aws/services/stepfunctions/v2/test_sfn_api_validation.snapshot.json, INVALID_DOWNGRADE_QUERY_LANGUAGE).",
    ),
    "asl-validator/valid-map-tolerated.json": (
        "invalid",
        "ToleratedFailureCount/ToleratedFailurePercentage on an inline Map (no ProcessorConfig Mode DISTRIBUTED): "
        "the AWS Step Functions developer guide defines them as Distributed Map fields ('Distributed Map state'); "
        "an inline Map fails on its first failed iteration whatever they say (moto logs that they have no effect). "
        "asl-validator's schema accepts them on any Map; FLOW112 refuses them (issue 13 item 3).",
    ),
}


def rows() -> list[dict]:
    if not MANIFEST.exists():
        return []
    with MANIFEST.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def classify(row: dict) -> tuple[str, list]:
    diags = lint((ROOT / row["path"]).read_text(encoding="utf-8"), row["path"])
    errors = [d for d in diags if d.severity.value == "error"]
    if "nonarn-resource" in row["flags"]:
        errors = [d for d in errors if d.code != "FLOW111"]
    return ("invalid" if errors else "valid"), errors


@pytest.mark.parametrize("row", rows(), ids=lambda r: r["path"])
def test_fixture_is_classified_like_its_label(row):
    got, errors = classify(row)
    expected = row["expected"]
    if row["path"] in DISPUTED:
        ours, why = DISPUTED[row["path"]]
        assert ours != expected and why
        expected = ours
    assert got == expected, (f"{row['path']}: labelled {row['expected']} ({row['reason']}), flowc says {got}: "
                             + "; ".join(f"{d.code} {d.message}" for d in errors))


def test_every_invalid_fixture_is_caught_by_an_error_not_a_crash():
    for row in rows():
        diags = lint((ROOT / row["path"]).read_text(encoding="utf-8"), row["path"])
        assert "FLOW000" not in {d.code for d in diags}, row["path"]


def test_counts():
    all_rows = rows()
    assert len(all_rows) == 184
    agree = sum(classify(r)[0] == r["expected"] for r in all_rows)
    assert agree == len(all_rows) - len(DISPUTED)
