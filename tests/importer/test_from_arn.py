"""`flowc import --from-arn`: a deployed machine's definition read with boto3, here from moto's server on
loopback (an independent Step Functions API implementation; no real AWS)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEFINITION = {"Comment": "deployed", "StartAt": "Hello",
              "States": {"Hello": {"Type": "Pass", "Result": {"hi": 1}, "Next": "Check"},
                         "Check": {"Type": "Choice", "Choices": [
                             {"Variable": "$.hi", "NumericEquals": 1, "Next": "Done"}], "Default": "Nope"},
                         "Nope": {"Type": "Fail", "Error": "Nope"},
                         "Done": {"Type": "Succeed"}}}


@pytest.fixture(scope="module")
def moto_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def _env(endpoint: str) -> dict[str, str]:
    return {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1", "PYTHONPATH": str(REPO)}


def test_from_arn_imports_the_deployed_definition(moto_server: str, tmp_path: Path) -> None:
    import boto3

    client = boto3.client("stepfunctions", region_name="us-east-1", endpoint_url=moto_server,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    arn = client.create_state_machine(name="hello-machine", definition=json.dumps(DEFINITION),
                                      roleArn="arn:aws:iam::123456789012:role/sfn", type="EXPRESS")["stateMachineArn"]
    out = tmp_path / "hello.flow"
    proc = subprocess.run([sys.executable, "-m", "flowc", "import", "--from-arn", arn, "-o", str(out)],
                          capture_output=True, text=True, env=_env(moto_server), timeout=120)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# Imported by `flowc import` from {arn}.")
    assert "workflow HelloMachine\n  doc \"deployed\"\n  type express\n" in text
    assert "round trip: identical ASL" in proc.stderr


def test_from_arn_reports_a_missing_machine(moto_server: str) -> None:
    arn = "arn:aws:states:us-east-1:123456789012:stateMachine:absent"
    proc = subprocess.run([sys.executable, "-m", "flowc", "import", "--from-arn", arn], capture_output=True,
                          text=True, env=_env(moto_server), timeout=120)
    assert proc.returncode == 1 and "error FLOW802: cannot read" in proc.stderr and "Traceback" not in proc.stderr


def test_from_arn_rejects_what_is_not_a_state_machine_arn() -> None:
    proc = subprocess.run([sys.executable, "-m", "flowc", "import", "--from-arn", "arn:aws:lambda:x"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)}, timeout=60)
    assert proc.returncode == 1 and "not a state machine ARN" in proc.stderr
