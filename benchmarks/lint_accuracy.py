"""How often `flowc lint` agrees with what AWS accepts and rejects, on the two shared corpora.

    python benchmarks/lint_accuracy.py [--shared ../shared]

- corpus/asl-validation: labelled fixtures (asl-validator's and statelint's test suites). A fixture is
  "invalid" for flowc when flowc reports an error (FLOW111 set aside for fixtures flagged
  `nonarn-resource`, as tests/lint/test_corpus_fixtures.py does). Prints agreement with the labels, and
  every disagreement with flowc's first error (disputed labels are argued in docs/lint-accuracy.md).
- corpus/real-asl: definitions from AWS's public samples, which AWS deploys: how many lint without
  an error, and the error counts per rule (false positives, unless the definition is not deployable).

Counts, not timings: the numbers go in docs/lint-accuracy.md (before and after a change).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def labelled(root: Path) -> None:
    from flowc.compiler.lint.runner import lint_asl_text

    with (root / "manifest.tsv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    agree, disagree = 0, []
    for row in rows:
        diags = lint_asl_text((root / row["path"]).read_text(encoding="utf-8"), row["path"], None)
        errors = [d for d in diags if d.severity.value == "error"]
        if "nonarn-resource" in row["flags"]:
            errors = [d for d in errors if d.code != "FLOW111"]
        got = "invalid" if errors else "valid"
        if got == row["expected"]:
            agree += 1
        else:
            first = f"{errors[0].code} {errors[0].message}" if errors else "no error"
            disagree.append(f"  {row['path']}: labelled {row['expected']}, flowc {got} ({first[:110]})")
    print(f"asl-validation: {agree}/{len(rows)} fixtures classified like their label "
          f"({100 * agree / len(rows):.1f}%)")
    print("\n".join(disagree))


def real(root: Path) -> None:
    from flowc.compiler.lint.discovery import discover
    from flowc.compiler.lint.runner import Options, lint_targets

    cwd = os.getcwd()
    os.chdir(root)
    try:
        reports = lint_targets(discover(["."]), Options(), jobs=1)
    finally:
        os.chdir(cwd)
    clean = sum(not any(d.severity.value == "error" for d in r.diagnostics) for r in reports)
    errors = Counter(d.code for r in reports for d in r.diagnostics if d.severity.value == "error")
    warnings = Counter(d.code for r in reports for d in r.diagnostics if d.severity.value == "warning")
    print(f"real-asl: {clean}/{len(reports)} definitions without an error; errors {dict(sorted(errors.items()))}; "
          f"warnings {sum(warnings.values())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    args = parser.parse_args()
    labelled(args.shared / "corpus" / "asl-validation")
    real(args.shared / "corpus" / "real-asl")


if __name__ == "__main__":
    main()
