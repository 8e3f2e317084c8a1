from flowc.compiler.asldoc import AslDocument, escape
from flowc.compiler.rules._expressions import (
    NESTED_TEMPLATES,
    TEMPLATE_FIELDS,
    states_in,
    template_keys_suspect,
)
from flowc.compiler.rules._values import json_type
from flowc.compiler.rules.base import Finding, Rule


def templates(ref):
    body, ptr = ref.body, ref.pointer
    for field in TEMPLATE_FIELDS:
        if field in body:
            yield body[field], f"{ptr}/{field}"
    for outer, inner in NESTED_TEMPLATES:
        holder = body.get(outer)
        if isinstance(holder, dict) and inner in holder:
            yield holder[inner], f"{ptr}/{outer}/{inner}"
    for field in ("Catch", "Choices"):
        entries = body.get(field)
        if isinstance(entries, list):
            for i, entry in enumerate(entries):
                if isinstance(entry, dict) and "Assign" in entry:
                    yield entry["Assign"], f"{ptr}/{field}/{i}/Assign"


# Every state field `templates` reads.
_HOLDERS = frozenset([*TEMPLATE_FIELDS, *(outer for outer, _ in NESTED_TEMPLATES), "Catch", "Choices"])


class TemplateKeys(Rule):
    code = "FLOW306"
    name = "payload-template-keys"
    summary = "A `.$` key whose value is not a string, or `key` and `key.$` in the same object."
    docs = """\
In a JSONPath payload template (Parameters, ResultSelector, ItemSelector,
Credentials, Assign, ItemReader/ResultWriter Parameters, BatchInput), a key
ending in `.$` takes a path or intrinsic function *string*; the `.$` is removed
when the template is evaluated, so `name` and `name.$` in one object collide.
Checked at every depth, arrays included.

Bad:
```json
"Parameters": { "channel.$": "$.channel", "channel": "ops", "retries.$": 3 }
```
Good:
```json
"Parameters": { "channel.$": "$.channel", "retries": 3 }
```
"""

    def check(self, doc: AslDocument):
        out: list[Finding] = []
        if not any(map(template_keys_suspect, states_in(doc, "JSONPath"))):
            return out  # no state has a key this rule reports (the walk behind the answer is shared)
        for ref in states_in(doc, "JSONPath"):
            if _HOLDERS.isdisjoint(ref.body) or not template_keys_suspect(ref):
                continue  # no payload template in this state, or none with a key this rule reports
            for template, tptr in templates(ref):
                _scan(template, tptr, out)
        return out


def _scan(value, ptr: str, out: list[Finding], path: list | None = None) -> None:
    """The findings `walk` order gives (each object's keys, then its children, depth first). Pointers are
    built only for offending keys: `path` holds the keys and indexes below `ptr` on the way down."""
    if path is None:
        path = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not key.endswith(".$"):
                continue
            wrong_type = not isinstance(item, str)
            clash = key[:-2] in value
            if wrong_type or clash:
                p = _pointer(ptr, path) + "/" + escape(key)
                if wrong_type:
                    out.append(Finding(f"'{key}' takes a path or intrinsic function string, not {json_type(item)}",
                                       p, hint=f"drop the '.$' to use the value as it is: '{key[:-2]}'"))
                if clash:
                    out.append(Finding(f"'{key}' and '{key[:-2]}' are the same field once '.$' is removed", p,
                                       key=True))
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                path.append(key)
                _scan(item, ptr, out, path)
                path.pop()
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, (dict, list)):
                path.append(i)
                _scan(item, ptr, out, path)
                path.pop()


def _pointer(ptr: str, path: list) -> str:
    return ptr + "".join(f"/{escape(k)}" for k in path)
