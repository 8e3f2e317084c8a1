"""The folders form layers, each importing only the ones below it, so no loop runs between them:

    dsl/  <-  the IR layer of compiler/ (`IR_LAYER`)  <-  targets/  <-  the rest of compiler/ (pipeline, rules,
    lint, compare, testing, CLI)

A back end reads the IR and hands back files; it never calls the pipeline or the CLI (which import the back
ends). Lazy imports inside functions count: they close a loop as surely as top-level ones.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FOLDERS = ("dsl", "compiler", "targets")
# The modules of compiler/ every target may read: the IR, what the front end hands a back end, and the
# IR-level helpers the emitters share (reference rewriting, ASL document walks, IAM derivation).
IR_LAYER = {"flowc.compiler", "flowc.compiler.ir", "flowc.compiler.result", "flowc.compiler.refs",
            "flowc.compiler.asldoc", "flowc.compiler.permissions"}


def _module_of(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(["flowc", *parts])


MODULES = {_module_of(p): p for folder in FOLDERS for p in sorted((REPO / folder).rglob("*.py"))
           if "__pycache__" not in p.parts}


def _imports(module: str) -> set[str]:
    """The flowc modules `module` imports, at any depth; `from package import name` counts as the submodule
    when `name` is one."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m.startswith("flowc.")}


def _layer(module: str) -> int:
    if module.startswith("flowc.dsl"):
        return 0
    if module in IR_LAYER:
        return 1
    if module.startswith("flowc.targets"):
        return 2
    return 3


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _layer(m) < 3))
def test_a_module_imports_only_its_own_layer_and_those_below(module: str) -> None:
    above = sorted(m for m in _imports(module) if m in MODULES and _layer(m) > _layer(module))
    assert not above, f"{module} (layer {_layer(module)}) imports {above}"


def test_the_check_sees_lazy_and_relative_imports() -> None:
    """The parser of imports finds what the layering rests on (else every module would pass vacuously)."""
    assert "flowc.compiler.ir" in _imports("flowc.targets.asl.emit")  # `from flowc.compiler import ir`
    assert "flowc.compiler.refs" in _imports("flowc.targets.asl.emit")  # inside a function
    assert "flowc.targets.asl.interpreter.interface" in _imports("flowc.targets.asl.interpreter.engine")  # relative
    assert _layer("flowc.compiler.pipeline") == 3 and "flowc.targets.asl.emit" in _imports("flowc.compiler.pipeline")
