"""The shared corpora and reference data, which live outside the repository.

Users, packagers and contributors never have that folder, so nothing reads it unless the run asks:
`python -m pytest --shared=../shared` (what `.ci/run` does; write it with `=`: pytest takes a bare path after an
option it does not know yet for a test path, and looks for its configuration above both). Tests that need it carry the `shared` marker;
without the option they are deselected and the run says so in one line. With the option, a missing or
incomplete folder is a usage error, not a silent pass.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OPTION = "--shared"
MARK = "shared"
# What a given folder must hold (checked when it is given).
EXPECTED = ("corpus/real-asl/manifest.tsv", "corpus/asl-validation/manifest.tsv",
            "reference/aws-prices-limits.json", "reference/sarif-2.1.0.json")

_root: Path | None = None

marker = pytest.mark.shared


def configure(folder: str | None) -> None:
    """Called once per process (controller and xdist workers) from `pytest_configure`."""
    global _root
    if folder is None:
        _root = None
        return
    root = Path(folder).expanduser().resolve()
    missing = [part for part in EXPECTED if not (root / part).is_file()]
    if missing:
        raise pytest.UsageError(f"{OPTION} {folder}: not the shared folder ({', '.join(missing)} missing under {root})")
    _root = root


def given() -> bool:
    return _root is not None


def path(*parts: str) -> Path:
    """A path inside the shared folder; without `--shared`, a path inside the repository that does not exist,
    so module-level globs find nothing and nothing outside the repository is touched."""
    base = _root if _root is not None else REPO / ".shared-not-given"
    return base.joinpath(*parts)
