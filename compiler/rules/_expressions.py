"""Where ASL holds expressions, by query language: shared by the FLOW30x rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from flowc.compiler.asldoc import AslDocument, StateRef, escape

# Fields holding a JSONPath "Path" (may select), a "Reference Path" (single node),
# or a reference path / intrinsic (ErrorPath, CausePath).
PATH_FIELDS = ("InputPath", "OutputPath", "ItemsPath")
REFERENCE_PATH_FIELDS = ("ResultPath", "TimeoutSecondsPath", "HeartbeatSecondsPath", "SecondsPath",
                         "TimestampPath", "MaxConcurrencyPath", "ToleratedFailurePercentagePath",
                         "ToleratedFailureCountPath")
PATH_OR_INTRINSIC_FIELDS = ("ErrorPath", "CausePath")
TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Assign", "Credentials")
NESTED_TEMPLATES = (("ItemReader", "Parameters"), ("ResultWriter", "Parameters"), ("ItemBatcher", "BatchInput"),
                    ("ItemReader", "ReaderConfig"))


def jsonpath_expressions(ref: StateRef) -> list[tuple[str, str, str]]:
    """(pointer, kind, text) for every JSONPath-mode expression of a state (computed once per state).

    kind is 'path', 'reference', 'path-or-intrinsic' or 'template' (a `.$` value:
    a path or an intrinsic function).
    """
    cached = ref.__dict__.get("_jsonpath_expressions")
    if cached is None:
        flags: list[bool] = []
        cached = ref.__dict__["_jsonpath_expressions"] = _jsonpath_expressions(ref, flags)
        ref.__dict__["_template_keys_suspect"] = bool(flags)
    return cached


def jsonpath_texts(doc: AslDocument) -> set[tuple[str, str]]:
    """Every distinct (kind, text) among the expressions of the document's JSONPath states, once per document:
    a large definition repeats a few, and FLOW301 and FLOW302 first ask whether any of them can be reported.

    Found by `_texts_of`, which builds no pointer (a large definition holds ~5 expressions a state, and the
    pointers are needed only where something is reported); a state walked already gives its expressions."""
    found = doc.memo.get("jsonpath_texts")
    if found is None:
        by_kind: dict[str, set[str]] = {kind: set() for kind in _KINDS}
        for ref in states_in(doc, "JSONPath"):
            known = ref.__dict__.get("_jsonpath_expressions")
            if known is not None:
                for _pointer, kind, text in known:
                    by_kind[kind].add(text)
            else:
                flags: list[bool] = []
                _texts_of(ref, by_kind, flags)
                ref.__dict__["_template_keys_suspect"] = bool(flags)
        found = doc.memo["jsonpath_texts"] = {(kind, text) for kind, texts in by_kind.items() for text in texts}
    return found


_KINDS = ("path", "reference", "path-or-intrinsic", "template")


def template_keys_suspect(ref: StateRef) -> bool:
    """Whether a payload template of the state has a `.$` key whose value is not a string, or a `.$` key beside
    its plain twin (FLOW306): noted on the walk `jsonpath_texts` (or `jsonpath_expressions`) makes anyway, so
    FLOW306 looks closer only at the states where it can find something."""
    suspect = ref.__dict__.get("_template_keys_suspect")
    if suspect is None:
        flags: list[bool] = []
        _texts_of(ref, {kind: set() for kind in _KINDS}, flags)
        suspect = ref.__dict__["_template_keys_suspect"] = bool(flags)
    return suspect


# What `_jsonpath_expressions` reads, in the order it reports: (state field, kind, nested field). Kinds:
# the three path kinds, "template" (a payload template), "nested" (a template inside an object).
_STEPS: list[tuple[str, str, str]] = [
    *((f, "path", "") for f in PATH_FIELDS),
    *((f, "reference", "") for f in REFERENCE_PATH_FIELDS),
    *((f, "path-or-intrinsic", "") for f in PATH_OR_INTRINSIC_FIELDS),
    *((f, "template", "") for f in TEMPLATE_FIELDS),
    *((outer, "nested", inner) for outer, inner in NESTED_TEMPLATES),
    ("Catch", "catch", ""),
    ("Choices", "choices", ""),
]
_STEPS_OF: dict[str, list[int]] = {}
for _i, (_field, _kind, _inner) in enumerate(_STEPS):
    _STEPS_OF.setdefault(_field, []).append(_i)
del _i, _field, _kind, _inner
_PATH, _TEMPLATE, _CATCH, _NESTED, _CHOICES = range(5)
_ACTION = {"path": _PATH, "reference": _PATH, "path-or-intrinsic": _PATH, "template": _TEMPLATE, "catch": _CATCH,
           "nested": _NESTED, "choices": _CHOICES}
_STEPS_BY_LAYOUT: dict[tuple, list[tuple[str, str, str, str, int]]] = {}  # a state's keys, in order -> its _STEPS


def _steps_for(body: dict) -> list[tuple[str, str, str, str, int]]:
    """The steps of a state's layout (its keys in order): what both walks below go through."""
    layout = tuple(body)
    steps = _STEPS_BY_LAYOUT.get(layout)
    return steps if steps is not None else _steps_of(layout)


