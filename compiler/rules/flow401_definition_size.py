from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule

MAX_BYTES = 1024 * 1024


class DefinitionTooLarge(Rule):
    code = "FLOW401"
    name = "definition-too-large"
    summary = "The definition is over the 1 MB limit Step Functions accepts."
    docs = """\
CreateStateMachine rejects definitions over 1 MB. Split the work: move a
repeated section into a child workflow started with `start Child sync2`, or
drive large inputs with a distributed Map.

Bad: one workflow with thousands of near-identical steps.

Good: a parent that maps over items and starts a child workflow per item.
"""

    def check(self, doc: AslDocument):
        size = doc.raw_size
        if size is None:
            size = len(doc.compact_json().encode())
        if size > MAX_BYTES:
            yield Finding(f"definition is {size:,} bytes; Step Functions accepts at most {MAX_BYTES:,}", "")
