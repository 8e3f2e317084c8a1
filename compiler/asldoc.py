"""An ASL definition as rules see it: scopes, states and a way back to source spans.

Rules run on ASL JSON, whether it came from a `.flow` file (through the
emitter's source map) or from an existing `.asl.json` (through positions kept
while parsing), so one rule set serves both. Everything here is defensive:
raw ASL may be any JSON at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from flowc.dsl.diagnostics import Span

TERMINAL_TYPES = frozenset({"Succeed", "Fail"})


@dataclass
class Scope:
    """One `StartAt` + `States` map: the top level, a Parallel branch or a Map processor."""

    pointer: str  # pointer of the object holding StartAt/States ("" for the top level)
    states: dict[str, Any]
    start_at: Any
    owner: StateRef | None = None  # the Parallel/Map state that owns this scope
    kind: str = "top"  # top | branch | processor
    # Computed on first use and shared by the graph rules (FLOW201/203/205/403).
    _edges: dict[str, list[tuple[str, Any]]] | None = field(default=None, init=False, repr=False, compare=False)
    _targets: dict[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    _reachable: set[str] | None = field(default=None, init=False, repr=False, compare=False)
    _dangling: bool = field(default=False, init=False, repr=False, compare=False)

    def edges(self) -> dict[str, list[tuple[str, Any]]]:
        """State name -> `transitions(body)` for every state whose body is an object."""
        if self._edges is None:
            self._graph()
        return self._edges  # type: ignore[return-value]

    def targets(self) -> dict[str, list[str]]:
        """State name -> the targets of its edges that are states of this scope (in edge order)."""
        if self._targets is None:
            self._graph()
        return self._targets  # type: ignore[return-value]

    def _graph(self) -> None:
        """`edges` and `targets` in one pass over the states: the graph rules ask for both on every document,
        and most states have a single Next, whose target is tested where it is read."""
        edges: dict[str, list[tuple[str, Any]]] = {}
        targets: dict[str, list[str]] = {}
        dangling = False
        states = self.states
        for name, body in states.items():
            if not isinstance(body, dict):
                continue
            if "Choices" in body or "Catch" in body or "Default" in body:
                out = edges[name] = list(transitions(body))
                found = targets[name] = [t for _, t in out if isinstance(t, str) and t in states]
                if len(found) != len(out) and any(isinstance(t, str) and t not in states for _, t in out):
                    dangling = True
            elif "Next" in body:  # most states: `transitions` would give Next alone
                target = body["Next"]
                edges[name] = [("/Next", target)]
                if isinstance(target, str) and target in states:
                    targets[name] = [target]
                else:
                    targets[name] = []
                    dangling = dangling or isinstance(target, str)
            else:
                edges[name] = []
                targets[name] = []
        self._edges, self._targets, self._dangling = edges, targets, dangling

    def names_unknown_state(self) -> bool:
        """Whether some edge names, as a string, a state this scope does not have (what FLOW201 reports):
        noted while `targets` tests every target anyway, so that rule looks at the edges of those scopes only."""
        if self._edges is None:
            self._graph()
        return self._dangling

    def reachable(self) -> set[str]:
        """Names of the states reachable from StartAt (empty if StartAt names no state)."""
        if self._reachable is None:
            seen: set[str] = set()
            states, targets = self.states, self.targets()
            start = self.start_at
            stack = [start] if isinstance(start, str) and start in states else []
            while stack:
                name = stack.pop()
                if name in seen:
                    continue
                seen.add(name)
                for target in targets.get(name, ()):
                    if target not in seen:
                        stack.append(target)
            self._reachable = seen
        return self._reachable

    @property
    def parent(self) -> Scope | None:
        return self.owner.scope if self.owner is not None else None

    @property
    def distributed(self) -> bool:
        """A Distributed Map's processor: child executions with a scope of their own."""
        if self.kind != "processor" or self.owner is None:
            return False
        processor = self.owner.body.get("ItemProcessor")
        config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
        return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"

    def ancestors(self) -> Iterator[Scope]:
        """This scope, then each enclosing one up to the top level."""
        scope: Scope | None = self
        while scope is not None:
            yield scope
            scope = scope.parent


