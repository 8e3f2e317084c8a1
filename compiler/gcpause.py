"""Pausing the cycle collector around allocation-heavy work (kept apart from the pipeline so that linting raw
ASL, which never compiles, does not import the IR and pydantic to get it)."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def paused_gc(*, process_ends: bool = False):
    """Compiling allocates millions of small acyclic objects; the cycle collector only slows that down.

    With `process_ends` (a CLI command whose process exits right after), what exists is frozen
    (`gc.freeze`) before collection resumes: otherwise the first collection afterwards traverses
    every object the compile made (~0.3-0.45 s for a 10,000-step workflow) while the command is
    only printing and exiting. Library callers keep normal collection, since freezing would also
    keep their cyclic garbage alive.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if process_ends:
                gc.freeze()
            gc.enable()
