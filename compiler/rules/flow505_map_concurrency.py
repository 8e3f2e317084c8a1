from flowc.compiler.asldoc import AslDocument
from flowc.compiler.rules.base import Finding, Rule
from flowc.dsl.diagnostics import Severity


class InlineMapWithoutConcurrency(Rule):
    code = "FLOW505"
    name = "map-concurrency"
    summary = "An inline Map without MaxConcurrency: all iterations may hit downstream services at once."
    severity = Severity.WARNING
    docs = """\
An inline Map without `MaxConcurrency` runs as many iterations at once as it
can (up to 40 in practice), so a list of 500 orders becomes bursts of 40
concurrent calls to the same Lambda function, table or API — throttling, then
retries, then failures. State the concurrency the downstream can take
(`MaxConcurrency: 0` says "unlimited" explicitly and is not reported).

Bad:
```json
"Each": { "Type": "Map", "ItemsPath": "$.orders", "ItemProcessor": {...}, "End": true }
```
Good:
```json
"Each": { "Type": "Map", "ItemsPath": "$.orders", "MaxConcurrency": 5, "ItemProcessor": {...}, "End": true }
```
In `.flow`: `concurrency 5` under the map step.
"""

    def check(self, doc: AslDocument):
        for ref in doc.states_of_type("Map"):  # (found through the layouts)
            if "MaxConcurrency" in ref.body or "MaxConcurrencyPath" in ref.body:
                continue
            processor = ref.body.get("ItemProcessor")
            config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
            if isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED":
                continue
            yield Finding(f"inline Map '{ref.name}' has no MaxConcurrency", ref.pointer, key=True,
                          hint="set MaxConcurrency to what the services it calls can take")
