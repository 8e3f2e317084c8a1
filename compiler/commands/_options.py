"""The command-line conventions every subcommand shares, as click decorators and one console object.

- `-o/--output` for whatever a command writes, `-f/--format` for how; old spellings stay as hidden aliases
  (`compile --out`), so scripts and hooks that use them keep working.
- `--color auto|always|never`, honouring `NO_COLOR` and `FORCE_COLOR` (https://no-color.org,
  https://force-color.org) when left on `auto`; `-q/--quiet` and `-v/--verbose`. They are accepted before the
  subcommand (`flowc -q lint`) and after it (`flowc lint -q`); both set the one `Console` of the invocation.
- Rule codes complete in the shell (`--select FLOW5<TAB>`).

A new command adopts them with `@common_options` (and `output_option` / `format_option`) and reads
`console()`; this module imports only click, so start-up stays fast.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click
from flowc.compiler.commands._console import COLOR_CHOICES, Console


def console() -> Console:
    """The console of the running invocation (a default one outside click)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return Console()
    root = ctx.find_root()
    if not isinstance(root.obj, Console):
        root.obj = Console()
    return root.obj


# ------------------------------------------------------------------------------------------ options


class ShortOptionsFirst:
    """A click command mixin: `-q` and `-f` are matched as short options straight away.

    click tries every option word as a long option first; on a miss it builds a `NoSuchOption` (a gettext
    lookup, importing difflib and ranking every long option by similarity) only to catch it and then match
    the short option. That costs ~3 M instructions per run of `flowc lint -q -f json`. A word that is not a
    long option and does not start with `--` goes to click's own short-option matcher first here, which is
    where click sends it anyway; anything else (and a click without these internals) keeps click's path.
    """

    def make_parser(self, ctx: click.Context) -> Any:
        parser = super().make_parser(ctx)  # type: ignore[misc]
        fast = _SHORT_FIRST.get(type(parser))
        if fast is None:
            fast = _SHORT_FIRST[type(parser)] = _short_first_class(type(parser))
        if fast is not type(parser):
            parser.__class__ = fast
        return parser


_SHORT_FIRST: dict[type, type] = {}


def _short_first_class(base: type) -> type:
    """`base` with the short-option shortcut, or `base` itself when it lacks the internals it relies on."""
    if not (hasattr(base, "_process_opts") and hasattr(base, "_match_short_opt")):
        return base

    class ShortFirstParser(base):  # type: ignore[valid-type, misc]
        def _process_opts(self, arg: str, state: Any) -> None:
            long_opts = getattr(self, "_long_opt", None)
            if (long_opts is not None and arg[:2] not in getattr(self, "_opt_prefixes", ("--",))
                    and "=" not in arg and arg not in long_opts
                    and getattr(getattr(self, "ctx", None), "token_normalize_func", None) is None):
                self._match_short_opt(arg, state)
                return
            super()._process_opts(arg, state)

    return ShortFirstParser


class Command(ShortOptionsFirst, click.Command):
    """A flowc subcommand (see `ShortOptionsFirst`)."""


class AliasOption(click.Option):
    """An option with spellings kept for compatibility but not shown in --help."""

    def __init__(self, *args: Any, hidden_aliases: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden_aliases = hidden_aliases

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        shown, self.opts = self.opts, [o for o in self.opts if o not in self.hidden_aliases]
        try:
            return super().get_help_record(ctx)
        finally:
            self.opts = shown


def _set_color(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value is not None:
        console().color = value


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        console().verbosity = -1


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: int) -> None:
    if value:
        console().verbosity = max(console().verbosity, 0) + value


def common_options(f: Callable) -> Callable:
    """`--color`, `-q/--quiet`, `-v/--verbose` (not passed to the function: read `console()`)."""
    f = click.option("--verbose", "-v", count=True, expose_value=False, callback=_set_verbose,
                     help="More detail (repeatable).")(f)
    f = click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_set_quiet,
                     help="Only diagnostics and results; no summaries or progress.")(f)
    return click.option("--color", type=click.Choice(COLOR_CHOICES), default=None, expose_value=False,
                        callback=_set_color, metavar="auto|always|never",
                        help="Colour the output (default: auto, honouring NO_COLOR and FORCE_COLOR).")(f)


