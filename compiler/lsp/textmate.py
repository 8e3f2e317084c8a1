"""The TextMate grammar of `.flow` (editors/vscode/syntaxes/flow.tmLanguage.json), generated from the grammar's
keywords so highlighting never falls behind the language: `python -m flowc.compiler.lsp.textmate` rewrites it
(a test checks the file is current)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from flowc.compiler.lsp.features import keywords

STEPS = ("invoke", "start", "call", "activity", "pass", "wait", "succeed", "fail", "choose", "switch", "parallel",
         "map", "goto", "end")
DECLARATIONS = ("workflow", "import", "function", "table", "topic", "queue", "bus", "activity", "bucket", "machine",
                "on")
CONSTANTS = ("true", "false", "null")
TARGET = Path("editors/vscode/syntaxes/flow.tmLanguage.json")


def _words(words: list[str]) -> str:
    return "\\b(" + "|".join(words) + ")\\b"


def grammar() -> dict[str, Any]:
    all_words = keywords()
    steps = [w for w in STEPS if w in all_words]
    declarations = [w for w in DECLARATIONS if w in all_words and w not in steps]
    options = [w for w in all_words if w not in (*steps, *declarations, *CONSTANTS)]
    return {
        "$schema": "https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json",
        "name": "flowc", "scopeName": "source.flow", "fileTypes": ["flow"],
        "patterns": [{"include": f"#{name}"} for name in
                     ("comment", "jsonata", "string", "step", "path", "intrinsic", "duration", "number", "keyword")],
        "repository": {
            "comment": {"name": "comment.line.number-sign.flow", "match": "#.*$"},
            "jsonata": {"name": "meta.embedded.expression.jsonata.flow", "begin": "\\{%", "end": "%\\}"},
            "string": {"name": "string.quoted.double.flow", "begin": "\"", "end": "\"",
                       "patterns": [{"name": "constant.character.escape.flow", "match": "\\\\."}]},
            "step": {"match": "^\\s*([A-Za-z_][\\w-]*)\\s*(:)(?!\\S)",
                     "captures": {"1": {"name": "entity.name.function.step.flow"},
                                  "2": {"name": "punctuation.separator.flow"}}},
            "path": {"name": "variable.other.path.flow",
                     "match": "\\$\\$?[A-Za-z0-9_.\\[\\]*@?()'\"=<>!&| -]*?(?=[\\s,}\\]]|$)"},
            "intrinsic": {"name": "support.function.intrinsic.flow", "match": "\\bStates\\.[A-Za-z]+(?=\\()"},
            "duration": {"name": "constant.numeric.duration.flow", "match": "\\b\\d+[smhd](\\d+[smhd])*\\b"},
            "number": {"name": "constant.numeric.flow", "match": "\\b-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?\\b"},
            "keyword": {"patterns": [
                {"name": "storage.type.declaration.flow", "match": _words(declarations)},
                {"name": "keyword.control.step.flow", "match": _words(steps)},
                {"name": "constant.language.flow", "match": _words(list(CONSTANTS))},
                {"name": "keyword.other.option.flow", "match": _words(options)},
            ]},
        },
    }


def render() -> str:
    return json.dumps(grammar(), indent=2) + "\n"


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()
    (root / TARGET).write_text(render(), encoding="utf-8")
    print(f"wrote {root / TARGET}")
