"""HTTP routes: who may call them (GitHub signature, IAM, JWT, public), throttling and access logs.

The GitHub verifier is exercised with real HMAC-SHA256 signatures (GitHub's own documented example, a
computed one and wrong ones) against moto's Secrets Manager, SSM and Step Functions: nothing starts unless
the signature is right.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json

import pytest
from flowc.targets import http_api
from flowc.targets.asl.target import render

from tests.helpers import CORPUS, WORKFLOWS, compile_text

# GitHub's documentation ("Validating webhook deliveries"): this secret and payload give this signature.
GITHUB_SECRET = "It's a Secret to Everybody"
GITHUB_PAYLOAD = "Hello, World!"
GITHUB_SIGNATURE = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"


def sign(secret: str, body: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()


@pytest.fixture
def verifier(monkeypatch):
    from flowc.targets.webhook import verifier as module

    module = importlib.reload(module)  # a fresh cached secret per test
    return module


def test_githubs_documented_signature_verifies_and_others_do_not(verifier):
    secret, body = GITHUB_SECRET.encode(), GITHUB_PAYLOAD.encode()
    assert verifier.verify(secret, body, GITHUB_SIGNATURE)
    assert not verifier.verify(secret, body + b" ", GITHUB_SIGNATURE)  # body changed
    assert not verifier.verify(b"another secret", body, GITHUB_SIGNATURE)
    assert not verifier.verify(secret, body, GITHUB_SIGNATURE[:-1] + "0")
    assert not verifier.verify(secret, body, None)
    assert not verifier.verify(secret, body, "sha1=" + hashlib.sha1(body).hexdigest())


@pytest.fixture
def aws(monkeypatch):
    from moto import mock_aws

    for key, value in {"AWS_DEFAULT_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(key, value)
    with mock_aws():
        import boto3

        sfn = boto3.client("stepfunctions")
        arn = sfn.create_state_machine(
            name="m", roleArn="arn:aws:iam::123456789012:role/r",
            definition=json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
        monkeypatch.setenv("FLOWC_TARGET", arn)
        monkeypatch.setenv("FLOWC_TARGET_KIND", "states")
        yield boto3, sfn, arn


def request(body: str, signature: str | None, event: str = "member") -> dict:
    headers = {"content-type": "application/json", "x-github-event": event}
    if signature is not None:
        headers["x-hub-signature-256"] = signature
    return {"version": "2.0", "routeKey": "POST /hook", "headers": headers, "body": body, "isBase64Encoded": False}


@pytest.mark.parametrize("store", ["secretsmanager", "ssm"])
def test_only_a_signed_delivery_starts_an_execution(aws, verifier, monkeypatch, store):
    boto3, sfn, arn = aws
    secret = "webhook-secret-for-tests"
    if store == "ssm":
        boto3.client("ssm").put_parameter(Name="/github/hook", Value=secret, Type="SecureString")
        monkeypatch.setenv("FLOWC_SECRET", "ssm:/github/hook")
    else:
        boto3.client("secretsmanager").create_secret(Name="github/hook", SecretString=secret)
        monkeypatch.setenv("FLOWC_SECRET", "github/hook")
    body = json.dumps({"action": "member_added", "membership": {"user": {"login": "octocat"}}})

    for bad in (None, sign("wrong secret", body), GITHUB_SIGNATURE):
        assert verifier.handler(request(body, bad), None)["statusCode"] == 401
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []
    assert verifier.handler(request(body, sign(secret, body), "ping"), None)["statusCode"] == 200
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []

    reply = verifier.handler(request(body, sign(secret, body)), None)
    assert reply["statusCode"] == 200
    (execution,) = sfn.list_executions(stateMachineArn=arn)["executions"]
    assert json.loads(reply["body"])["executionArn"] == execution["executionArn"]
    assert json.loads(sfn.describe_execution(executionArn=execution["executionArn"])["input"]) == json.loads(body)


def test_a_signed_body_that_is_not_json_is_refused(aws, verifier, monkeypatch):
    boto3, sfn, arn = aws
    boto3.client("secretsmanager").create_secret(Name="s", SecretString="k")
    monkeypatch.setenv("FLOWC_SECRET", "s")
    assert verifier.handler(request("{nope", sign("k", "{nope")), None)["statusCode"] == 400
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []


def test_the_deployed_code_is_the_tested_module_and_fits_inline():
    code = http_api.verifier_code()
    assert len(code) < 4096  # CloudFormation's inline ZipFile limit
    from pathlib import Path

    from flowc.targets.webhook import verifier

    assert code == Path(verifier.__file__).read_text(encoding="utf-8")


# ------------------------------------------------------------------------------------------- templates --
def template_of(path) -> dict:
    from flowc.compiler.pipeline import analyse
    from ruamel.yaml import YAML

    result = analyse([path])
    assert result.ok
    return YAML(typ="safe", pure=True).load(render(result, path.parent / "out", [str(path)])["template.yaml"])


def of_type(template: dict, kind: str) -> dict:
    return {k: v for k, v in template["Resources"].items() if v["Type"] == kind}


def test_webhook_route_goes_through_the_verifier_with_least_privilege():
    t = template_of(WORKFLOWS / "member_onboarding.flow")
    (route,) = of_type(t, "AWS::ApiGatewayV2::Route").values()
    assert route["Properties"]["AuthorizationType"] == "NONE"
    integration = t["Resources"][route["Properties"]["Target"]["Fn::Sub"][len("integrations/${"):-1]]
    function = integration["Properties"]["IntegrationUri"]["Fn::GetAtt"][0]
    props = t["Resources"][function]["Properties"]
    assert props["InlineCode"] == http_api.verifier_code()
    statements = props["Policies"][0]["Statement"]
    assert statements == [
        {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": {"Fn::Sub":
            "arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
            "github/member-onboarding-webhook-??????"}},
        {"Effect": "Allow", "Action": ["states:StartExecution"], "Resource": {"Ref": "MemberOnboardingStateMachine"}}]
    # nothing else may start the machine from the API: no direct StartExecution integration
    assert not [i for i in of_type(t, "AWS::ApiGatewayV2::Integration").values()
                if i["Properties"].get("IntegrationSubtype") == "StepFunctions-StartExecution"]


def test_ssm_secret_is_read_from_its_parameter():
    t = template_of(WORKFLOWS / "workflow_chargeback.flow")
    (function,) = [f for k, f in of_type(t, "AWS::Serverless::Function").items() if k.endswith("Webhook")]
    props = function["Properties"]
    assert props["Environment"]["Variables"]["FLOWC_SECRET"] == "ssm:/github/chargeback-webhook-secret"
    assert props["Policies"][0]["Statement"][0] == {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": {
        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/github/chargeback-webhook-secret"}}


def test_jwt_and_iam_routes_throttling_and_access_logs():
    t = template_of(CORPUS / "integrations.flow")
    routes = {r["Properties"]["RouteKey"]: r["Properties"] for r in of_type(t, "AWS::ApiGatewayV2::Route").values()}
    assert routes["GET /orders/status"]["AuthorizationType"] == "AWS_IAM"
    jwt = routes["POST /orders"]
    assert jwt["AuthorizationType"] == "JWT" and jwt["AuthorizationScopes"] == ["orders/write"]
    authorizer = t["Resources"][jwt["AuthorizerId"]["Ref"]]["Properties"]
    assert authorizer["JwtConfiguration"] == {
        "Issuer": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Example", "Audience": ["orders-client"]}
    stage = t["Resources"]["HttpApiStage"]
    assert stage["Properties"]["DefaultRouteSettings"] == {"ThrottlingRateLimit": http_api.DEFAULT_RATE,
                                                           "ThrottlingBurstLimit": http_api.DEFAULT_BURST}
    assert stage["Properties"]["RouteSettings"] == {"POST /orders": {"ThrottlingRateLimit": 20.0,
                                                                      "ThrottlingBurstLimit": 40}}
    assert set(stage["DependsOn"]) == {k for k in of_type(t, "AWS::ApiGatewayV2::Route")}
    logs = stage["Properties"]["AccessLogSettings"]
    assert logs["DestinationArn"] == {"Fn::GetAtt": ["HttpApiAccessLogs", "Arn"]}
    assert json.loads(logs["Format"])["requestId"] == "$context.requestId"
    assert t["Resources"]["HttpApiAccessLogs"]["Properties"]["RetentionInDays"] == 30


# ------------------------------------------------------------------------------------------- lowering --
@pytest.mark.parametrize(("trigger", "code"), [
    ('on http POST "/x"', "FLOW103"),
    ('on http POST "/x" public auth iam', "FLOW102"),
    ('on http POST "/x" auth github', "FLOW103"),
    ('on http POST "/x" auth github secret "bad secret name!"', "FLOW101"),
    ('on http POST "/x" auth jwt audience "a"', "FLOW103"),
    ('on http POST "/x" auth jwt issuer "http://insecure" audience "a"', "FLOW103"),
    ('on http POST "/x" auth iam secret "s"', "FLOW102"),
    ('on http POST "/x" auth basic', "FLOW101"),
    ('on http POST "/x" auth iam throttle 0', "FLOW101"),
    ('on http POST "/x" auth iam burst 1.5', "FLOW101"),
    ('on schedule "rate(1 hour)" auth iam', "FLOW102"),
])
def test_bad_route_settings_are_reported_at_the_source(tmp_path, trigger, code):
    result = compile_text(tmp_path, f"workflow W\n  {trigger}\n  Go: pass\n")
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert [d.code for d in errors] == [code], [str(d.message) for d in errors]
    assert errors[0].span.line == 2


def test_both_front_ends_build_the_same_routes(tmp_path):
    from flowc.compiler.pipeline import analyse

    flow = tmp_path / "w.flow"
    flow.write_text('workflow W\n  on http GET "/health" public throttle 2 burst 4\n'
                    '  on http POST "/j" auth jwt issuer "https://i.example.com" audience ["a", "b"]\n  Go: pass\n')
    yaml = tmp_path / "w.flow.yaml"
    yaml.write_text("workflow: W\ntriggers:\n  - http: GET /health\n    public: true\n    throttle: 2\n    burst: 4\n"
                    "  - http: POST /j\n    auth: jwt\n    issuer: https://i.example.com\n    audience: [a, b]\n"
                    "steps:\n  - Go: pass\n")
    a, b = (analyse([p]).program.workflows["W"].triggers for p in (flow, yaml))
    assert [t.http for t in a] == [t.http for t in b]
    assert a[0].http.kind == "public" and a[1].http.audience == ["a", "b"]


def test_sqs_chain_verifier_invokes_the_ingress_function_only_when_signed(verifier, monkeypatch):
    """`FLOWC_TARGET_KIND=lambda`: a signed delivery becomes one direct invocation of the ingress function."""
    calls = []

    class Secrets:
        def get_secret_value(self, SecretId):
            return {"SecretString": "k"}

    class Lambda:
        def invoke(self, FunctionName, Payload):
            import io

            calls.append((FunctionName, json.loads(Payload)))
            return {"Payload": io.BytesIO(json.dumps({"executionArn": "W/1"}).encode())}

    monkeypatch.setenv("FLOWC_SECRET", "s")
    monkeypatch.setenv("FLOWC_TARGET", "stack-WIngressFunction")
    monkeypatch.setenv("FLOWC_TARGET_KIND", "lambda")
    clients = {"secret": Secrets(), "lambda": Lambda()}
    body = json.dumps({"n": 1})
    assert verifier.handler(request(body, sign("other", body)), None, clients)["statusCode"] == 401
    assert calls == []
    reply = verifier.handler(request(body, sign("k", body)), None, clients)
    assert reply["statusCode"] == 200 and json.loads(reply["body"]) == {"executionArn": "W/1"}
    assert calls == [("stack-WIngressFunction", {"n": 1})]
