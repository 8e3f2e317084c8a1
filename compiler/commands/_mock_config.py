"""`flowc test --mock-config MockConfigFile.json`: Step Functions Local test cases as flowc test specs."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click


def mock_config_specs(path: Path, roots: list[Path], input_: str, targets: tuple[str, ...]) -> list[Any]:
    from flowc.compiler.commands.run import _json_arg
    from flowc.compiler.testing import mockconfig
    from flowc.compiler.testing.spec import SpecError

    data = _json_arg(input_, "--input")
    try:
        config = mockconfig.load(path)
        return mockconfig.specs(config, roots, data, targets)
    except (mockconfig.MockConfigError, SpecError) as err:
        click.echo(f"ERROR {err}", err=True)
        sys.exit(1)
