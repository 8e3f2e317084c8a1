"""`--repeat` runs load each handler module fresh, from code and module attributes kept by path
(targets/local.py `_exec_module`): a later load must give the module a first load gives, under its own name."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from flowc.targets.local import HandlerModules, _exec_module, handler_path

ATTRIBUTES = ("__name__", "__file__", "__cached__", "__package__", "__path__")


def _fresh(private: str, path: Path):
    spec = importlib.util.spec_from_file_location(private, path)
    module = importlib.util.module_from_spec(spec)
    return module, spec


def _layout(tmp_path: Path) -> Path:
    (tmp_path / "plain.py").write_text("CALLS = []\ndef handle(event, context):\n    CALLS.append(event)\n"
                                       "    return {'calls': len(CALLS), 'package': __package__}\n")
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "sub.py").write_text("VALUE = 7\n")
    (package / "__init__.py").write_text("from . import sub\nCALLS = []\ndef handle(event, context):\n"
                                         "    CALLS.append(event)\n"
                                         "    return {'calls': len(CALLS), 'value': sub.VALUE, 'package': __package__}\n")
    return tmp_path


@pytest.mark.parametrize("module_name", ["plain", "pkg"])
def test_a_reused_load_has_what_a_first_load_has(tmp_path: Path, module_name: str) -> None:
    path = handler_path(_layout(tmp_path), module_name)
    cache: dict = {}
    first = _exec_module("_first", path, module_name, cache)
    again = _exec_module("_again", path, module_name, cache)
    expected, spec = _fresh("_again", path)
    for key in ATTRIBUTES:
        assert getattr(again, key, None) == getattr(expected, key, None), key
    assert again.__spec__.name == spec.name == "_again"
    assert again.__spec__.origin == spec.origin
    assert again.__spec__.submodule_search_locations == spec.submodule_search_locations
    assert again.__spec__.cached == spec.cached
    if module_name == "pkg":
        assert again.__path__ is not first.__path__  # each load its own search path list
    # each load is its own instance: module state never carries over between runs
    assert first.handle({}, None)["calls"] == 1
    assert again.handle({}, None) == {"calls": 1, "package": spec.parent, **({"value": 7} if module_name == "pkg" else {})}


def test_runs_of_one_program_share_code_but_not_module_state(tmp_path: Path) -> None:
    root = _layout(tmp_path)
    code: dict = {}
    for _ in range(3):  # what `flowc run --repeat 3` does: one HandlerModules per run over one code cache
        handle = HandlerModules(code).load("fn", root, "plain.handle")
        assert handle({}, None)["calls"] == 1
        assert handle({}, None)["calls"] == 2  # within a run, the function's steps share its instance