def _steps_of(layout: tuple) -> list[tuple[str, str, str, str, int]]:
    """A large definition repeats a few field layouts: each is sorted once."""
    found = sorted(i for key in _STEPS_OF.keys() & set(layout) for i in _STEPS_OF[key])
    # (field, kind, nested field, "/field" as pointers end, what to do): the tuples, not indexes, to skip a
    # lookup; what to do as a small int, one comparison per field instead of a chain of string ones
    steps = [(*_STEPS[i], "/" + _STEPS[i][0], _ACTION[_STEPS[i][1]]) for i in found]
    if len(_STEPS_BY_LAYOUT) >= 4096:  # stay bounded in a long-lived process (the language server)
        _STEPS_BY_LAYOUT.clear()
    _STEPS_BY_LAYOUT[layout] = steps
    return steps


def _jsonpath_expressions(ref: StateRef, flags: list[bool]) -> list[tuple[str, str, str]]:
    """Only the fields a state has are looked at (a state has a few of the ~24 that can hold one)."""
    body, ptr = ref.body, ref.pointer
    out: list[tuple[str, str, str]] = []
    for field, kind, inner, suffix, action in _steps_for(body):
        value = body[field]
        if action == _PATH:
            if isinstance(value, str):
                out.append((ptr + suffix, kind, value))
        elif action == _TEMPLATE:
            _template_values(value, ptr + suffix, out, flags)
        elif action == _CATCH:
            _catch_paths(value, ptr, out, flags)
        elif action == _NESTED:
            if isinstance(value, dict) and inner in value:
                _template_values(value[inner], f"{ptr}/{field}/{inner}", out, flags)
        elif isinstance(value, list):  # _CHOICES
            for i, rule in enumerate(value):
                _choice_paths(rule, f"{ptr}/Choices/{i}", out, flags)
    return out


def _texts_of(ref: StateRef, by_kind: dict[str, set[str]], flags: list[bool]) -> None:
    """What `_jsonpath_expressions` finds in a state, each text added to its kind's set, and FLOW306's flags as
    it notes them, without a pointer: the same steps for the same layouts (a test compares the two walks)."""
    body = ref.body
    for field, kind, inner, _suffix, action in _steps_for(body):
        value = body[field]
        if action == _PATH:
            if isinstance(value, str):
                by_kind[kind].add(value)
        elif action == _TEMPLATE:
            _template_texts(value, by_kind["template"].add, flags)
        elif action == _NESTED:
            if isinstance(value, dict) and inner in value:
                _template_texts(value[inner], by_kind["template"].add, flags)
        elif action == _CATCH or isinstance(value, list):  # catchers and choice rules: few, walked with pointers
            out: list[tuple[str, str, str]] = []
            if action == _CATCH:
                _catch_paths(value, "", out, flags)
            else:
                for rule in value:
                    _choice_paths(rule, "", out, flags)
            for _pointer, found, text in out:
                by_kind[found].add(text)


def _template_texts(value: Any, add: Callable[[str], None], flags: list[bool]) -> None:
    """`_template_values` without pointers: each `.$` value handed to `add`; an object with a key that is not
    a str (no plan) goes through `_template_values`."""
    if isinstance(value, dict):
        plan = _TEMPLATE_PLANS.get(tuple(value), _UNPLANNED)
        if plan is _UNPLANNED:
            plan = _template_plan(tuple(value))
        if plan is None:
            out: list[tuple[str, str, str]] = []
            _template_values(value, "", out, flags)
            for _pointer, _kind, text in out:
                add(text)
            return
        for k, _suffix, dollar, twin in plan:
            v = value[k]
            if dollar:
                if isinstance(v, str):
                    add(v)
                    if twin:
                        flags.append(True)
                    continue
                flags.append(True)
            if isinstance(v, (dict, list)):
                _template_texts(v, add, flags)
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (dict, list)):
                _template_texts(v, add, flags)


