"""Handlers of the synthetic workflows in tests/compare/flows (pure functions of their input)."""


def step(event, context=None):
    return {"seen": event.get("n", 0) + 1}


def item(event, context=None):
    return {"item": event}
