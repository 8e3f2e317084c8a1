"""The back ends: one emitter per target, each reading only compiler's IR layer (tests/test_layers.py).

`TARGETS` names each deployable target's module (`check(result)` and `render(result, out, sources)`),
like a dialect table: `flowc compile --target` and `flowc deploy` look targets up here.
"""

TARGETS = {"asl": "flowc.targets.asl.target", "sqs": "flowc.targets.sqs.target"}
