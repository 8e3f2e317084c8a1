"""Where CI systems expect paths: relative to the repository root, as URIs for SARIF.

GitHub code scanning matches a SARIF result to a file by its URI relative to the checkout, and GitHub
annotations by the path relative to the workspace; both are the repository root whatever directory
`flowc lint` ran from.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote


def repository_root(start: Path | None = None) -> Path:
    """The nearest directory with `.git` (a folder, or a file in worktrees) above `start`; else
    `$GITHUB_WORKSPACE`; else the working directory."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    workspace = os.environ.get("GITHUB_WORKSPACE")
    return Path(workspace).resolve() if workspace else start


def relative_to_root(file: str, root: Path) -> str | None:
    """`file` as a POSIX path relative to `root`, or None when it lies outside."""
    try:
        return Path(os.path.abspath(file)).relative_to(root).as_posix()
    except ValueError:
        return None


def display_path(file: str, root: Path) -> str:
    """Relative to `root` when inside it, else as given (with forward slashes)."""
    rel = relative_to_root(file, root)
    return rel if rel is not None else file.replace("\\", "/")


def file_uri(path: Path) -> str:
    """An absolute `file://` URI, percent-encoded (a folder's ends with `/`, as SARIF base URIs must)."""
    text = quote(path.resolve().as_posix(), safe="/")
    if not text.startswith("/"):  # Windows: file:///C:/...
        text = "/" + text
    return "file://" + text + ("/" if path.is_dir() and not text.endswith("/") else "")


def artifact_location(file: str, root: Path, base_id: str) -> dict:
    """`{"uri": "dir/my%20file.flow", "uriBaseId": base_id}`, or an absolute `file://` URI outside the root."""
    rel = relative_to_root(file, root)
    if rel is None:
        return {"uri": file_uri(Path(file))}
    return {"uri": quote(rel, safe="/"), "uriBaseId": base_id}
