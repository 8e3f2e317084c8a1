"""Independent static oracles on everything the ASL target emits.

- each definition passes cfn-lint's Step Functions schema (rule E3601), wrapped in a minimal
  AWS::StepFunctions::StateMachine, and flowc's own error rules;
- each template.yaml transforms offline with aws-sam-translator and the CloudFormation it produces
  passes cfn-lint with zero errors.

cfn-lint's schema is not the last word: where it rejects what the AWS documentation defines, the match is
listed in KNOWN_CFN_LINT_GAPS with the page that says otherwise, and only that exact shape is ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flowc.compiler.pipeline import analyse
from flowc.targets.asl.target import render

from tests.helpers import CORPUS, CORPUS_FILES, EXAMPLES, WORKFLOWS
from tests.oracles.cfnlint import asl_errors, template_errors
from tests.oracles.sam import load_template, translate

SOURCES = [WORKFLOWS / n for n in EXAMPLES] + [CORPUS / n for n in CORPUS_FILES]
IDS = [p.relative_to(p.parents[1]).as_posix() for p in SOURCES]

# (regex on the cfn-lint message, why it is wrong, source)
KNOWN_CFN_LINT_GAPS = [
    (r"/States/[^/]+/(TimeoutSeconds|HeartbeatSeconds|MaxConcurrency|ToleratedFailure\w+|Seconds): "
     r"'\{%.*%\}' is not of type 'number'",
     "JSONata states take {% %} expressions in numeric fields",
     "https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html"),
    (r"/States/[^/]+/Parameters: Additional properties are not allowed \('Parameters' was unexpected\)",
     "Parallel states take Parameters (JSONPath only)",
     "https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html"),
    (r"/States/[^/]+/(InputPath|OutputPath): Additional properties are not allowed",
     "InputPath and OutputPath are common fields of every state but Fail, Succeed included",
     "https://states-language.net/spec.html#statetypes"),
]


def _real_errors(messages: list[str]) -> list[str]:
    return [m for m in messages if not any(re.search(rx, m) for rx, _, _ in KNOWN_CFN_LINT_GAPS)]


def _fake_substitutions(subs: dict) -> dict:
    return {key: f"arn:aws:lambda:us-east-1:123456789012:function:{key}" for key in subs}


@pytest.fixture(scope="module", params=SOURCES, ids=IDS)
def compiled(request):
    result = analyse([request.param])
    assert result.ok, [f"{d.span}: {d.code} {d.message}" for d in result.errors]
    return request.param, result


def test_every_definition_passes_cfn_lint_step_functions_schema(compiled):
    _, result = compiled
    for name, emitted in result.asl.items():
        errors = _real_errors(asl_errors(emitted.definition, _fake_substitutions(emitted.substitutions)))
        assert errors == [], f"{name}: {errors}"


def test_every_template_transforms_and_lints_clean(compiled, tmp_path):
    source, result = compiled
    out = tmp_path / "out"
    files = render(result, out, [str(source)])
    out.mkdir()
    for rel, text in files.items():
        (out / rel).write_text(text)
    template = load_template(out / "template.yaml")
    cfn = translate(template, base_dir=out)
    assert template_errors(cfn) == []
    machines = [r for r in cfn["Resources"].values() if r["Type"] == "AWS::StepFunctions::StateMachine"]
    assert len(machines) == len(result.asl)


def test_known_gaps_are_still_gaps():
    """If cfn-lint fixes its schema, drop the entry: each gap must still be reported by cfn-lint."""
    jsonata_numeric = {"QueryLanguage": "JSONata", "StartAt": "T", "States": {
        "T": {"Type": "Task", "Resource": "arn:aws:states:::sqs:sendMessage", "TimeoutSeconds": "{% 5 %}",
              "End": True}}}
    parallel_params = {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Parameters": {"a": 1}, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}], "End": True}}}
    succeed_paths = {"StartAt": "S", "States": {"S": {"Type": "Succeed", "InputPath": "$.a", "OutputPath": "$"}}}
    for definition in (jsonata_numeric, parallel_params, succeed_paths):
        found = asl_errors(definition)
        assert found and _real_errors(found) == [], found


@pytest.mark.parametrize("path", [Path("workflows/member_onboarding.flow")])
def test_a_broken_definition_is_caught_by_the_oracle(path):
    """The oracle can fail: a Task without Resource is reported."""
    result = analyse([path])
    definition = result.asl["MemberOnboarding"].definition
    broken = {**definition, "States": {**definition["States"], "Store": {"Type": "Task", "End": True}}}
    assert asl_errors(broken)