def _catch_paths(catchers: Any, ptr: str, out: list[tuple[str, str, str]], flags: list[bool]) -> None:
    """A Catch field's expressions, appended to `out` (`ptr` the state's pointer)."""
    for i, catcher in enumerate(catchers if isinstance(catchers, list) else []):
        if isinstance(catcher, dict):
            if isinstance(catcher.get("ResultPath"), str):
                out.append((f"{ptr}/Catch/{i}/ResultPath", "reference", catcher["ResultPath"]))
            if "Assign" in catcher:
                _template_values(catcher["Assign"], f"{ptr}/Catch/{i}/Assign", out, flags)


def _choice_paths(rule: Any, ptr: str, out: list[tuple[str, str, str]], flags: list[bool]) -> None:
    """Appends to `out` (not a generator: a large workflow has thousands of rules, nested ones recursing)."""
    if not isinstance(rule, dict):
        return
    variable = rule.get("Variable")
    if isinstance(variable, str):
        out.append((f"{ptr}/Variable", "path", variable))
    for key, value in rule.items():
        if key.endswith("Path") and key != "Variable" and isinstance(value, str):
            out.append((f"{ptr}/{key}", "path", value))
    for key in ("And", "Or"):
        subs = rule.get(key)
        if isinstance(subs, list):
            for i, sub in enumerate(subs):
                _choice_paths(sub, f"{ptr}/{key}/{i}", out, flags)
    negated = rule.get("Not")
    if isinstance(negated, dict):
        _choice_paths(negated, f"{ptr}/Not", out, flags)
    if "Assign" in rule:
        _template_values(rule["Assign"], f"{ptr}/Assign", out, flags)


#: a template object's keys, in order -> per key (key, "/key" as its pointer ends, whether it is a `.$` key,
#: whether its plain twin is a key too), or None when a key is not a str; payload templates of a large
#: definition repeat a few layouts thousands of times
_TEMPLATE_PLANS: dict[tuple, list[tuple[str, str, bool, bool]] | None] = {}
_UNPLANNED = object()


def _template_plan(layout: tuple) -> list[tuple[str, str, bool, bool]] | None:
    plan: list[tuple[str, str, bool, bool]] | None = []
    if all(type(k) is str for k in layout):
        keys = set(layout)
        plan = [(k, "/" + (k if "~" not in k and "/" not in k else escape(k)), k.endswith(".$"),
                 k.endswith(".$") and k[:-2] in keys) for k in layout]
    else:
        plan = None
    if len(_TEMPLATE_PLANS) >= 4096:  # stay bounded in a long-lived process (the language server)
        _TEMPLATE_PLANS.clear()
    _TEMPLATE_PLANS[layout] = plan
    return plan


def _template_values(value: Any, ptr: str, out: list[tuple[str, str, str]], flags: list[bool] | None = None
                     ) -> None:
    """`flags` (when given) gets an entry for each `.$` key FLOW306 would look at twice (see template_keys_suspect)."""
    if isinstance(value, dict):
        layout = tuple(value)
        plan = _TEMPLATE_PLANS.get(layout, _UNPLANNED)
        if plan is _UNPLANNED:
            plan = _template_plan(layout)
        if plan is not None:  # the loop below, with each key's tests answered once for its layout
            for k, suffix, dollar, twin in plan:
                v = value[k]
                if dollar:
                    if isinstance(v, str):
                        out.append((ptr + suffix, "template", v))
                        if twin and flags is not None:
                            flags.append(True)
                        continue
                    if flags is not None:
                        flags.append(True)
                if isinstance(v, (dict, list)):
                    _template_values(v, ptr + suffix, out, flags)
            return
        for k, v in value.items():
            if isinstance(k, str) and k.endswith(".$"):
                if isinstance(v, str):
                    out.append((f"{ptr}/{k}" if "~" not in k and "/" not in k else f"{ptr}/{escape(k)}",
                                "template", v))
                    if flags is not None and k[:-2] in value:
                        flags.append(True)
                    continue
                if flags is not None:
                    flags.append(True)
            if isinstance(v, (dict, list)):
                plain = isinstance(k, str) and "~" not in k and "/" not in k
                _template_values(v, f"{ptr}/{k}" if plain else f"{ptr}/{escape(k)}", out, flags)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, (dict, list)):
                _template_values(v, f"{ptr}/{i}", out, flags)


