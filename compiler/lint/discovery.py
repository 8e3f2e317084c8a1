"""Which files `flowc lint` reads: `.flow` sources and raw ASL (JSON or YAML)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

FLOW_SUFFIXES = (".flow", ".flow.yaml", ".flow.yml")
ASL_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml", ".asl")
DATA_SUFFIXES = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
                       ".mypy_cache", ".ruff_cache", ".pytest_cache", "cdk.out", ".aws-sam", ".terraform",
                       "dist", "site-packages"})
SNIFF_BYTES = 2 * 1024 * 1024
_JSON_KEYS = (re.compile(r'"StartAt"\s*:'), re.compile(r'"States"\s*:'))
_YAML_KEYS = (re.compile(r"^[\"']?StartAt[\"']?\s*:", re.M), re.compile(r"^[\"']?States[\"']?\s*:", re.M))


@dataclass(frozen=True)
class Target:
    path: str  # as shown in diagnostics (relative to the working directory when possible)
    kind: str  # "flow" | "asl" | "missing"


def display(path: Path) -> str:
    """Relative to the working directory when under it (cheap: no filesystem calls for relative paths)."""
    text = os.path.normpath(str(path))
    if not os.path.isabs(text):
        return text
    cwd = os.getcwd()
    if text == cwd:
        return "."
    if text.startswith(cwd.rstrip(os.sep) + os.sep):
        return text[len(cwd.rstrip(os.sep)) + 1:]
    return text


def classify(path: Path, explicit: bool) -> str | None:
    name = path.name.lower()
    if name.endswith(FLOW_SUFFIXES):
        return "flow"
    if name.endswith(ASL_SUFFIXES):
        return "asl"
    if name.endswith(DATA_SUFFIXES):
        if explicit:
            return "asl"
        return "asl" if looks_like_asl(path) else None
    return "asl" if explicit else None


def looks_like_asl(path: Path) -> bool:
    """A JSON or YAML file with `StartAt` and `States` keys."""
    try:
        if path.stat().st_size > SNIFF_BYTES:
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    if path.name.lower().endswith((".yaml", ".yml")):
        return all(k.search(text) for k in _YAML_KEYS)  # top-level keys start at column 1
    if not all(k.search(text) for k in _JSON_KEYS):
        return False
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return True  # looks like a definition with a syntax error: lint it to say where
    return isinstance(value, dict) and "StartAt" in value and "States" in value


def discover(paths: list[str | Path], excluded=lambda _p: False) -> list[Target]:
    """Targets in the order given; directories are walked (sorted) for `.flow` and ASL files."""
    out: list[Target] = []
    seen: set[str] = set()

    def add(p: Path, kind: str) -> None:
        shown = display(p)
        if shown not in seen:
            seen.add(shown)
            out.append(Target(shown, kind))

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                                 and not excluded(display(Path(root) / d) + "/"))
                for f in sorted(files):
                    fp = Path(root) / f
                    if excluded(display(fp)):
                        continue
                    kind = classify(fp, explicit=False)
                    if kind:
                        add(fp, kind)
        elif p.exists():
            add(p, classify(p, explicit=True) or "asl")
        else:
            add(p, "missing")
    return out


def flow_sources(paths: list[str | Path], excluded=lambda _p: False) -> list[str]:
    """`.flow` / `.flow.yaml` files named or found under directories (for `check` and `compile`).

    A named file is kept whatever its suffix (the compiler reports what it cannot read); a directory
    contributes its workflow sources, walked as `flowc lint` walks it.
    """
    out: list[str] = []
    for raw in paths:
        if Path(raw).is_dir():
            out.extend(t.path for t in discover([raw], excluded) if t.kind == "flow")
        else:
            out.append(str(raw))
    return list(dict.fromkeys(out))
