"""What the engine and the task integrations share, so neither imports the other.

`engine.Interpreter` runs states and hands each Task state to its `tasks` object (`integrations.TaskRunner`),
which calls back only through what it is given (the frame, the state plan, `interp` bound by `bind`). The
one name both raise or catch lives here.
"""

from __future__ import annotations


class RunAborted(Exception):
    """The run cannot go on for a reason outside ASL semantics (a task with no handler or mock, ...)."""
