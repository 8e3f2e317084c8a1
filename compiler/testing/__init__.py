"""Running workflows as a user tests them: `flowc test` specs, Step Functions Local mock configs, and
existing ASL definitions run without a `.flow`.

These compile (through the pipeline) and then run on both back ends, so they sit above `targets/`,
not in it: a target reads only the IR layer (see tests/test_layers.py).
"""
