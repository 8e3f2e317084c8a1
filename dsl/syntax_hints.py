"""Fix suggestions for `.flow` syntax errors, as the YAML twin gives them (`retries` -> `retry`).

A table-driven layer over the parser's "unexpected X; expected Y" message: ASL field names written where an
option goes, typos of a keyword the parser expected, an option at a step's indentation, a step name with
spaces. Kept apart from the parser so the grammar's error handling stays one thing.
"""

from __future__ import annotations

from flowc.dsl.diagnostics import did_you_mean

# ASL field -> the `.flow` option that writes it (README, "Options")
ASL_FIELDS = {
    "resultpath": "result", "inputpath": "input", "outputpath": "output", "output": "output",
    "parameters": "with", "arguments": "with", "itemselector": "with", "resultselector": "select",
    "timeoutseconds": "timeout", "timeoutsecondspath": "timeout", "heartbeatseconds": "heartbeat",
    "heartbeatsecondspath": "heartbeat", "retry": "retry", "catch": "catch", "comment": "comment",
    "assign": "assign", "credentials": "credentials", "querylanguage": "query", "maxconcurrency": "concurrency",
    "maxconcurrencypath": "concurrency", "itemreader": "reader", "itembatcher": "batch",
    "resultwriter": "writer", "label": "label", "toleratedfailurepercentage": "tolerate",
    "toleratedfailurecount": "tolerate",
}
# Options written under a step (README, "Options" and "Map-only").
OPTIONS = frozenset({"input", "with", "select", "result", "output", "assign", "timeout", "heartbeat",
                     "credentials", "comment", "query", "retry", "catch", "concurrency", "tolerate", "reader",
                     "batch", "writer", "execution", "label"})


def hint(token: str, expected: set[str], line_text: str) -> str | None:
    """A suggestion for `unexpected <token>` where the parser expected one of `expected` (keywords
    lower-cased, punctuation as written) on the source line `line_text`."""
    word = token.strip()
    first = line_text.strip().split(" ", 1)[0].rstrip(":") if line_text.strip() else ""
    option = ASL_FIELDS.get(word.lower().rstrip(":"))
    if option and (option in expected or option in OPTIONS):
        return f"`{word}` is the ASL field; in .flow write `{option} ...`"
    keywords = sorted(e for e in expected if e.isidentifier())
    if word.isidentifier() and keywords:
        # options first: `retries` is a misspelt `retry` more often than an `entries` (events.put)
        near = did_you_mean(word, [k for k in keywords if k in OPTIONS]) or did_you_mean(word, keywords)
        if near and near != word:
            return f"did you mean `{near}`?"
    if expected == {":"} and first in OPTIONS:
        return (f"`{first}` is an option of the step above: indent it one level deeper than the step name "
                "(options belong to the step they follow)")
    if expected == {":"} and ":" in line_text and not line_text.lstrip().startswith(('"', "'")):
        name = line_text.strip().split(":", 1)[0]
        if " " in name:
            return f'quote a step name that is not an identifier: "{name}": ...'
    return None
