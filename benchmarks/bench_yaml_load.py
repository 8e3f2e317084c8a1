"""What validating `.flow.yaml` with the document models (dsl/yaml_model.py) costs the YAML front end.

Run: `python benchmarks/bench_yaml_load.py` (add `--repeat N`). For the examples (workflows/*.flow.yaml) and a
synthetic 1,000-step workflow printed as YAML, it times the whole `parse_flow_yaml` and the model validation
alone (`_Loader.check_model` on the already-loaded tree), best of 5 rounds, in this process (warm); and, in a
fresh process, the first model validation (pydantic builds the validators on first use) against the second.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

COLD = r"""
import sys, time
from pathlib import Path
from flowc.dsl.yaml_loader import _Loader, _yaml
text = Path(sys.argv[1]).read_text()
data = _yaml().load(text)
t0 = time.perf_counter(); _Loader(sys.argv[1], text).check_model(data); t1 = time.perf_counter()
_Loader(sys.argv[1], text).check_model(data); t2 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.1f} {(t2 - t1) * 1000:.1f}")
"""


def best(fn, repeat: int) -> float:
    """Best of 5 rounds of `repeat` calls, in ms per call."""
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(repeat):
            fn()
        rounds.append((time.perf_counter() - start) / repeat * 1000)
    return min(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from flowc.dsl import yaml_printer
    from flowc.dsl.parser import parse_flow
    from flowc.dsl.yaml_loader import _Loader, _yaml, parse_flow_yaml
    from synthetic import synthetic_flow

    cases = [(p.name, p.read_text(encoding="utf-8")) for p in sorted((REPO / "workflows").glob("*.flow.yaml"))]
    cases.append(("synthetic 1,000 steps", yaml_printer.format_module(parse_flow(synthetic_flow(1000), "s.flow"))))
    print(f"{'file':<34} {'parse_flow_yaml':>16} {'models only':>12} {'share':>6}")
    for name, text in cases:
        data = _yaml().load(text)
        parse_flow_yaml(text, name)  # warm: validators built
        repeat = max(1, args.repeat // 20) if "synthetic" in name else args.repeat
        whole = best(lambda n=name, t=text: parse_flow_yaml(t, n), repeat)
        models = best(lambda n=name, t=text, d=data: _Loader(n, t).check_model(d), repeat)
        print(f"{name:<34} {whole:>13.2f} ms {models:>9.2f} ms {models / whole:>6.0%}")
    example = REPO / "workflows" / "member_onboarding.flow.yaml"
    out = subprocess.run([sys.executable, "-c", COLD, str(example)], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(REPO), "PATH": ""}).stdout.split()
    print(f"fresh process, {example.name}: first model validation {out[0]} ms (pydantic builds the validators, "
          f"once per process), second {out[1]} ms")


if __name__ == "__main__":
    main()