class StateRef:
    """One state of the document, with where it is and the query language it runs under.

    A plain class with its own `__init__` rather than a dataclass: one is made per state on every document,
    and the dataclass's generated `__init__` + `__post_init__` cost a second call each. It keeps a `__dict__`:
    rules/_expressions caches a state's expressions there."""

    pointer: str
    name: str
    body: dict[str, Any]
    scope: Scope
    query_language: str
    #: the state's Type when it is a string (rules report other values), else None; read once here
    #: because every rule asks, for every state
    type: str | None

    def __init__(self, pointer: str, name: str, body: dict[str, Any], scope: Scope, query_language: str) -> None:
        self.pointer = pointer
        self.name = name
        self.body = body
        self.scope = scope
        self.query_language = query_language
        value = body.get("Type")
        self.type = value if isinstance(value, str) else None

    def __repr__(self) -> str:
        return f"StateRef(pointer={self.pointer!r}, name={self.name!r}, type={self.type!r})"


@dataclass
class AslDocument:
    definition: Any
    file: str
    locate_pointer: Callable[[str], Span | None]
    workflow_type: str | None = None  # STANDARD | EXPRESS when known
    source_kind: str = "asl"  # asl | flow
    substitutions: dict[str, str] = field(default_factory=dict)
    raw_size: int | None = None
    #: where a pointer's *key* is (raw ASL); rules that name a field report there
    locate_key_pointer: Callable[[str], Span | None] | None = None
    #: the parsed source of raw ASL (duplicate keys, YAML scalars), None for `.flow`
    source: Any = None
    #: lint options rules may read (assumptions such as the number of Map items)
    options: dict[str, Any] = field(default_factory=dict)
    _scopes: list[Scope] | None = None
    _states: list[StateRef] | None = None
    _compact: str | None = None
    _layouts: list[tuple[tuple, list[int]]] | None = field(default=None, repr=False, compare=False)
    #: what several rules compute once per document (see rules/_shapes)
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def compact_json(self) -> str:
        """The definition as compact JSON, computed once: its size, and a quick "does any string contain
        X" test before a rule walks every value."""
        if self._compact is None:
            import orjson

            try:
                self._compact = orjson.dumps(self.definition).decode("utf-8")
            except TypeError:
                import json

                self._compact = json.dumps(self.definition, separators=(",", ":"), ensure_ascii=False)
        return self._compact

    # -- locating ---------------------------------------------------------------------
    def locate(self, pointer: str) -> Span:
        p = pointer
        while True:
            span = self.locate_pointer(p)
            if span is not None:
                return span
            if not p:
                return Span(self.file, 1, 1, 1, 1)
            p = p.rsplit("/", 1)[0]

    def locate_key(self, pointer: str) -> Span:
        """Where the key of a member is (falls back to `locate`)."""
        if self.locate_key_pointer is not None:
            span = self.locate_key_pointer(pointer)
            if span is not None:
                return span
        span = self.locate_pointer(pointer)  # (`locate`'s first step, taken here: a rule may report thousands)
        return span if span is not None else self.locate(pointer)

    def resolve(self, pointer: str) -> Any:
        """The value at a JSON pointer, or None."""
        return resolve(self.definition, pointer)

    # -- structure ----------------------------------------------------------------------
    @property
    def top_query_language(self) -> str:
        d = self.definition
        ql = d.get("QueryLanguage") if isinstance(d, dict) else None
        return ql if ql in ("JSONPath", "JSONata") else "JSONPath"

    def scopes(self) -> list[Scope]:
        if self._scopes is None:
            self._build()
        return self._scopes or []

    def states(self) -> list[StateRef]:
        if self._states is None:
            self._build()
        return self._states or []

    def _build(self) -> None:
        scopes: list[Scope] = []
        states: list[StateRef] = []
        layouts: dict[tuple, list[int]] = {}
        top_ql = self.top_query_language

        def visit(container: Any, pointer: str, owner: StateRef | None, kind: str) -> None:
            if not isinstance(container, dict):
                return
            raw_states = container.get("States")
            scope = Scope(pointer, raw_states if isinstance(raw_states, dict) else {}, container.get("StartAt"),
                          owner, kind)
            scopes.append(scope)
            for name, body in scope.states.items():
                if not isinstance(body, dict):
                    continue
                # (escape inlined for the usual name, a str with neither '~' nor '/')
                sptr = (f"{pointer}/States/{name}" if type(name) is str and "~" not in name and "/" not in name
                        else f"{pointer}/States/{escape(name)}")
                ql = body.get("QueryLanguage")
                ql = ql if ql in ("JSONPath", "JSONata") else top_ql
                ref = StateRef(sptr, name, body, scope, ql)
                layout = (ref.type, ql, tuple(body))
                members = layouts.get(layout)
                if members is None:
                    layouts[layout] = [len(states)]
                else:
                    members.append(len(states))
                states.append(ref)
                if "Branches" in body or "ItemProcessor" in body or "Iterator" in body:  # (few states nest)
                    branches = body.get("Branches")
                    if isinstance(branches, list):
                        for i, branch in enumerate(branches):
                            visit(branch, f"{sptr}/Branches/{i}", ref, "branch")
                    for key in ("ItemProcessor", "Iterator"):
                        if isinstance(body.get(key), dict):
                            visit(body[key], f"{sptr}/{key}", ref, "processor")

        visit(self.definition, "", None, "top")
        self._scopes, self._states, self._layouts = scopes, states, list(layouts.items())

    def layouts(self) -> list[tuple[tuple, list[int]]]:
        """The states grouped by layout, (Type, query language, keys in order) -> their indexes in `states()`, in
        order of first appearance (noted while the states are found): a large definition repeats a few layouts,
        and the per-state rules decide most of what they check once per layout (rules/_shapes)."""
        if self._layouts is None:
            self._build()
        return self._layouts or []

    def states_of_type(self, kind: str) -> list[StateRef]:
        """The states whose Type is `kind`, in document order, found through `layouts` (the others are not looked
        at one by one)."""
        found = sorted(i for layout, members in self.layouts() if layout[0] == kind for i in members)
        return list(map(self.states().__getitem__, found))

    def all_names(self) -> dict[str, list[StateRef]]:
        out: dict[str, list[StateRef]] = {}
        for ref in self.states():
            out.setdefault(ref.name, []).append(ref)
        return out


