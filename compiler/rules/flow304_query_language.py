from flowc.compiler.asldoc import AslDocument, StateRef
from flowc.compiler.rules import _aws, _fields
from flowc.compiler.rules._shapes import by_shape
from flowc.compiler.rules.base import Finding, Rule

NESTED_LISTS = (("Catch", "Catcher"), ("Choices", "ChoiceRule"))
NESTED = (("ItemReader", "ItemReader"), ("ItemBatcher", "ItemBatcher"), ("ResultWriter", "ResultWriter"))


_NESTED_FIELDS = frozenset(field for field, _ in NESTED_LISTS + NESTED)
#: every field whose value `state` looks at (rules/_shapes): QueryLanguage, and the structures whose fields it
#: looks at; and Retry, which it does not read (a finer shape, still exact): the other rules read Retry and
#: Catch together, and the shapes of a Task with both are then made once for all
READS: dict[str, tuple[type, ...]] = {f: () for f in ("QueryLanguage", *_NESTED_FIELDS, "Retry")}


class WrongQueryLanguage(Rule):
    code = "FLOW304"
    name = "query-language-field"
    summary = "A field or expression that belongs to the other query language."
    docs = """\
JSONPath states use InputPath, Parameters, ResultSelector, ResultPath and
OutputPath (and `Variable` in Choice rules, `ResultPath` in catchers); JSONata
states use Arguments and Output with `{% %}` expressions (and `Condition`,
`Output`). A state may not mix them. A state machine whose top level is JSONata
cannot contain JSONPath states: only a JSONPath machine can convert state by
state (AWS developer guide, "State machine structure": QueryLanguage). `.flow`
reports expressions of the wrong language.

Bad:
```
workflow Orders
  query jsonata
  Load: invoke load
    result $.order
```
Good:
```
workflow Orders
  query jsonata
  Load: invoke load
    output {% $merge([$states.input, {"order": $states.result}]) %}
```
"""

    def check(self, doc: AslDocument):
        top_jsonata = doc.top_query_language == "JSONata"
        yield from by_shape(doc, self.code, READS, lambda ref: self.state(ref, top_jsonata))

    def state(self, ref: StateRef, doc_jsonata: bool):
        """The findings of one state (the long way; `check` runs it once per clean shape); `doc_jsonata`: whether
        the state machine's top level is JSONata."""
        state_type = ref.type
        if not isinstance(state_type, str) or state_type not in _fields.STATE_TYPES:
            return
        if doc_jsonata and ref.body.get("QueryLanguage") == "JSONPath":
            yield Finding(f"state '{ref.name}' sets QueryLanguage JSONPath, but the state machine is JSONata: "
                          "a JSONata machine cannot mix in JSONPath states" + _aws.says(_aws.JSONATA_DOWNGRADE),
                          f"{ref.pointer}/QueryLanguage",
                          hint="convert the state to JSONata, or make the top level JSONPath and set "
                               "QueryLanguage JSONata on the other states")
        if not _fields.allowed(state_type, ref.query_language).issuperset(ref.body):
            yield from self.fields(ref.body, state_type, ref.query_language, ref.pointer, f"state '{ref.name}'")
        if _NESTED_FIELDS.isdisjoint(ref.body):
            return  # no Catch, Choices or nested structure to look into
        # (`fields` finds nothing in an object of only its own language's fields: the strings naming where
        # are built for the others only)
        for field, struct in NESTED_LISTS:
            entries = ref.body.get(field)
            if isinstance(entries, list):
                own = _fields.allowed(struct, ref.query_language)
                for i, entry in enumerate(entries):
                    if isinstance(entry, dict) and not own.issuperset(entry):
                        yield from self.fields(entry, struct, ref.query_language, f"{ref.pointer}/{field}/{i}",
                                               f"a {field} entry of '{ref.name}'")
        for field, struct in NESTED:
            holder = ref.body.get(field)
            if isinstance(holder, dict) and not _fields.allowed(struct, ref.query_language).issuperset(holder):
                yield from self.fields(holder, struct, ref.query_language, f"{ref.pointer}/{field}",
                                       f"{field} of '{ref.name}'")

    @staticmethod
    def fields(body: dict, struct: str, ql: str, ptr: str, what: str):
        own = _fields.allowed(struct, ql)
        if own.issuperset(body):
            return  # nothing from the other language (the usual case)
        other_ql = "JSONata" if ql == "JSONPath" else "JSONPath"
        other = _fields.allowed(struct, other_ql)
        for key in body:
            if key not in own and key in other:
                yield Finding(f"'{key}' is a {other_ql} field, but {what} uses {ql}", f"{ptr}/{key}", key=True)
