"""`-` for standard input, wherever a file goes (`check -`, `compile -`, `lint - --stdin-filename F`, `fmt -`).

The text is analysed as if it were the file `--stdin-filename` (default `stdin.flow`): that name appears in the
diagnostics, picks the front end (`.flow`, `.flow.yaml`, ASL or a template) and anchors relative imports and
handler code directories. Nothing is read from or written to that path."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import click

STDIN = "-"
DEFAULT_NAME = "stdin.flow"


@dataclass
class StdinSource:
    path: Path  # the name it is analysed under
    text: str

    @property
    def sources(self) -> dict[Path, str]:
        return {self.path.resolve(): self.text}


def stdin_filename_option(f):
    return click.option("--stdin-filename", metavar="FILE",
                        help=f"With -: the file name standard input is analysed as (default {DEFAULT_NAME}).")(f)


def read(paths: tuple, filename: str | None) -> StdinSource | None:
    """The standard-input source when PATHS is `-`; a usage error when `-` is mixed with other paths."""
    if not any(str(p) == STDIN for p in paths):
        if filename is not None:
            raise click.UsageError("--stdin-filename goes with - (standard input) as the path")
        return None
    if len(paths) > 1:
        raise click.UsageError("- (standard input) cannot be combined with other paths")
    raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode("utf-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise click.UsageError(f"standard input is not UTF-8 text ({err.reason} at byte {err.start})") from None
    from flowc.dsl.loader import display_path

    return StdinSource(Path(display_path(Path(filename or DEFAULT_NAME))), text)
