"""The HTTP API in front of a program's `on http` triggers, for both templates.

Every route says who may call it (lowered to `ir.HttpAuth`): `auth iam` (SigV4, `AWS_IAM`), `auth jwt` (a JWT
authorizer with issuer, audience, scopes), `auth github` (a small verifier Lambda checks GitHub's
X-Hub-Signature-256 with the secret from Secrets Manager or SSM *before* it starts anything) or `public`. The
stage throttles every route (a default, or the route's `throttle`/`burst`) and writes JSON access logs to a log
group with a retention. A route starts its workflow directly (Step Functions StartExecution integration) or
through the SQS chain's ingress function.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from flowc.compiler import ir
from flowc.targets import security

API = "HttpApi"
DEFAULT_RATE = 10.0  # requests per second per route, unless the route says `throttle`
DEFAULT_BURST = 20
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "time": "$context.requestTime",
    "method": "$context.httpMethod", "routeKey": "$context.routeKey", "status": "$context.status",
    "protocol": "$context.protocol", "responseLength": "$context.responseLength",
    "integrationError": "$context.integrationErrorMessage", "authorizerError": "$context.authorizer.error"},
    separators=(",", ":"))
AUTHORIZATION = {"public": "NONE", "github": "NONE", "iam": "AWS_IAM", "jwt": "JWT"}


def sub(text: str) -> dict:
    return {"Fn::Sub": text}


def getatt(logical: str, attr: str) -> dict:
    return {"Fn::GetAtt": [logical, attr]}


@dataclass
class Route:
    """One http trigger and what it starts: a state machine (`states`) or an SQS-chain ingress function."""

    trigger: ir.Trigger
    prefix: str  # logical-id prefix of the route's resources (the machine, or the workflow's base name)
    start: Literal["states", "lambda"]
    target: str  # logical id of the state machine or ingress function
    index: int


def verifier_code() -> str:
    return (Path(__file__).parent / "webhook" / "verifier.py").read_text(encoding="utf-8")


def secret_grant(secret: str) -> dict[str, Any]:
    """Read access to exactly the webhook secret: a Secrets Manager secret (its ARN carries a 6-character
    suffix the name does not) or an SSM parameter."""
    if secret.startswith("ssm:/"):
        return {"Effect": "Allow", "Action": ["ssm:GetParameter"],
                "Resource": sub("arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/"
                                + secret[5:].lstrip("/"))}
    if secret.startswith("arn:") and ":ssm:" in secret:
        return {"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": secret}
    if secret.startswith("arn:"):
        tail = secret.split(":secret:", 1)[-1]
        arn = secret if len(tail) > 7 and tail[-7] == "-" else secret + "-??????"
        return {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"], "Resource": arn}
    return {"Effect": "Allow", "Action": ["secretsmanager:GetSecretValue"],
            "Resource": sub("arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:"
                            + secret + "-??????")}


def secret_env(secret: str) -> str:
    if secret.startswith("arn:") and ":ssm:" in secret:
        return "ssm:/" + secret.split(":parameter/", 1)[-1].lstrip("/")
    return secret


class HttpApiBuilder:
    def __init__(self, routes: list[Route]):
        self.routes = routes
        self.resources: dict[str, Any] = {}

    def build(self) -> tuple[dict[str, Any], dict[str, Any]]:
        if not self.routes:
            return {}, {}
        r = self.resources
        r[API] = {"Type": "AWS::ApiGatewayV2::Api", "Properties": {
            "Name": sub("${AWS::StackName}-api"), "ProtocolType": "HTTP"}}
        r[API + "AccessLogs"] = security.log_group(sub("/aws/vendedlogs/apigateway/${AWS::StackName}-api"))
        throttled: dict[str, Any] = {}
        route_ids = []
        for route in self.routes:
            logical = self.route(route)
            route_ids.append(logical)
            auth = route.trigger.http
            if auth is not None and (auth.throttle is not None or auth.burst is not None):
                throttled[f"{route.trigger.method} {route.trigger.path}"] = {
                    "ThrottlingRateLimit": auth.throttle if auth.throttle is not None else DEFAULT_RATE,
                    "ThrottlingBurstLimit": auth.burst if auth.burst is not None else DEFAULT_BURST}
        stage: dict[str, Any] = {"Type": "AWS::ApiGatewayV2::Stage", "Properties": {
            "ApiId": {"Ref": API}, "StageName": "$default", "AutoDeploy": True,
            "AccessLogSettings": {"DestinationArn": getatt(API + "AccessLogs", "Arn"), "Format": ACCESS_LOG_FORMAT},
            "DefaultRouteSettings": {"ThrottlingRateLimit": DEFAULT_RATE, "ThrottlingBurstLimit": DEFAULT_BURST}}}
        if throttled:
            stage["Properties"]["RouteSettings"] = dict(sorted(throttled.items()))
            stage["DependsOn"] = sorted(route_ids)  # route settings name routes that must exist first
        r[API + "Stage"] = stage
        outputs = {"HttpApiUrl": {"Description": "Base URL of the HTTP API",
                                  "Value": sub("https://${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}")}}
        return dict(sorted(r.items())), outputs

    def route(self, route: Route) -> str:
        t = route.trigger
        auth = t.http or ir.HttpAuth(kind="public")
        logical = f"{route.prefix}Route{route.index}"
        if auth.kind == "github":
            integration = self.webhook(route, logical, auth.secret or "")
        elif route.start == "states":
            integration = self.states_integration(route)
        else:
            integration = self.lambda_integration(route.target, route.target + "Integration")
        props: dict[str, Any] = {"ApiId": {"Ref": API}, "RouteKey": f"{t.method} {t.path}",
                                 "AuthorizationType": AUTHORIZATION[auth.kind],
                                 "Target": sub("integrations/${" + integration + "}")}
        if auth.kind == "jwt":
            authorizer = logical + "Authorizer"
            self.resources[authorizer] = {"Type": "AWS::ApiGatewayV2::Authorizer", "Properties": {
                "ApiId": {"Ref": API}, "AuthorizerType": "JWT", "Name": authorizer,
                "IdentitySource": ["$request.header.Authorization"],
                "JwtConfiguration": {"Issuer": auth.issuer, "Audience": list(auth.audience)}}}
            props["AuthorizerId"] = {"Ref": authorizer}
            if auth.scopes:
                props["AuthorizationScopes"] = list(auth.scopes)
        self.resources[logical] = {"Type": "AWS::ApiGatewayV2::Route", "Properties": props}
        return logical

    def states_integration(self, route: Route) -> str:
        """StartExecution straight from API Gateway, with a role that may start only this machine."""
        machine = route.target
        integration, role = machine + "Integration", machine + "ApiRole"
        if integration in self.resources:
            return integration
        self.resources[role] = {"Type": "AWS::IAM::Role", "Properties": {
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
            "Policies": [{"PolicyName": "StartExecution", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Action": "states:StartExecution", "Resource": {"Ref": machine}}]}}]}}
        self.resources[integration] = {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": API}, "IntegrationType": "AWS_PROXY",
            "IntegrationSubtype": "StepFunctions-StartExecution", "PayloadFormatVersion": "1.0",
            "CredentialsArn": getatt(role, "Arn"),
            "RequestParameters": {"StateMachineArn": {"Ref": machine}, "Input": "$request.body"}}}
        return integration

    def lambda_integration(self, function: str, integration: str) -> str:
        if integration in self.resources:
            return integration
        self.resources[integration] = {"Type": "AWS::ApiGatewayV2::Integration", "Properties": {
            "ApiId": {"Ref": API}, "IntegrationType": "AWS_PROXY", "IntegrationUri": getatt(function, "Arn"),
            "PayloadFormatVersion": "2.0"}}
        self.resources[function + "ApiPermission"] = {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": {"Ref": function},
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${HttpApi}/*/*")}}
        return integration

    def webhook(self, route: Route, logical: str, secret: str) -> str:
        """The verifier Lambda for one `auth github` route: it may read the secret and start the workflow."""
        function = logical + "Webhook"
        if route.start == "states":
            start = {"Effect": "Allow", "Action": ["states:StartExecution"], "Resource": {"Ref": route.target}}
            target: Any = {"Ref": route.target}
        else:
            start = {"Effect": "Allow", "Action": ["lambda:InvokeFunction"], "Resource": getatt(route.target, "Arn")}
            target = {"Ref": route.target}
        self.resources[function] = {"Type": "AWS::Serverless::Function", "Properties": {
            "Description": f"flowc: checks the GitHub signature of {route.trigger.method} {route.trigger.path} "
                           "before starting anything",
            "Runtime": "python3.12", "Handler": "index.handler", "InlineCode": verifier_code(),
            "Timeout": 10, "MemorySize": 256,
            "Environment": {"Variables": {"FLOWC_SECRET": secret_env(secret), "FLOWC_TARGET": target,
                                          "FLOWC_TARGET_KIND": route.start}},
            "Policies": [{"Version": "2012-10-17", "Statement": [secret_grant(secret), start]}]}}
        self.resources[function + "Logs"] = security.log_group(sub("/aws/lambda/${" + function + "}"))
        return self.lambda_integration(function, function + "Integration")


def build(routes: list[Route]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(resources, outputs) of the HTTP API for these routes; nothing when there are none."""
    return HttpApiBuilder(routes).build()