def output_option(*, help: str, directory: bool = False, required: bool = False,
                  aliases: tuple[str, ...] = ()) -> Callable:
    """`-o/--output` (a file, or a directory), passed as `output`; `aliases` are old spellings, hidden."""
    kind = click.Path(file_okay=not directory, dir_okay=directory, path_type=_path_type())
    return click.option("--output", "-o", *aliases, "output", cls=AliasOption, hidden_aliases=aliases,
                        type=kind, required=required, metavar="DIR" if directory else "FILE", help=help)


def format_option(choices: list[str] | tuple[str, ...], *, default: str | None = "text", help: str = "",
                  show_default: bool = True) -> Callable:
    """`-f/--format`, passed as `fmt`."""
    return click.option("--format", "-f", "fmt", type=click.Choice(list(choices)), default=default,
                        show_default=show_default and default is not None, help=help or "Output format.")


def _path_type() -> type:
    from pathlib import Path

    return Path


# ------------------------------------------------------------------------------------------ completion


def complete_rule_codes(_ctx: click.Context, _param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion of rule codes and their names (`FLOW5` -> FLOW501 ... FLOW505)."""
    from click.shell_completion import CompletionItem
    from flowc.compiler.rules import all_rules

    prefix = incomplete.upper()
    return [CompletionItem(code, help=cls.summary) for code, cls in all_rules().items() if code.startswith(prefix)]


# ------------------------------------------------------------------------------------------ progress


class Progress:
    """A status on a terminal, drawn only once the work has taken a second.

    By default a line of its own on stderr (`\r`-redrawn); `inline` draws it after the cursor of a line
    still being written (the dots of `flowc test`) and restores the cursor, so the next output replaces it.
    """

    DELAY = 1.0

    def __init__(self, label: str, total: int | None = None, *, enabled: bool | None = None,
                 stream: TextIO | None = None, inline: bool = False) -> None:
        self.label, self.total, self.done = label, total, 0
        self.detail = ""
        self.inline = inline
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = console().interactive(self.stream) if enabled is None else enabled
        self.started = time.monotonic()
        self.drawn = False
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def update(self, done: int | None = None, detail: str | None = None) -> None:
        with self._lock:
            if done is not None:
                self.done = done
            if detail is not None:
                self.detail = detail
        if self.enabled and time.monotonic() - self.started >= self.DELAY:
            self._draw()

    def restart(self, detail: str = "") -> None:
        """Clear what is drawn and time the next piece of work from now (before writing to the stream)."""
        with self._lock:
            self.clear()
            self.detail = detail
            self.started = time.monotonic()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        count = f" {self.done}/{self.total}" if self.total else ""
        detail = f" {self.detail}" if self.detail else ""
        return f"{self.label}{count}{detail} ({elapsed:.0f}s)"

    def _draw(self) -> None:
        with self._lock:
            text = self.line()[:120]
            # DEC save/restore cursor around an inline status; a line of its own is redrawn from column 1
            self.stream.write(f"\0337 {text}\0338" if self.inline else "\r\033[K" + text)
            self.stream.flush()
            self.drawn = True

    def clear(self) -> None:
        with self._lock:
            if self.drawn:
                self.stream.write("\033[K" if self.inline else "\r\033[K")
                self.stream.flush()
                self.drawn = False

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            if time.monotonic() - self.started >= self.DELAY:
                self._draw()

    def start(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self.clear()


@contextmanager
def progress(label: str, total: int | None = None, **kwargs: Any) -> Iterator[Progress]:
    bar = Progress(label, total, **kwargs).start()
    try:
        yield bar
    finally:
        bar.close()
