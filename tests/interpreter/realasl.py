"""The real-world definitions of shared/corpus/real-asl prepared for a differential run without live services.

Each Task's `Resource` becomes a mock Lambda function of its own (`mock-<n>`), the same on both sides, whose
handler answers with a deterministic function of the state name and the task's input (`mock_result`); its
`Parameters`/`Arguments` stay, so they become the mock's event. Integration suffixes go with the resource
(a callback or `.sync` task is then an ordinary request/response call on both sides). Other `${Placeholder}`
strings become fixed fake values. The input is synthesised from the paths the definition reads, so a run
gets past the first InputPath or Choice.

Definitions that cannot run this way are skipped with a reason (`skip_reason`).
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from tests import shared

REAL_ASL = shared.path("corpus", "real-asl")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_PATH = re.compile(r"^\$((?:\.[A-Za-z_][A-Za-z0-9_-]*|\['[^']+'\]|\[\d+\])+)")


def manifest() -> list[dict[str, str]]:
    if not shared.given():
        return []
    with (REAL_ASL / "manifest.tsv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def load(path: str) -> Any:
    file = REAL_ASL / path
    text = file.read_text(encoding="utf-8")
    if file.suffix in (".yaml", ".yml"):
        from ruamel.yaml import YAML

        return json.loads(json.dumps(YAML(typ="safe").load(text), default=str))
    return json.loads(text)


def _walk_states(graph: dict[str, Any]):
    for name, state in (graph.get("States") or {}).items():
        yield name, state
        if not isinstance(state, dict):
            continue
        for branch in state.get("Branches", ()) or ():
            yield from _walk_states(branch)
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            yield from _walk_states(processor)


_UNQUOTED_FILTER = re.compile(r"\[\?\(@[^)]*(==|!=)\s*[A-Za-z_]\w*\s*\)\]")


def skip_reason(definition: Any) -> str | None:
    if not isinstance(definition, dict) or "States" not in definition:
        return "not a state machine definition"
    if _UNQUOTED_FILTER.search(json.dumps(definition)):
        return ("a JSONPath filter compares with an unquoted word (`@.x==es`), which flowc's Jayway-style parser "
                "(targets/runtime/jsonpath.py) rejects")
    for _, state in _walk_states(definition):
        if not isinstance(state, dict):
            return "malformed state"
        if state.get("Type") == "Map":
            processor = state.get("ItemProcessor") or {}
            if "ItemReader" in state or "ResultWriter" in state:
                return "Distributed Map reading/writing S3 (needs live S3 data)"
            if "ItemBatcher" in state:
                return "ItemBatcher (moto rejects it: KNOWN_DIFFERENCES['item-batcher'])"
            if (processor.get("ProcessorConfig") or {}).get("ExecutionType") == "EXPRESS":
                return "EXPRESS Distributed Map children (moto rejects them)"
        for key in ("Retry", "Catch"):
            for entry in state.get(key, ()) or ():
                for name in entry.get("ErrorEquals", ()):
                    if name.startswith("States.") and name not in _KNOWN_STATES_ERRORS:
                        return "ErrorEquals names an unknown States.* error (moto rejects it)"
    return None


_KNOWN_STATES_ERRORS = {
    "States.ALL", "States.DataLimitExceeded", "States.ExceedToleratedFailureThreshold", "States.HeartbeatTimeout",
    "States.Http.Socket", "States.IntrinsicFailure", "States.ItemReaderFailed", "States.NoChoiceMatched",
    "States.ParameterPathFailure", "States.Permissions", "States.ResultPathMatchFailure", "States.ResultWriterFailed",
    "States.Runtime", "States.TaskFailed", "States.Timeout", "States.BranchFailed", "States.QueryEvaluationError",
}


def prepare(definition: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(the definition with mock tasks, {function name: state name})."""
    functions: dict[str, str] = {}
    definition = json.loads(json.dumps(definition))
    for name, state in _walk_states(definition):
        if state.get("Type") != "Task":
            continue
        fn = f"mock-{len(functions)}"
        functions[fn] = name
        state["Resource"] = f"${{Fn_{fn}}}"
        state.pop("Credentials", None)
        for key in ("Parameters", "Arguments"):
            if key in state:
                state[key] = _no_token(state[key])
    _numeric_placeholders(definition)
    text = json.dumps(definition)
    text = _PLACEHOLDER.sub(lambda m: m.group(0) if m.group(1).startswith("Fn_mock-") else f"fake-{m.group(1)}", text)
    return json.loads(text), functions


_NUMERIC = {"Seconds", "TimeoutSeconds", "HeartbeatSeconds", "MaxConcurrency", "IntervalSeconds", "MaxAttempts",
            "BackoffRate", "MaxDelaySeconds", "ToleratedFailureCount", "ToleratedFailurePercentage"}


