"""Which files `flowc lint` reads: `.flow` sources and raw ASL (JSON or YAML)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from flowc.compiler.lint.records import Frozen

FLOW_SUFFIXES = (".flow", ".flow.yaml", ".flow.yml")
ASL_SUFFIXES = (".asl.json", ".asl.yaml", ".asl.yml", ".asl")
DATA_SUFFIXES = (".json", ".yaml", ".yml")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".nox",
                       ".mypy_cache", ".ruff_cache", ".pytest_cache", "cdk.out", ".aws-sam", ".terraform",
                       "dist", "site-packages"})
SNIFF_BYTES = 2 * 1024 * 1024
_JSON_KEYS = (re.compile(r'"StartAt"\s*:'), re.compile(r'"States"\s*:'))
_YAML_KEYS = (re.compile(r"^[\"']?StartAt[\"']?\s*:", re.M), re.compile(r"^[\"']?States[\"']?\s*:", re.M))


class Target(Frozen):
    path: str  # as shown in diagnostics (relative to the working directory when possible)
    kind: str  # "flow" | "asl" | "missing"

    _fields = ("path", "kind")

    def __init__(self, path: str, kind: str) -> None:
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "kind", kind)


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
    """"flow", "asl", "template" (a definition embedded in a deployment template), or None (not a workflow).

    Named files (`explicit`) are linted whatever their content: a JSON/YAML file that is not a template is
    read as ASL, so a wrong path is reported rather than skipped.
    """
    name = path.name.lower()
    if name.endswith(FLOW_SUFFIXES):
        return "flow"
    if name.endswith(ASL_SUFFIXES):
        return "asl"
    if name.endswith(DATA_SUFFIXES):
        return sniff(path, explicit)
    return "asl" if explicit else None


def sniff(path: Path, explicit: bool = False) -> str | None:
    """"template" or "asl" by content, else None (a named file that is no template is ASL: no need to parse
    it here only to parse it again when it is linted)."""
    from flowc.compiler.lint.embedded import looks_like_template

    try:
        if path.stat().st_size > SNIFF_BYTES:
            return "asl" if explicit else None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "asl" if explicit else None
    if looks_like_template(text, path.name):
        return "template"
    return "asl" if explicit or _looks_like_asl_text(text, path.name) else None


def looks_like_asl(path: Path) -> bool:
    """A JSON or YAML file with `StartAt` and `States` keys."""
    try:
        if path.stat().st_size > SNIFF_BYTES:
            return False
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return _looks_like_asl_text(text, path.name)


def _looks_like_asl_text(text: str, name: str) -> bool:
    if name.lower().endswith((".yaml", ".yml")):
        return all(k.search(text) for k in _YAML_KEYS)  # top-level keys start at column 1
    if not all(k.search(text) for k in _JSON_KEYS):
        return False
    import json

    try:
        value = json.loads(text)
    except ValueError:
        return True  # looks like a definition with a syntax error: lint it to say where
    return isinstance(value, dict) and "StartAt" in value and "States" in value


def discover(paths: list[str | Path], excluded=lambda _p: False, *, sniff_named: bool = False,
             gitignore: bool = True) -> list[Target]:
    """Targets in the order given; directories are walked (sorted) for `.flow`, ASL and template files.

    In walked directories, files flowc generated (listed in a `.flowc-manifest.json`) and files git ignores
    are skipped. `sniff_named` treats named files like walked ones (pre-commit passes every JSON/YAML file:
    only workflows are linted).
    """
    out: list[Target] = []
    seen: set[str] = set()
    walked: list[int] = []  # indexes of targets found by walking (subject to .gitignore)
    generated: set[str] = set()  # files flowc wrote (normalised paths)

    def add(p: Path, kind: str, was_walked: bool = False) -> None:
        shown = display(p)
        if shown not in seen:
            seen.add(shown)
            if was_walked:
                walked.append(len(out))
            out.append(Target(shown, kind))

    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(".")
                                 and not excluded(display(Path(root) / d) + "/"))
                if MANIFEST in files:
                    generated |= _generated(Path(root))
                for f in sorted(files):
                    fp = Path(root) / f
                    if (generated and os.path.normpath(fp) in generated) or excluded(display(fp)):
                        continue
                    kind = classify(fp, explicit=False)
                    if kind:
                        add(fp, kind, was_walked=True)
        elif p.exists():
            kind = classify(p, explicit=not sniff_named)
            if kind:
                add(p, kind)
        else:
            add(p, "missing")
    if gitignore and walked:
        ignored = git_ignored([out[i].path for i in walked])
        if ignored:
            out = [t for t in out if t.path not in ignored]
    return out


MANIFEST = ".flowc-manifest.json"  # what `flowc compile` wrote into a folder (targets/output.py)


def _generated(folder: Path) -> set[str]:
    """The files `flowc compile` wrote under `folder` (its manifest's `files` map relative path -> digest; the
    first format was that map alone)."""
    import json

    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(manifest, dict):
        return set()
    files = manifest.get("files") if isinstance(manifest.get("files"), dict) else manifest  # {application, files}
    return {os.path.normpath(folder / k) for k in files if isinstance(k, str)}


def git_ignored(paths: list[str]) -> set[str]:
    """The paths git ignores (.gitignore, .git/info/exclude, the global excludes file); tracked files never
    are. Asked of git itself, in one call, so its exact rules apply; outside a repository, or without git,
    nothing is ignored."""
    import shutil
    import subprocess

    if not paths or shutil.which("git") is None:
        return set()
    try:
        done = subprocess.run(["git", "check-ignore", "--stdin", "-z"], input="\0".join(paths) + "\0",
                              capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return set()
    if done.returncode not in (0, 1):  # 128: not a git repository
        return set()
    return {p for p in done.stdout.split("\0") if p}


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
