"""The registry itself: every rule documented and tested; field tables in sync; generated pages up to date."""

from __future__ import annotations

import re

from flowc.compiler.lint.docs import SERIES, lint_rules
from flowc.compiler.rules import _fields

from tests.lint.helpers import REPO

RULE_TESTS = REPO / "tests" / "lint" / "rules"
DOCS = REPO / "docs" / "rules"


def test_every_rule_has_code_name_summary_docs_with_bad_and_good():
    for code, rule in lint_rules().items():
        assert re.fullmatch(r"FLOW\d{3}", code)
        assert rule.name and rule.summary and rule.target in ("asl", "flow", "compiler"), code
        assert "Bad" in rule.docs and "Good" in rule.docs, code


def test_every_rule_has_a_test_module():
    for code in lint_rules():
        assert list(RULE_TESTS.glob(f"test_{code.lower()}_*.py")), f"no tests/lint/rules/test_{code.lower()}_*.py"


def test_field_tables_match_the_asl_models():
    assert _fields.build_table() == _fields.table()


def test_generated_rule_pages_are_up_to_date():
    from flowc.compiler.lint.docs import render_index, render_page

    for code, rule in lint_rules().items():
        page = DOCS / f"{code}.md"
        assert page.exists() and page.read_text(encoding="utf-8") == render_page(rule), \
            f"{page} is stale: python -m flowc.compiler.lint.docs"
    assert (DOCS / "README.md").read_text(encoding="utf-8") == render_index()
    assert {p.stem for p in DOCS.glob("FLOW*.md") if p.stem.startswith(SERIES)} == set(lint_rules())
