from flowc.compiler.asldoc import TERMINAL_TYPES, AslDocument, escape
from flowc.compiler.rules.base import Finding, Rule


class NoExitLoop(Rule):
    code = "FLOW205"
    name = "no-exit-loop"
    summary = "A loop (or state) from which no terminal state can be reached."
    docs = """\
A `goto` loop needs a way out: a Choice branch, a Catch, or a step that ends the
workflow. Without one the execution runs until it hits the 25,000-event history
limit or the timeout, billing a state transition on every turn.

Bad:
```
  Poll: invoke check_status
  Pause: wait 30s
  goto Poll
```
Good:
```
  Poll: invoke check_status
  Check: choose
    if $.status == "DONE" goto Finished
    else
      Pause: wait 30s
      goto Poll
  Finished: succeed
```
"""

    def check(self, doc: AslDocument):
        for scope in doc.scopes():
            states = scope.states
            if not states or not isinstance(scope.start_at, str) or scope.start_at not in states:
                continue
            live = scope.reachable()
            can_end = _forward_enders(states, scope.targets())
            if not live.issubset(can_end):
                can_end = _enders(states, scope.targets())
            stuck = [n for n in states if n in live and n not in can_end]
            if stuck:
                first = stuck[0]
                loop = ", ".join(stuck[:6]) + (" ..." if len(stuck) > 6 else "")
                yield Finding(f"no path from '{first}' ever ends the workflow (loop through: {loop})",
                              f"{scope.pointer}/States/{escape(first)}",
                              hint="add an exit: a choose branch, a catch, or a terminal step")


def _enders(states: dict, targets: dict[str, list[str]]) -> set[str]:
    """The states from which a terminal can be reached: edges walked backwards from the terminals."""
    incoming: dict[str, list[str]] = {name: [] for name in states}
    for name, outgoing in targets.items():
        for target in outgoing:
            incoming[target].append(name)
    can_end = {n for n, b in states.items() if isinstance(b, dict) and _ends(b)}
    stack = list(can_end)
    while stack:
        for src in incoming[stack.pop()]:
            if src not in can_end:
                can_end.add(src)
                stack.append(src)
    return can_end


def _forward_enders(states: dict, targets: dict[str, list[str]]) -> set[str]:
    """Some of `_enders`, in one pass from the last state back: a state whose edge leads to one already found.
    Every state it returns can end, so when it covers the live states it gives `_enders`' verdict (no stuck
    state) at half the cost; flowc writes states in source order, where most edges lead forward."""
    can_end: set[str] = set()
    add = can_end.add
    for name in reversed(list(states)):  # (any mapping: raw ASL is not always a plain dict)
        body = states[name]
        if not isinstance(body, dict):
            continue
        # `_ends(body)`, inlined (this runs for every state of every document)
        kind = body.get("Type")
        if ((isinstance(kind, str) and kind in TERMINAL_TYPES) or body.get("End") is True
                or (kind not in _NO_NEXT and not isinstance(body.get("Next"), str))):
            add(name)
            continue
        for target in targets[name]:
            if target in can_end:
                add(name)
                break
    return can_end


_NO_NEXT = ("Choice", "Succeed", "Fail")


def _ends(body: dict) -> bool:
    """A terminal state, or one missing both Next and End (FLOW204 reports those; they are not loops too).
    Type is read once: this runs for every state."""
    kind = body.get("Type")
    if isinstance(kind, str) and kind in TERMINAL_TYPES:
        return True
    if body.get("End") is True:
        return True
    return kind not in _NO_NEXT and not isinstance(body.get("Next"), str)