def _numeric_placeholders(value: Any) -> None:
    """`"Seconds": "${Timeout}"` is a number once deployed: use 60."""
    if isinstance(value, dict):
        for k, v in value.items():
            if k in _NUMERIC and isinstance(v, str) and _PLACEHOLDER.fullmatch(v):
                value[k] = 60
            else:
                _numeric_placeholders(v)
    elif isinstance(value, list):
        for v in value:
            _numeric_placeholders(v)


def _no_token(value: Any) -> Any:
    """`"X.$": "$$.Task.Token"` -> `"X": "fake-task-token"`: the callback became a plain call."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if k.endswith(".$") and v == "$$.Task.Token":
                out[k[:-2]] = "fake-task-token"
            else:
                out[k] = _no_token(v)
        return out
    if isinstance(value, list):
        return [_no_token(v) for v in value]
    if isinstance(value, str) and "$states.context.Task.Token" in value:
        return value.replace("$states.context.Task.Token", '"fake-task-token"')
    return value


def mock_result(state: str, event: Any, shape: dict[str, Any] | None = None) -> Any:
    """Deterministic: the state's name, the number of input keys, and `shape` (every path the definition
    reads, at every depth), so the next states find what they look for."""
    keys = sorted(event) if isinstance(event, dict) else []
    return {**json.loads(json.dumps(shape or {})), "state": state, "count": len(keys)}


def mock_handler(state: str, shape: dict[str, Any] | None = None):
    def handler(event: Any, context: Any = None) -> Any:
        return mock_result(state, event, shape)
    return handler


def synthesise_input(definition: dict[str, Any], *, suffixes: bool = False) -> dict[str, Any]:
    """An object with a value at every `$.a.b` path the definition reads (`suffixes`: also at `$.b` for each
    `$.a.b`, which is where a task result placed by ResultPath is read from). ItemsPath leaves are arrays."""
    data: dict[str, Any] = {}
    items_paths: set[str] = set()
    strings: list[str] = []

    def collect(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "ItemsPath" and isinstance(v, str):
                    items_paths.add(v)
                collect(v, k)
        elif isinstance(value, list):
            for v in value:
                collect(v, key)
        elif isinstance(value, str):
            strings.extend(re.findall(r"(?<![$\w])\$(?:\.[A-Za-z_][A-Za-z0-9_-]*|\['[^']+'\]|\[\d+\])+", value))
            strings.extend("$" + m for m in re.findall(r"\$states\.input((?:\.[A-Za-z_][A-Za-z0-9_]*)+)", value))
    collect(definition)
    for text in strings:
        parts = re.findall(r"\.([A-Za-z_][A-Za-z0-9_-]*)|\['([^']+)'\]|\[(\d+)\]", text[1:])
        keys: list[str | int] = [int(c) if c else (a or b) for a, b, c in parts]
        for start in range(len(keys) if suffixes else 1):
            if isinstance(keys[start], str):
                _put(data, keys[start:], text in items_paths)
    return data


def _put(data: Any, keys: list[str | int], items: bool) -> None:
    """Create the containers along `keys` (a list where the next key is an index) and a leaf value."""
    node = data
    for here, after in zip(keys, [*keys[1:], None], strict=True):
        if after is None:
            if items:
                _set(node, here, [{"id": 1}, {"id": 2}])
            elif _get(node, here) is None:
                _set(node, here, "value")
            return
        child = _get(node, here)
        want_list = isinstance(after, int)
        if want_list and not isinstance(child, list):
            child = [{} for _ in range(after + 1)]
            _set(node, here, child)
        elif want_list and len(child) <= after:
            child.extend({} for _ in range(after + 1 - len(child)))
        elif not want_list and not isinstance(child, dict):
            child = {}
            _set(node, here, child)
        node = child


def _get(node: Any, key: str | int) -> Any:
    if isinstance(node, dict) and isinstance(key, str):
        return node.get(key)
    if isinstance(node, list) and isinstance(key, int) and key < len(node):
        return node[key]
    return None


def _set(node: Any, key: str | int, value: Any) -> None:
    if (isinstance(node, dict) and isinstance(key, str)) or \
            (isinstance(node, list) and isinstance(key, int) and key < len(node)):
        node[key] = value


def candidates() -> list[tuple[str, str | None]]:
    """(path, skip reason or None) for every unique definition that parses."""
    out = []
    for row in manifest():
        if row["parse"] != "ok" or row["duplicate_of"]:
            continue
        try:
            definition = load(row["path"])
        except Exception as err:
            out.append((row["path"], f"does not load: {type(err).__name__}"))
            continue
        out.append((row["path"], skip_reason(definition)))
    return out


__all__ = ["REAL_ASL", "Path", "candidates", "load", "mock_handler", "mock_result", "prepare", "synthesise_input"]
