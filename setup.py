"""Package layout: the repository's top-level folders installed under one import root, `flowc`.

`dsl/`, `compiler/` and `targets/` stay where a reader expects them; the wheel installs them as
`flowc.dsl`, `flowc.compiler` and `flowc.targets`, so nothing generic lands in site-packages.
Everything else is declared in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = ("dsl", "compiler", "targets")

setup(
    packages=["flowc"] + [f"flowc.{name}" for name in find_namespace_packages(
        include=[f"{f}*" for f in FOLDERS], exclude=["*__pycache__*"])],  # data folders (templates/) too
    package_dir={"flowc": "flowc", **{f"flowc.{f}": f for f in FOLDERS}},
)
