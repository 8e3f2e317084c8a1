"""A pytest plugin for the isolation test: records every file or folder a test run opens or lists beside the
repository (a sibling such as ../shared), through Python's audit hooks. Loaded with `-p`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REPORT = os.environ.get("FLOWC_OUTSIDE_REPORT", "")
# The Python installation itself may sit beside the repository (a venv next to the clone): not data.
_PYTHON = tuple({Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def _parser_cache() -> tuple[Path, ...]:
    """The parser's per-user table cache (README, Architecture) is flowc's own, wherever XDG_CACHE_HOME puts it
    (beside the clone, say): not data beside the repository."""
    from flowc.dsl.parser import _cache_dir

    folder = _cache_dir()
    return (folder.resolve(),) if folder is not None else ()


_OWN = _PYTHON + _parser_cache()
_seen: set[str] = set()


def _outside(target: object) -> str | None:
    if isinstance(target, int | type(None)):
        return None
    try:
        path = Path(os.fsdecode(target)).resolve()
    except (TypeError, ValueError, OSError):
        return None
    if path.is_relative_to(REPO.parent) and not path.is_relative_to(REPO) \
            and not any(path.is_relative_to(p) for p in _OWN):
        return str(path)
    return None


def _hook(event: str, args: tuple) -> None:
    if event in ("open", "os.listdir", "os.scandir") and args:
        hit = _outside(args[0])
        if hit:
            _seen.add(hit)


sys.addaudithook(_hook)


def pytest_unconfigure(config) -> None:
    if REPORT:
        Path(REPORT).write_text("\n".join(sorted(_seen)), encoding="utf-8")
