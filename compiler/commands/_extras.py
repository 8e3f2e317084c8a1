"""Optional parts of the install. The core (`compile`, `check`, `lint`) needs none of them; commands that execute
workflows locally or talk to AWS need the `run` extra, and say so in one line instead of failing on an import."""

from __future__ import annotations

import importlib.util
import sys

import click

EXTRAS: dict[str, tuple[str, ...]] = {
    # extra -> the top-level modules it installs that flowc imports
    "run": ("boto3", "botocore", "moto", "samtranslator"),
    "lsp": ("pygls", "lsprotocol"),
}
EXIT_USAGE = 2


def missing(extra: str) -> list[str]:
    """The modules of `extra` that cannot be imported (checked without importing them)."""
    out = []
    for module in EXTRAS[extra]:
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            out.append(module)
    return out


def require(extra: str, command: str) -> None:
    """Exit 2 with the install line when `extra` is not installed."""
    absent = missing(extra)
    if absent:
        click.echo(f"flowc {command}: needs the '{extra}' extra ({', '.join(absent)} not installed); "
                   f"install it with: pip install 'flowc[{extra}]'", err=True)
        sys.exit(EXIT_USAGE)
