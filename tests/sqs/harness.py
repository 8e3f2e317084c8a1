"""Run the same workflow, inputs and handlers on both targets and compare what an observer would see.

The ASL target runs on moto's Step Functions interpreter (`tests.oracles.sfn.SfnOracle`), the SQS target on
`flowc.targets.sqs.simulator`. Both get the workflow's own Python handlers (or the same replacements). Outcomes are
compared after two normalisations, each a difference of environment and not of behaviour:

- execution ARNs (`...:execution:<machine>:<uuid>`) name different machines/ids in the two runs;
- a Lambda error's Cause is the runtime's JSON: moto's oracle writes {"errorType", "errorMessage"}, the local
  contract (`flowc.targets.local.lambda_error`, like AWS) adds a stack trace; errorType and errorMessage must match;
- Step Functions prefixes run-time error causes with "An error occurred while executing the state 'X'
  (entered at the event id #N). ": an SQS chain has no event ids (its prefix names the state only), so the
  prefix is dropped before comparing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flowc.compiler.result import CompileResult

from tests.oracles.deploy import deploy_program
from tests.oracles.sfn import SfnOracle

_EXECUTION_ARN = re.compile(r"arn:aws:states:[a-z0-9-]+:\d{12}:execution:[^\"\s,}]+")
_EVENT_PREFIX = re.compile(r"^An error occurred while executing the state '[^']*'( \(entered at the event id #\d+\))?\. ")


@dataclass
class Outcome:
    status: str
    output: Any
    error: str | None
    cause: Any

    def __str__(self) -> str:
        return f"{self.status} output={json.dumps(self.output)[:300]} error={self.error} cause={str(self.cause)[:300]}"


def normalise(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(_EXECUTION_ARN.sub("<execution-arn>", json.dumps(value)))


def normalise_cause(cause: str | None) -> Any:
    if not cause:
        return cause or None
    try:
        data = json.loads(cause)
    except ValueError:
        return _EXECUTION_ARN.sub("<execution-arn>", _EVENT_PREFIX.sub("", cause))
    if isinstance(data, dict) and "errorType" in data:
        return {"errorType": data.get("errorType"), "errorMessage": data.get("errorMessage")}
    return normalise(data)


def outcome(status: str, output: Any, error: str | None, cause: str | None) -> Outcome:
    return Outcome(status, normalise(output) if status == "SUCCEEDED" else None,
                   error if status != "SUCCEEDED" else None,
                   normalise_cause(cause) if status != "SUCCEEDED" else None)


# -- the ASL side ---------------------------------------------------------------------------------------------
def deploy(oracle: SfnOracle, result: CompileResult,
           handlers: dict[str, Callable[..., Any]] | None = None) -> dict[str, str]:
    """Stand up every resource the ASL of `result` names, then the workflows (children first). {name: ARN}."""
    return deploy_program(oracle, result, handlers=handlers)


def run_asl(result: CompileResult, workflow: str, inputs: list[Any],
            handlers: dict[str, Callable[..., Any]] | None = None) -> list[Outcome]:
    """Each input on a fresh deployment in moto Step Functions (one oracle session)."""
    outs = []
    with SfnOracle() as oracle:
        for data in inputs:
            oracle.reset()
            arns = deploy(oracle, result, handlers)
            run = oracle.execute(arns[workflow], data, timeout=60)
            outs.append(outcome(run.status, run.output, run.error, run.cause))
    return outs


def run_sqs(result: CompileResult, workflow: str, data: Any, **kwargs: Any) -> tuple[Outcome, Any]:
    from flowc.targets.sqs.simulator import simulate

    run = simulate(result, workflow, data, **kwargs)
    return outcome(run.status, run.output, run.error, run.cause), run
