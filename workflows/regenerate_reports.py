"""Regenerate the checked-in `flowc compare` reports of the shipped examples (or check they are current).

    python workflows/regenerate_reports.py          # rewrite workflows/<name>.compare.md and .compare.html
    python workflows/regenerate_reports.py --check  # exit 1 and name the stale files (what the test runs)

Each report is `flowc compare workflows/<name>.flow --input @workflows/<name>.compare-input.json` (or
`--case NAME` for the examples in CASES) at the
default volume (1,000,000 executions a month, us-east-1, no free tier), run from the repository root so the
paths printed in the reports are the same on every machine.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = ["member_onboarding", "workflow_chargeback", "user_fanout", "process_user", "asl_only/invoice_batch"]
FORMATS = {"markdown": ".compare.md", "html": ".compare.html"}
# Examples measured on a test case of their `.tests.yaml` (its input and mocks) instead of a compare input:
# a Distributed Map over S3 needs its reader mocked to run locally.
CASES = {"asl_only/invoice_batch": "every line is priced, in line order"}


def expected(name: str) -> dict[Path, str]:
    """{report file: the text it should contain}, built in-process (one run per example for both formats)."""
    from flowc.compiler.commands.compare import _command_line, render
    from flowc.compiler.compare.report import build_report

    flow = Path("workflows") / f"{name}.flow"
    case = CASES.get(name)
    spec = None if case else f"@workflows/{name}.compare-input.json"
    report = build_report(flow, input_spec=spec, case=case, display_path=flow.as_posix())
    command = _command_line(flow, None, spec, report.executions_per_month, report.region, report.free_tier,
                            case=case)
    return {REPO / "workflows" / f"{name}{suffix}": render(report, fmt, command) for fmt, suffix in FORMATS.items()}


def stale(names: list[str] | None = None) -> list[Path]:
    """Report files that differ from what `flowc compare` produces now (missing ones included)."""
    out = []
    with _in_repo():
        for name in names or EXAMPLES:
            for path, text in expected(name).items():
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    out.append(path)
    return out


def write(names: list[str] | None = None) -> list[Path]:
    written = []
    with _in_repo():
        for name in names or EXAMPLES:
            for path, text in expected(name).items():
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    path.write_text(text, encoding="utf-8")
                    written.append(path)
    return written


class _in_repo:
    def __enter__(self) -> None:
        self.previous = Path.cwd()
        os.chdir(REPO)
        if str(REPO) not in sys.path:
            sys.path.insert(0, str(REPO))

    def __exit__(self, *exc: object) -> None:
        os.chdir(self.previous)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 when a report is stale")
    parser.add_argument("examples", nargs="*", choices=[[], *EXAMPLES], help="default: all of them")
    args = parser.parse_args(argv)
    if args.check:
        found = stale(args.examples)
        for path in found:
            print(f"stale: {path.relative_to(REPO)}", file=sys.stderr)
        if found:
            print("regenerate with: python workflows/regenerate_reports.py", file=sys.stderr)
        return 1 if found else 0
    for path in write(args.examples):
        print(f"wrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
