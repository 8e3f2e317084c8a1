"""Every ASL rule fires on a `.flow` source exactly where it fires on the ASL that source compiles to.

Each workflow (the bad examples below, the language corpus and the examples) is linted twice: as `.flow`,
and as the compiled `<Workflow>.asl.json` with the values the generated SAM template substitutes for its
placeholders. The template is read with cfn-lint's CloudFormation YAML decoder and intrinsics are resolved
from CloudFormation's documented return values per resource type - not from flowc's own placeholder table.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from flowc.compiler.lint.runner import Options, analyse_flow, lint_asl_text
from flowc.compiler.rules import all_rules

from tests.helpers import REPO, WORKFLOWS

# Rules about the raw text of a file (its syntax, keys, YAML scalars, placeholders), not the definition.
RAW_TEXT_RULES = {"FLOW100", "FLOW106", "FLOW107", "FLOW108", "FLOW113"}
ASL_RULES = sorted(code for code, cls in all_rules().items() if cls.target == "asl" and code not in RAW_TEXT_RULES)

F = '  function f handler "h.f" code "."\n'
RETRIED = "    retry Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, " \
          "Lambda.TooManyRequestsException max_delay 10s\n"
BAD = {
    "FLOW504": F + "  Call: invoke f\n",
    "FLOW504-partial": F + "  Call: invoke f\n    retry Lambda.ServiceException max_delay 5s\n",
    "FLOW504-async": F + "  Call: invoke f async\n",
    "FLOW501": F + "  Call: invoke f\n    retry States.ALL attempts 5 backoff 3\n",
    "FLOW502": F + "  Call: invoke f callback with { t: $$.Task.Token }\n" + RETRIED,
    "FLOW502-start": "  Run: start Child sync\n  Done: succeed\nworkflow Child\n  Done: succeed\n",
    "FLOW503": "  Pick: choose\n    if $.a == 1 goto Done\n    else raise States.NoChoiceMatched\n  Done: succeed\n",
    "FLOW405": "  Nothing: pass\n  Done: succeed\n",
    "FLOW505": F + "  Each: map $.items\n    do\n      Work: invoke f\n" + RETRIED.replace("    ", "        "),
    "FLOW208": "  query jsonata\n  A: pass\n    output \"{% $missing %}\"\n",
    "FLOW402": "  type express\n  Run: start Child sync\n    timeout 60s\nworkflow Child\n  Done: succeed\n",
    "FLOW302": "  A: pass\n    with { v: States.Format('{} {}', $.a) }\n",
    "FLOW205": "  A: wait 5s\n  B: wait 1s\n  goto A\n",
    "FLOW110": F + "  Call: invoke f\n" + RETRIED + "    catch States.ALL goto Done\n    catch States.Timeout goto Done\n"
               "  Done: succeed\n",
    "FLOW109": F + "  Call: invoke f\n    timeout 0s\n" + RETRIED,
    "FLOW404": "  A: pass\n    value { big: \"" + "x" * 270_000 + "\" }\n",
    "FLOW307": "  query jsonata\n  A: pass\n    output \"{% $states.result %}\"\n",
}


def _write(tmp_path: Path, key: str, body: str) -> Path:
    path = tmp_path / f"{key}.flow"
    path.write_text(body if body.startswith("workflow") else "workflow W\n" + body)
    return path


# -- the values CloudFormation substitutes (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/
#    aws-resource-<type>.html#aws-resource-<type>-return-values) --------------------------------------------
ACCOUNT, REGION, STACK = "123456789012", "us-east-1", "stack"
REF = {
    "AWS::Serverless::Function": "{name}",
    "AWS::DynamoDB::Table": "{name}",
    "AWS::SNS::Topic": "arn:aws:sns:{region}:{account}:{name}",
    "AWS::SQS::Queue": "https://sqs.{region}.amazonaws.com/{account}/{name}",
    "AWS::Events::EventBus": "{name}",
    "AWS::StepFunctions::Activity": "arn:aws:states:{region}:{account}:activity:{name}",
    "AWS::S3::Bucket": "{name}",
    "AWS::Serverless::StateMachine": "arn:aws:states:{region}:{account}:stateMachine:{name}",
}
GETATT_ARN = {
    "AWS::Serverless::Function": "arn:aws:lambda:{region}:{account}:function:{name}",
    "AWS::DynamoDB::Table": "arn:aws:dynamodb:{region}:{account}:table/{name}",
    "AWS::SQS::Queue": "arn:aws:sqs:{region}:{account}:{name}",
    "AWS::Events::EventBus": "arn:aws:events:{region}:{account}:event-bus/{name}",
    "AWS::S3::Bucket": "arn:aws:s3:::{name}",
}
PSEUDO = {"AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::StackName": STACK}


def _resolve(value, resources: dict) -> str:
    def shape(table: dict, logical: str) -> str:
        return table[resources[logical]["Type"]].format(region=REGION, account=ACCOUNT, name=f"{STACK}-{logical}")

    if isinstance(value, str):
        return value
    (fn, arg), = value.items()
    if fn == "Ref":
        return PSEUDO.get(arg) or shape(REF, arg)
    if fn == "Fn::GetAtt":
        logical, attr = arg if isinstance(arg, list) else arg.split(".", 1)
        assert attr == "Arn", attr
        return shape(GETATT_ARN, logical)
    if fn == "Fn::Sub":
        text = arg if isinstance(arg, str) else arg[0]
        for k, v in PSEUDO.items():
            text = text.replace("${" + k + "}", v)
        return text
    raise AssertionError(f"unexpected intrinsic {value}")


def _compiled_findings(analysis, tmp_path: Path) -> set[tuple[str, str]]:
    from cfnlint.decode.cfn_yaml import loads
    from flowc.targets.asl.target import render

    files = render(analysis.result, tmp_path / "out", ["src"])
    template = loads(files["template.yaml"])
    resources = template["Resources"]
    found = set()
    for logical, res in resources.items():
        if res["Type"] != "AWS::Serverless::StateMachine":
            continue
        props = res["Properties"]
        uri = props["DefinitionUri"]
        subs = {k: _resolve(v, resources) for k, v in (props.get("DefinitionSubstitutions") or {}).items()}
        subs.update({k: _resolve({"Ref": k}, resources) for k in PSEUDO})
        name = Path(uri).name
        diags = lint_asl_text(files[name], name, Options(substitutions=subs,
                                                          workflow_type=props.get("Type", "STANDARD")))
        found |= {(d.code, _normal(d.message)) for d in diags if d.code in ASL_RULES}
        assert logical
    return found


def _normal(message: str) -> str:
    """Resource names differ between the two (`${AWS::StackName}-F` and `stack-F...`): compare without ARNs."""
    return " ".join(w for w in message.split() if "arn:" not in w and "${" not in w and "https://" not in w)


def _flow_findings(analysis) -> set[tuple[str, str]]:
    return {(d.code, _normal(d.message)) for d in analysis.diagnostics if d.code in ASL_RULES}


def _parity(path: Path, tmp_path: Path) -> tuple[set, set]:
    analysis = analyse_flow([str(path)])
    assert analysis.result.program is not None, [str(d) for d in analysis.diagnostics]
    return _flow_findings(analysis), _compiled_findings(analysis, tmp_path)


@pytest.mark.parametrize("key", sorted(BAD))
def test_bad_example_fires_on_flow_as_on_compiled_asl(key, tmp_path):
    flow, compiled = _parity(_write(tmp_path, key, BAD[key]), tmp_path)
    code = key.split("-")[0]
    assert code in {c for c, _ in compiled}, f"the bad example for {code} does not trigger it on the ASL"
    assert flow == compiled


SOURCES = sorted([*(REPO / "tests" / "corpus" / "flow").glob("*.flow"), *WORKFLOWS.glob("*.flow"),
                  *WORKFLOWS.glob("*.flow.yaml")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_corpus_and_examples_agree(path, tmp_path):
    flow, compiled = _parity(path, tmp_path)
    assert flow == compiled


def test_the_example_table_covers_the_reliability_rules():
    covered = {k.split("-")[0] for k in BAD}
    assert {"FLOW501", "FLOW502", "FLOW503", "FLOW504", "FLOW505", "FLOW405", "FLOW208"} <= covered