def resolve(node: Any, pointer: str) -> Any:
    for part in pointer.split("/")[1:] if pointer else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def escape(name: str) -> str:
    name = str(name)
    if "~" in name or "/" in name:
        return name.replace("~", "~0").replace("/", "~1")
    return name


def transitions(body: dict) -> Iterator[tuple[str, Any]]:
    """(pointer suffix, target) for every edge leaving a state, in field order."""
    if "Next" in body:
        yield "/Next", body["Next"]
    if "Default" in body:
        yield "/Default", body["Default"]
    choices = body.get("Choices")
    if isinstance(choices, list):
        for i, rule in enumerate(choices):
            if isinstance(rule, dict) and "Next" in rule:
                yield f"/Choices/{i}/Next", rule["Next"]
    catches = body.get("Catch")
    if isinstance(catches, list):
        for i, catcher in enumerate(catches):
            if isinstance(catcher, dict) and "Next" in catcher:
                yield f"/Catch/{i}/Next", catcher["Next"]


def is_terminal(body: dict) -> bool:
    kind = body.get("Type")
    return (isinstance(kind, str) and kind in TERMINAL_TYPES) or body.get("End") is True


def iter_strings(value: Any, pointer: str) -> Iterator[tuple[str, str, str]]:
    """(pointer, key, string) for every string in a JSON value, depth first."""
    if isinstance(value, dict):
        for k, v in value.items():
            p = f"{pointer}/{escape(k)}"
            if isinstance(v, str):
                yield p, k, v
            else:
                yield from iter_strings(v, p)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            p = f"{pointer}/{i}"
            if isinstance(v, str):
                yield p, "", v
            else:
                yield from iter_strings(v, p)
