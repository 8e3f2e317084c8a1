"""A workflow's routing configuration (`flows/<Workflow>.json`), loaded and indexed.

flowc writes one file per workflow: the workflow's ASL definition (the same JSON the Step Functions target
deploys, so both targets interpret the same data-flow fields), and for every task step the queue in front of
it, its dead-letter queue, its function's timeout and memory and, for steps that invoke one of the
workflow's own functions, the handler and the environment variable naming the function it runs in. Deploy-time values (`${OrdersTableName}`)
stay placeholders, as in the ASL target's DefinitionSubstitutions, and are filled in from the function's
environment when the file is loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

_PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_]+)\}")
# Step Functions' longest executions: Standard one year, Express five minutes (then States.Timeout).
MAX_DURATION = {"STANDARD": 365 * 86400, "EXPRESS": 300}
FLOWS_DIR = Path(__file__).resolve().parent / "flows"


def substitute(text: str, values: Mapping[str, str]) -> str:
    """`${Key}` -> value where the environment has Key (JSON-escaped); unknown keys stay, like CloudFormation."""
    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group(1))
        return match.group(0) if value is None else json.dumps(value)[1:-1]
    return _PLACEHOLDER.sub(replace, text)


class Flow:
    def __init__(self, config: Mapping[str, Any]):
        self.config = config
        self.name: str = config["workflow"]
        self.definition: dict[str, Any] = config["definition"]
        self.query_language: str = self.definition.get("QueryLanguage", "JSONPath")
        self.timeout: int | None = self.definition.get("TimeoutSeconds")
        self.ingress: str = config["ingress"]
        self.steps: dict[str, dict[str, Any]] = dict(config.get("steps", {}))
        self.children: dict[str, str] = dict(config.get("children", {}))
        self.parents: dict[str, str] = dict(config.get("parents", {}))
        self.max_receive_count: int = int(config.get("max_receive_count", 5))
        self.needs_execution_input: bool = bool(config.get("needs_execution_input", False))
        self.states: dict[str, dict[str, Any]] = {}
        self.owner: dict[str, str | None] = {}  # state -> the Map/Parallel whose graph holds it
        self._index(self.definition, None)

    def _index(self, graph: Mapping[str, Any], owner: str | None) -> None:
        for name, state in graph.get("States", {}).items():
            if name in self.states:
                raise ValueError(f"state name {name!r} is used twice in {self.name}")
            self.states[name] = state
            self.owner[name] = owner
            for branch in state.get("Branches", ()):
                self._index(branch, name)
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if isinstance(processor, Mapping):
                self._index(processor, name)

    @property
    def max_duration(self) -> int:
        cap = MAX_DURATION.get(str(self.config.get("type", "STANDARD")), MAX_DURATION["STANDARD"])
        return min(int(self.timeout), cap) if self.timeout else cap

    @property
    def deadline_timer(self) -> bool:
        """Whether a timer message enforces the deadline (an explicit TimeoutSeconds, or Express). The
        one-year cap of Standard workflows is only checked when a message arrives: a timer per execution
        would cycle through the ingress queue for a year after most executions have finished."""
        return bool(self.timeout) or self.config.get("type") == "EXPRESS"

    def state(self, name: str) -> dict[str, Any]:
        try:
            return self.states[name]
        except KeyError:
            raise LookupError(f"{self.name} has no state {name!r}") from None

    def ql(self, state: Mapping[str, Any]) -> str:
        return state.get("QueryLanguage") or self.query_language

    def queue_for(self, name: str) -> str:
        """Where a message that enters `name` goes: a task's own queue, else the workflow's ingress queue."""
        step = self.steps.get(name)
        return step["queue"] if step else self.ingress

    def is_task(self, name: str) -> bool:
        return self.state(name).get("Type") == "Task"


class FlowRegistry:
    """Every workflow configuration of the deployment, with deploy-time values substituted."""

    def __init__(self, configs: Mapping[str, Mapping[str, Any]] | None = None, *,
                 values: Mapping[str, str] | None = None, directory: Path | None = None):
        self._raw: dict[str, Any] = dict(configs or {})
        self._values = values or {}
        self._directory = directory or FLOWS_DIR
        self._flows: dict[str, Flow] = {}

    def __getitem__(self, name: str) -> Flow:
        flow = self._flows.get(name)
        if flow is None:
            raw = self._raw.get(name)
            text = json.dumps(raw) if raw is not None else (self._directory / f"{name}.json").read_text("utf-8")
            flow = self._flows[name] = Flow(json.loads(substitute(text, self._values)))
        return flow
