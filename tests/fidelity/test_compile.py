"""Issue 13 item 3: `tolerate` is a Distributed Map setting; an inline map refuses it at compile time."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import CORPUS, codes, compile_text

INLINE = """
workflow T
  M: map $.xs
    {option}
    do
      P: pass
"""


@pytest.mark.parametrize("option", ["tolerate 10%", "tolerate 3", "tolerate count $.n", "tolerate percent $.p"])
def test_tolerate_on_an_inline_map_is_refused(tmp_path: Path, option: str) -> None:
    result = compile_text(tmp_path, INLINE.format(option=option))
    assert codes(result) == ["FLOW102"]
    (diag,) = [d for d in result.diagnostics if d.code == "FLOW102"]
    assert diag.message == "'tolerate' only applies to `map distributed`"
    assert diag.hint is not None and "map distributed" in diag.hint
    assert diag.span.line == 3


def test_tolerate_on_a_distributed_map_compiles(tmp_path: Path) -> None:
    result = compile_text(tmp_path, INLINE.format(option="tolerate 10%").replace("map $.xs", "map distributed $.xs"))
    assert result.ok
    assert result.asl["T"].definition["States"]["M"]["ToleratedFailurePercentage"] == 10


def test_no_corpus_file_tolerates_on_an_inline_map() -> None:
    from flowc.compiler.pipeline import analyse

    for path in sorted(CORPUS.glob("*.flow")):
        result = analyse([path])
        assert result.ok, [str(d) for d in result.errors]
