from flowc.compiler.asldoc import AslDocument, StateRef, resolve
from flowc.compiler.rules import _aws, _fields
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import did_you_mean

TOP_FIELDS = {"Comment", "StartAt", "States", "TimeoutSeconds", "Version", "QueryLanguage"}
SCOPE_FIELDS = {"branch": {"Comment", "StartAt", "States", "QueryLanguage"},
                "processor": {"Comment", "StartAt", "States", "ProcessorConfig", "QueryLanguage"}}
# (field of a state, structure name) for objects nested in a state, and lists of them.
NESTED = (("ItemReader", "ItemReader"), ("ItemBatcher", "ItemBatcher"), ("ResultWriter", "ResultWriter"))
NESTED_LISTS = (("Retry", "Retrier"), ("Catch", "Catcher"))
SUB_NESTED = (("ItemReader", "ReaderConfig", "ReaderConfig"), ("ResultWriter", "WriterConfig", "WriterConfig"),
              ("ItemProcessor", "ProcessorConfig", "ProcessorConfig"))


class UnknownField(Rule):
    code = "FLOW102"
    name = "unknown-field"
    summary = "A field (or `.flow` option) that this state type or structure does not have."
    docs = """\
Step Functions rejects definitions with fields a state type does not define,
for example `Seconds` on a Task, `Next` on a Succeed, `Assign` on a Fail, or a
misspelt `InputPath`. Retriers, catchers, `ItemReader`, `ItemBatcher`,
`ResultWriter` and their configurations are checked the same way. In `.flow`,
an option that does not apply to the step kind is reported the same way.

Bad:
```json
"Done": { "Type": "Succeed", "Next": "Other" }
```
Good:
```json
"Done": { "Type": "Succeed" }
```
"""

    def check(self, doc: AslDocument):
        d = doc.definition
        if isinstance(d, dict):
            for key in d:
                if key not in TOP_FIELDS:
                    yield Finding(f"unknown top-level field '{key}'", f"/{key}",
                                  hint=_hint(key, TOP_FIELDS), key=True)
        for scope in doc.scopes():
            if scope.kind == "top":
                continue
            container = resolve(d, scope.pointer)
            if isinstance(container, dict):
                for key in container:
                    if key not in SCOPE_FIELDS[scope.kind]:
                        where = "a Parallel branch" if scope.kind == "branch" else "a Map processor"
                        yield Finding(f"unknown field '{key}' in {where}", f"{scope.pointer}/{key}",
                                      hint=_hint(key, SCOPE_FIELDS[scope.kind]), key=True)
        yield from by_shape(doc, self.code, READS, self.state)

    def state(self, ref: StateRef):
        """The findings of one state (the long way; `check` runs it once per clean shape)."""
        state_type = ref.type
        if not isinstance(state_type, str):
            return
        if state_type not in _fields.STATE_TYPES:
            yield Finding(f"state '{ref.name}' has unknown Type '{state_type}'" + _aws.says(_aws.STATE_TYPES_MESSAGE),
                          ref.pointer + "/Type",
                          hint=_hint(state_type, _fields.STATE_TYPES))
            return
        body = ref.body
        allowed = _fields.allowed_any(state_type)
        if not allowed.issuperset(body):
            for key in body:
                if key not in allowed:
                    yield Finding(f"'{key}' is not a field of a {state_type} state ('{ref.name}')"
                                  + _aws.says(_aws.not_supported(str(key))),
                                  f"{ref.pointer}/{key}", hint=_hint(key, allowed), key=True)
        if _HOLDERS.isdisjoint(body):
            return  # nothing nested to check
        # (`_check_struct` finds nothing in an object of known fields: pointers are built for the others only)
        for fname, struct in NESTED:
            value = body.get(fname)
            if isinstance(value, dict) and not _fields.allowed_any(struct).issuperset(value):
                yield from _check_struct(value, struct, f"{ref.pointer}/{fname}", fname)
        for fname, struct in NESTED_LISTS:
            items = body.get(fname)
            if isinstance(items, list):
                known = _fields.allowed_any(struct)
                for i, item in enumerate(items):
                    if isinstance(item, dict) and not known.issuperset(item):
                        yield from _check_struct(item, struct, f"{ref.pointer}/{fname}/{i}", f"a {fname} entry")
        for outer, inner, struct in SUB_NESTED:
            holder = body.get(outer)
            if isinstance(holder, dict):
                value = holder.get(inner)
                if isinstance(value, dict) and not _fields.allowed_any(struct).issuperset(value):
                    yield from _check_struct(value, struct, f"{ref.pointer}/{outer}/{inner}", f"{outer}.{inner}")


# Fields of a state that hold structures checked above.
_HOLDERS = frozenset([f for f, _ in NESTED] + [f for f, _ in NESTED_LISTS] + [o for o, _, _ in SUB_NESTED])
#: every field whose value `state` looks at (rules/_shapes): the structures it looks into
READS: dict[str, tuple[type, ...]] = {f: () for f in _HOLDERS}


def _check_struct(value, struct: str, pointer: str, what: str):
    if not isinstance(value, dict):
        return
    allowed = _fields.allowed_any(struct)
    if allowed.issuperset(value):
        return
    for key in value:
        if key not in allowed:
            yield Finding(f"'{key}' is not a field of {what}", f"{pointer}/{key}", hint=_hint(key, allowed), key=True)


def _hint(key, candidates):
    near = did_you_mean(str(key), candidates)
    return f"did you mean '{near}'?" if near else None


_resolve = resolve
