"""flowc: write a serverless workflow once; compile it to Step Functions or an SQS chain of Lambdas.

The distribution installs one import root, `flowc`, whose subpackages are the repository's top-level
folders: `flowc.dsl` (dsl/), `flowc.compiler` (compiler/) and `flowc.targets` (targets/); `setup.py`
maps them. In a source checkout those folders sit beside this one, so the package path is extended to
reach them: `python -m flowc` works from a clone before anything is installed.
"""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent
if not (_HERE / "compiler").is_dir() and (_HERE.parent / "compiler" / "__init__.py").is_file():
    __path__.append(str(_HERE.parent))  # a source checkout: flowc.compiler is ../compiler

from flowc.compiler import __version__  # noqa: E402

__all__ = ["__version__"]
