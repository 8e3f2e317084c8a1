"""moto's server on 127.0.0.1 as the AWS account `flowc deploy` / `run --remote` / `history` talk to.

`MotoAccount` starts `moto.server.ThreadedMotoServer` on a free loopback port (in this process, so the
patches below apply to it), turns on moto's Step Functions interpreter, and stops it all on exit. flowc
reaches it only through `--endpoint-url`, with made-up credentials that the tests check are never printed.

moto gaps met on the deploy path, patched here (test side only; each is a `PatchTarget` the canary test
resolves, so a moto upgrade that moves one fails loudly):

- `cfn_state_machine_backend`: CloudFormation creates `AWS::StepFunctions::StateMachine` in
  `stepfunctions_backends`, but with `execute_state_machine` on the API serves `stepfunctions_parser_backends`:
  a machine created by a stack is invisible to StartExecution ("not executable"). The module attribute the
  CloudFormation model uses is pointed at the interpreter's backend.
- `cfn_state_machine_create` / `_update`: moto ignores `DefinitionSubstitutions`, so `${AddToTeamFunctionArn}`
  would reach the interpreter verbatim; the substitutions are applied to `DefinitionString` first (what
  CloudFormation does).
- `cfn_change_set_outputs`: a stack created or updated through a change set keeps the outputs of the
  template it had before (none for a new stack); they are recomputed after ExecuteChangeSet.
- `lambda_invoke`: the Docker-less Lambda only echoes its payload; here it runs the handler from the code
  zip flowc uploaded (extracted once per content hash), and reports an exception as a function error.
- The interpreter patches of `tests/oracles/sfn.py` (JSONata, startExecution.sync parameter casing, Wait
  and Retry without real sleeping, ...), for the same reasons as there.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import re
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

from flowc.targets.local import load_handler

from tests.oracles.sfn import PATCH_TARGETS, PatchTarget, SfnOracle, error_type_of

REGION = "us-east-1"
# Made-up credentials: flowc must never print them (tests grep every output for both).
ACCESS_KEY_ID = "AKIAFLOWCTESTKEY0001"
SECRET_ACCESS_KEY = "flowc-test-secret-never-printed"
MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}, "lambda": {"use_docker": False}}

DEPLOY_PATCH_TARGETS: dict[str, PatchTarget] = {
    "cfn_state_machine_backend": PatchTarget(
        "moto.stepfunctions.models", None, "stepfunctions_backends",
        "CloudFormation puts state machines where the interpreter's API does not look"),
    "cfn_state_machine_create": PatchTarget(
        "moto.stepfunctions.models", "StateMachine", "create_from_cloudformation_json",
        "DefinitionSubstitutions are ignored"),
    "cfn_state_machine_update": PatchTarget(
        "moto.stepfunctions.models", "StateMachine", "update_from_cloudformation_json",
        "DefinitionSubstitutions are ignored"),
    "cfn_change_set_outputs": PatchTarget(
        "moto.cloudformation.models", "CloudFormationBackend", "execute_change_set",
        "outputs are not recomputed when a change set is executed"),
}
# From the interpreter oracle: everything but its Lambda (which runs registered handlers, not zips).
ORACLE_PATCHES = [k for k in PATCH_TARGETS if k != "lambda_invoke"]

_SUB = re.compile(r"\$\{([A-Za-z0-9_.]+)\}")


def _substituted(cloudformation_json: dict[str, Any]) -> dict[str, Any]:
    props = dict(cloudformation_json.get("Properties") or {})
    subs = props.get("DefinitionSubstitutions") or {}
    text = props.get("DefinitionString")
    if isinstance(text, str) and subs:
        props["DefinitionString"] = _SUB.sub(lambda m: str(subs.get(m.group(1), m.group(0))), text)
    return {**cloudformation_json, "Properties": props}


class MotoAccount:
    """`with MotoAccount() as account:` then `account.endpoint`, `account.client("s3")`."""

    def __init__(self) -> None:
        self._stack: contextlib.ExitStack | None = None
        self._code = Path(tempfile.mkdtemp(prefix="flowc-lambda-code-"))
        self._lock = threading.Lock()
        self.invocations: list[tuple[str, Any]] = []
        self.endpoint = ""

    def __enter__(self) -> MotoAccount:
        from moto.server import ThreadedMotoServer

        stack = contextlib.ExitStack()
        try:
            logging.getLogger("werkzeug").setLevel(logging.ERROR)
            server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            server.start()
            stack.callback(server.stop)
            host, port = server.get_host_and_port()
            self.endpoint = f"http://{host}:{port}"
            # The interpreter's own boto3 calls (DynamoDB, SNS, startExecution...) go to this server too.
            stack.enter_context(mock.patch.dict(os.environ, {
                "MOTO_PORT": str(port), "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
                "AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION}))
            for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
                os.environ.pop(key, None)  # restored with the rest of os.environ by patch.dict above
            self._patch(stack)
            self.configure()
        except BaseException:
            stack.close()
            raise
        self._stack = stack
        return self

    def __exit__(self, *exc: object) -> None:
        if self._stack is not None:
            from moto.core.base_backend import BackendDict

            self._stack.close()
            self._stack = None
            BackendDict.reset()
            shutil.rmtree(self._code, ignore_errors=True)

    def configure(self) -> None:
        """Turn moto's interpreter on (again): an in-process `mock_aws` elsewhere in this process (flowc's
        local runs, other tests) resets every backend and moto's config when it stops."""
        import requests

        requests.post(f"{self.endpoint}/moto-api/config", json=MOTO_CONFIG, timeout=10).raise_for_status()

    # ---- clients ---------------------------------------------------------------------------------
    def client(self, service: str) -> Any:
        import boto3

        return boto3.client(service, endpoint_url=self.endpoint, region_name=REGION)

    def cli_options(self) -> list[str]:
        return ["--endpoint-url", self.endpoint, "--region", REGION, "--poll-interval", "0.05"]

    # ---- patches ---------------------------------------------------------------------------------
    def _patch(self, stack: contextlib.ExitStack) -> None:
        from moto.stepfunctions.parser.models import stepfunctions_parser_backends

        oracle = SfnOracle(REGION)
        replacements = oracle._replacements()
        for key in ORACLE_PATCHES:
            owner, _ = PATCH_TARGETS[key].resolve()
            stack.enter_context(mock.patch.object(owner, PATCH_TARGETS[key].attribute, replacements[key]))
        account = self
        create = DEPLOY_PATCH_TARGETS["cfn_state_machine_create"].resolve()[1].__func__
        update = DEPLOY_PATCH_TARGETS["cfn_state_machine_update"].resolve()[1].__func__
        execute = DEPLOY_PATCH_TARGETS["cfn_change_set_outputs"].resolve()[1]

        def create_sm(cls: Any, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str,
                      **kwargs: Any) -> Any:
            return create(cls, resource_name, _substituted(cloudformation_json), account_id, region_name, **kwargs)

        def update_sm(cls: Any, original_resource: Any, new_resource_name: str, cloudformation_json: Any,
                      account_id: str, region_name: str) -> Any:
            return update(cls, original_resource, new_resource_name, _substituted(cloudformation_json), account_id,
                          region_name)

        def execute_change_set(backend: Any, change_set_name: str, stack_name: str | None = None) -> None:
            execute(backend, change_set_name, stack_name)
            for found in backend.stacks.values():
                if stack_name in (found.name, found.stack_id):
                    found._parse_template()
                    found.output_map = found._create_output_map()

        def invoke(backend: Any, function_name: str, qualifier: str | None, body: Any, headers: Any,
                   response_headers: dict[str, str]) -> bytes:
            return account._invoke(backend, function_name, qualifier, body, response_headers)

        values = {"cfn_state_machine_backend": stepfunctions_parser_backends,
                  "cfn_state_machine_create": classmethod(create_sm),
                  "cfn_state_machine_update": classmethod(update_sm),
                  "cfn_change_set_outputs": execute_change_set}
        for key, value in values.items():
            owner, _ = DEPLOY_PATCH_TARGETS[key].resolve()
            stack.enter_context(mock.patch.object(owner, DEPLOY_PATCH_TARGETS[key].attribute, value))
        owner, _ = PATCH_TARGETS["lambda_invoke"].resolve()
        stack.enter_context(mock.patch.object(owner, "invoke", invoke))

    def _code_dir(self, code: bytes) -> Path:
        digest = hashlib.sha256(code).hexdigest()[:16]
        target = self._code / digest
        with self._lock:
            if not target.exists():
                with zipfile.ZipFile(io.BytesIO(code)) as archive:
                    archive.extractall(target)
        return target

    def _invoke(self, backend: Any, function_name: str, qualifier: str | None, body: Any,
                response_headers: dict[str, str]) -> bytes:
        fn = backend.get_function(function_name, qualifier)
        raw = body.decode() if isinstance(body, bytes) else (body or "")
        event = json.loads(raw) if raw.strip() else {}
        with self._lock:
            self.invocations.append((fn.function_name, event))
        try:
            handler = load_handler(self._code_dir(fn.code_bytes), fn.handler)
            result = handler(event, None)
        except Exception as exc:
            response_headers["x-amz-function-error"] = "Unhandled"
            return json.dumps({"errorType": error_type_of(exc), "errorMessage": str(exc)}).encode()
        return json.dumps(result).encode()


def check_deploy_patch_targets() -> list[str]:
    problems = []
    for key, target in DEPLOY_PATCH_TARGETS.items():
        try:
            target.resolve()
        except (ImportError, AttributeError) as ex:
            problems.append(f"{key}: {target} is gone ({ex})")
    return problems
