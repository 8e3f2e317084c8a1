"""flowc webhook verifier: checks GitHub's X-Hub-Signature-256 (HMAC-SHA256 of the raw body) before anything
starts. Deployed as the inline code of the route's Lambda; the secret comes from Secrets Manager or SSM
(FLOWC_SECRET: an ARN or name, or ssm:/parameter/name), the execution is started on FLOWC_TARGET (a state
machine ARN, or with FLOWC_TARGET_KIND=lambda the SQS chain's ingress function)."""
import base64
import hashlib
import hmac
import json
import os

_secret = None


def verify(secret, body, header):
    """True when `header` is GitHub's `sha256=<hex>` signature of `body` (bytes) under `secret` (bytes)."""
    if not isinstance(header, str) or not header.startswith("sha256="):
        return False
    expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


def load_secret(client=None):
    global _secret
    if _secret is None:
        import boto3

        source = os.environ["FLOWC_SECRET"]
        if source.startswith("ssm:"):
            ssm = client or boto3.client("ssm")
            _secret = ssm.get_parameter(Name=source[4:], WithDecryption=True)["Parameter"]["Value"]
        else:
            sm = client or boto3.client("secretsmanager")
            _secret = sm.get_secret_value(SecretId=source)["SecretString"]
    return _secret.encode()


def reply(status, body):
    return {"statusCode": status, "headers": {"content-type": "application/json"},
            "body": json.dumps(body, default=str)}


def handler(event, context, clients=None):
    clients = clients or {}
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()
    headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
    if not verify(load_secret(clients.get("secret")), raw, headers.get("x-hub-signature-256")):
        return reply(401, {"message": "missing or wrong X-Hub-Signature-256"})
    if headers.get("x-github-event") == "ping":
        return reply(200, {"message": "pong"})
    try:
        data = json.loads(raw or b"{}")
    except ValueError:
        return reply(400, {"message": "the request body must be JSON"})
    import boto3

    target = os.environ["FLOWC_TARGET"]
    if os.environ.get("FLOWC_TARGET_KIND") == "lambda":
        res = (clients.get("lambda") or boto3.client("lambda")).invoke(
            FunctionName=target, Payload=json.dumps(data).encode())
        return reply(200, json.loads(res["Payload"].read()))
    res = (clients.get("stepfunctions") or boto3.client("stepfunctions")).start_execution(
        stateMachineArn=target, input=json.dumps(data))
    return reply(200, {"executionArn": res["executionArn"], "startDate": res["startDate"]})
