"""Handlers of the fidelity workflows (tests/fidelity/flows). Module globals on purpose: each declared
function must get its own instance per run, as each Lambda function gets its own environment (issue 13
item 9), so the counters below start at zero for every function of every run."""

CALLS = {"n": 0}


class Busy(Exception):
    """Raised by `flaky`: retried by the workflow."""


class Boom(Exception):
    """Raised by `always_fails`."""


def count(event, context=None):
    CALLS["n"] += 1
    return {"calls": CALLS["n"]}


def counts(event, context=None):
    return {"count": 3, "extra": "x"}


def flaky(event, context=None):
    """Fails twice, then answers how many calls it took: a counter kept in a module global."""
    CALLS["n"] += 1
    if CALLS["n"] < 3:
        raise Busy(f"attempt {CALLS['n']}")
    return {"attempts": CALLS["n"]}


def always_fails(event, context=None):
    raise Boom("always")


def item(event, context=None):
    if event.get("bad"):
        raise ValueError(f"bad item {event.get('n')}")
    return {"ok": event.get("n")}
