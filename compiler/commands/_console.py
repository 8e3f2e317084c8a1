"""How loud and how colourful an invocation is, and `echo`, without importing click.

`flowc lint` runs without click when its command line is plain (see `_lint_run.fast_lint`): importing click
costs more than linting a hundred ASL files. Everything here therefore behaves exactly as it does under click:
`echo` is `click.echo` once click is imported, and otherwise does what `click.echo` does for text written to
a correctly configured standard stream (the only case the click-free path takes).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TextIO

from flowc.compiler.lint.records import Plain

COLOR_CHOICES = ("auto", "always", "never")
# click._compat._ansi_re: what click strips from text written off a terminal
_ANSI = re.compile(r"\033\[[0-?]*[ -/]*[@-~]")


def echo(message: str, *, file: TextIO | None = None, nl: bool = True, err: bool = False,
         color: bool | None = None) -> None:
    """`click.echo(message, file, nl, err, color)` for a `str` message."""
    click = sys.modules.get("click")
    if click is not None:
        click.echo(message, file=file, nl=nl, err=err, color=color)
        return
    if file is None:
        file = sys.stderr if err else sys.stdout
        if file is None:
            return
    out = message + "\n" if nl else message
    if not out:
        file.flush()
        return
    if (not _isatty(file)) if color is None else not color:
        out = _ANSI.sub("", out)
    file.write(out)
    file.flush()


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except Exception:  # as click's isatty: a stream that cannot tell is not a terminal
        return False


class Console(Plain):
    """How loud and how colourful this invocation is."""

    color: str
    verbosity: int  # -1 quiet, 0 normal, >0 verbose

    _fields = ("color", "verbosity")

    def __init__(self, color: str = "auto", verbosity: int = 0) -> None:
        self.color = color
        self.verbosity = verbosity

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    @property
    def verbose(self) -> bool:
        return self.verbosity > 0

    def use_color(self, stream: TextIO | None = None) -> bool:
        """`--color` first; on `auto`, NO_COLOR (non-empty) then FORCE_COLOR (non-empty, not 0), then a terminal."""
        if self.color != "auto":
            return self.color == "always"
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
            return True
        stream = stream if stream is not None else sys.stdout
        return bool(getattr(stream, "isatty", None) and stream.isatty())

    def interactive(self, stream: TextIO | None = None) -> bool:
        """Whether transient output (progress) may be drawn: a terminal, and not --quiet."""
        stream = stream if stream is not None else sys.stderr
        return not self.quiet and bool(getattr(stream, "isatty", None) and stream.isatty())

    def echo(self, message: str, *, err: bool = False, file: TextIO | None = None, nl: bool = True) -> None:
        """`click.echo` that keeps or strips colour as decided here (click alone strips it off a terminal)."""
        stream = file if file is not None else (sys.stderr if err else sys.stdout)
        echo(message, file=stream, nl=nl, color=self.use_color(stream))

    def info(self, message: str) -> None:
        """A status line on stderr (summaries, 'wrote ...'); silenced by --quiet."""
        if not self.quiet:
            echo(message, err=True)

    def debug(self, message: str) -> None:
        """Detail shown only with --verbose."""
        if self.verbose:
            echo(message, err=True)