def states_in(doc: AslDocument, ql: str) -> Iterator[StateRef]:
    """The states that run under `ql`, in document order (all of them, as a rule: decided once per layout)."""
    if all(layout[1] == ql for layout, _ in doc.layouts()):
        return iter(doc.states())
    return (ref for ref in doc.states() if ref.query_language == ql)


# -- JSONata fields by context ------------------------------------------------------------------------
_NOT_EXPRESSIONS = frozenset({"ItemProcessor", "Iterator", "Branches", "Type", "Next", "End", "Comment", "Resource",
                              "QueryLanguage", "Label", "Default", "Retry"})


def jsonata_fields(ref: StateRef) -> Iterator[tuple[str, str, str]]:
    """(pointer, text, where) for every string of a JSONata state that contains `{%` or `%}`.

    ``where`` names the field: "Arguments", "Output", "Assign", "Catch.Output",
    "Catch.Assign", "Choices.Condition", "Choices.Output", "Choices.Assign", ...
    """
    from flowc.compiler.asldoc import iter_strings

    def strings(value: Any, ptr: str) -> Iterator[tuple[str, str]]:
        if isinstance(value, str):
            if "{%" in value or "%}" in value:
                yield ptr, value
        else:
            for p, _, s in iter_strings(value, ptr):
                if "{%" in s or "%}" in s:
                    yield p, s

    for key, value in ref.body.items():
        if key in _NOT_EXPRESSIONS:
            continue
        ptr = f"{ref.pointer}/{escape(key)}"
        if key in ("Catch", "Choices") and isinstance(value, list):
            for i, entry in enumerate(value):
                if not isinstance(entry, dict):
                    continue
                for sub, sub_value in entry.items():
                    if sub in ("Next", "Comment", "ErrorEquals"):
                        continue
                    for p, s in strings(sub_value, f"{ptr}/{i}/{escape(sub)}"):
                        yield p, s, f"{key}.{sub}"
            continue
        for p, s in strings(value, ptr):
            yield p, s, key


# -- variables -------------------------------------------------------------------------------------------
_QUOTED = re.compile(r"'(?:\\.|[^'\\])*'")
_VAR_IN_TEXT = re.compile(r"(?<![\w$@.])\$([A-Za-z_][A-Za-z0-9_]*)")


def jsonpath_variables(text: str) -> set[str]:
    """Workflow variables (`$name`) a JSONPath, intrinsic or filter refers to (not `$`, `$$` or `@`)."""
    if "$" not in text:
        return set()
    return set(_VAR_IN_TEXT.findall(_QUOTED.sub("''", text)))


def assigned_names(body: dict) -> Iterator[tuple[str, str]]:
    """(pointer of the key, variable name) for every Assign of a state: its own, its catchers' and rules'."""
    holders: list[tuple[Any, str]] = [(body.get("Assign"), "/Assign")]
    for field in ("Catch", "Choices"):
        entries = body.get(field)
        if isinstance(entries, list):
            holders.extend((e.get("Assign"), f"/{field}/{i}/Assign") for i, e in enumerate(entries)
                           if isinstance(e, dict))
    for assign, ptr in holders:
        if isinstance(assign, dict):
            for key in assign:
                name = key[:-2] if isinstance(key, str) and key.endswith(".$") else key
                yield f"{ptr}/{escape(key)}", str(name)


def variable_references(ref: StateRef) -> Iterator[tuple[str, str]]:
    """(pointer, variable name) for every workflow variable a state reads."""
    from flowc.compiler.rules import _jsonata

    if ref.query_language == "JSONata":
        for pointer, text, _where in jsonata_fields(ref):
            body = _jsonata.expression_body(text)
            if body is None:
                continue
            info = _jsonata.analyse(body)
            for name in sorted(info.variables):
                yield pointer, name
        return
    for pointer, _kind, text in jsonpath_expressions(ref):
        for name in sorted(jsonpath_variables(text)):
            yield pointer, name
