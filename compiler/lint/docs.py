"""Rule pages under docs/rules/ (generated; a test keeps them in sync): `python -m flowc.compiler.lint.docs`."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules"
# The lint's series; other series (FLOW7xx: the SQS target's compiler checks) are documented by their owners.
SERIES = ("FLOW1", "FLOW2", "FLOW3", "FLOW4", "FLOW5", "FLOW6", "FLOW8")
TARGETS = {"asl": "ASL (raw files and compiled `.flow`)", "flow": "`.flow` sources", "compiler": "the compiler"}


def render_page(rule) -> str:
    return (f"# {rule.code}: {rule.name}\n\n{rule.summary}\n\n"
            f"- Default severity: **{rule.severity.value}**\n- Applies to: {TARGETS.get(rule.target, rule.target)}\n"
            f"- Explain from the command line: `flowc explain {rule.code}`\n\n{rule.docs.rstrip()}\n")


def lint_rules() -> dict:
    from flowc.compiler.rules import all_rules

    return {code: rule for code, rule in all_rules().items() if code.startswith(SERIES)}


def render_index() -> str:
    lines = ["# flowc lint rules", "", "Generated from the rule registry (`python -m flowc.compiler.lint.docs`).", "",
             "| code | name | severity | applies to | summary |", "|---|---|---|---|---|"]
    for code, rule in lint_rules().items():
        summary = rule.summary.replace("|", "\\|")
        lines.append(f"| [{code}]({code}.md) | {rule.name} | {rule.severity.value} | "
                     f"{TARGETS.get(rule.target, rule.target)} | {summary} |")
    return "\n".join(lines) + "\n"


def write_all(folder: Path = DOCS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for stale in folder.glob("FLOW*.md"):
        if stale.stem.startswith(SERIES):
            stale.unlink()
    for code, rule in lint_rules().items():
        path = folder / f"{code}.md"
        path.write_text(render_page(rule), encoding="utf-8")
        written.append(path)
    (folder / "README.md").write_text(render_index(), encoding="utf-8")
    return written


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {len(write_all())} rule pages to {DOCS}")
