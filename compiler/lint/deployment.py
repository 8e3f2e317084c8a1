"""Which tool deploys a definition file, by evidence in the tree around it.

The YAML loader that reads a definition decides what an unquoted `Yes` means (FLOW108): the Serverless
Framework reads YAML with js-yaml, whose schema has only YAML 1.2 booleans (`true`/`false`), so `Yes` stays
the string; the SAM CLI and CloudFormation read YAML 1.1, where `Yes` is `true`. Evidence, nearest first:

- a SAM/CloudFormation template in the same or a parent folder whose `DefinitionUri` names the file;
- a `serverless.yml` (`.yaml`) in the same or a parent folder (up to the repository root).

Without evidence the verdict assumes YAML 1.1 (the stricter reading), and says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

TEMPLATE_NAMES = ("template.yaml", "template.yml", "template.json")
SERVERLESS_NAMES = ("serverless.yml", "serverless.yaml")
_DEFINITION_URI = re.compile(r"""DefinitionUri["']?\s*:\s*["']?([^"'\s#,}]+)""")
MAX_LEVELS = 8


@dataclass(frozen=True)
class Deployment:
    tool: str  # "serverless" | "sam" | "cloudformation" | "unknown"
    evidence: str  # the file that says so, or "" for the default
    yaml_12: bool  # whether its YAML loader keeps yes/no/on/off as strings

    def loader(self) -> str:
        return {"serverless": "the Serverless Framework (js-yaml: YAML 1.2 booleans only)",
                "sam": "the SAM CLI (YAML 1.1)", "cloudformation": "CloudFormation (YAML 1.1)"}.get(
            self.tool, "a YAML 1.1 loader such as the SAM CLI or PyYAML")


DEFAULT = Deployment("unknown", "", False)
BY_TOOL = {"serverless": Deployment("serverless", "", True), "sam": Deployment("sam", "", False),
           "cloudformation": Deployment("cloudformation", "", False)}


def deployment_of(file: str) -> Deployment:
    """The evidence for `file` (a definition on disk)."""
    path = Path(os.path.abspath(file))
    folder = path.parent
    for _ in range(MAX_LEVELS):
        found = _in_folder(str(folder), str(path))
        if found is not None:
            return found
        if (folder / ".git").exists() or folder.parent == folder:
            break
        folder = folder.parent
    return DEFAULT


@lru_cache(maxsize=256)
def _in_folder(folder: str, target: str) -> Deployment | None:
    base = Path(folder)
    for name in TEMPLATE_NAMES:
        template = base / name
        try:
            text = template.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for uri in _DEFINITION_URI.findall(text):
            if os.path.normpath(base / uri) == target:
                return Deployment("sam", str(template), False)
    for name in SERVERLESS_NAMES:
        if (base / name).is_file():
            return Deployment("serverless", str(base / name), True)
    return None
