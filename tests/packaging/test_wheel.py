"""The distribution as users get it: `python -m build` makes a wheel and an sdist that `twine check` accepts; the
wheel installs one import root (`flowc`) into a brand-new venv, where the core commands work without the `run`
extra and `flowc run` names the extra to install."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "workflows" / "member_onboarding.flow"


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True, timeout=600, env=env)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    build = _run(sys.executable, "-m", "build", "--outdir", out, REPO, cwd=out)
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    assert "Package would be ignored" not in build.stdout + build.stderr
    return out


def _wheel(dist: Path) -> Path:
    (wheel,) = dist.glob("flowc-*.whl")
    return wheel


def test_twine_accepts_the_wheel_and_the_sdist(dist: Path) -> None:
    files = sorted(dist.iterdir())
    assert {p.suffix for p in files} == {".whl", ".gz"}
    check = _run(sys.executable, "-m", "twine", "check", "--strict", *files, cwd=dist)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_wheel_installs_one_import_root_with_its_data(dist: Path) -> None:
    names = zipfile.ZipFile(_wheel(dist)).namelist()
    assert {n.split("/")[0] for n in names} == {"flowc", f"{_wheel(dist).name.split('-py3')[0]}.dist-info"}
    for data in ("flowc/dsl/flow.lark", "flowc/targets/sqs/templates/template.yaml.j2",
                 "flowc/compiler/compare/prices.json", "flowc/targets/asl/asl_shapes.json",
                 "flowc/compiler/rules/asl_fields.json", "flowc/__main__.py"):
        assert data in names, data
    metadata = zipfile.ZipFile(_wheel(dist)).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "License-Expression: MIT" in metadata
    assert 'Requires-Dist: moto[' in metadata and 'extra == "run"' in metadata


def test_the_sdist_carries_tests_examples_and_pins(dist: Path) -> None:
    (sdist,) = dist.glob("flowc-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {n.split("/", 1)[1] for n in archive.getnames() if "/" in n}
    for part in ("LICENSE", "constraints.txt", "setup.py", "tests/conftest.py", "workflows/member_onboarding.flow",
                 "dsl/flow.lark"):
        assert part in names, part
    # the Node oracle's packages, which the tests install into the checkout (maybe while this builds)
    assert not [n for n in names if "node_modules" in n]


def test_the_wheel_works_in_a_fresh_venv_without_the_run_extra(dist: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bin_dir = env_dir / "bin"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    install = _run(bin_dir / "python", "-m", "pip", "install", "-q", _wheel(dist), cwd=tmp_path, env=env)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    work = tmp_path / "work"
    work.mkdir()
    flowc = bin_dir / "flowc"
    for args in (["--version"], ["compile", EXAMPLE, "--target", "asl", "--out", "asl"],
                 ["compile", EXAMPLE, "--target", "sqs", "--out", "sqs"], ["check", EXAMPLE], ["lint", EXAMPLE]):
        done = _run(flowc, *args, cwd=work, env=env)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (work / "asl" / "MemberOnboarding.asl.json").is_file()
    module = _run(bin_dir / "python", "-m", "flowc", "--version", cwd=work, env=env)
    assert module.returncode == 0 and "0.1.0" in module.stdout, module.stderr
    generic = _run(bin_dir / "python", "-c", "import compiler", cwd=work, env=env)
    assert generic.returncode != 0  # nothing generic lands in site-packages
    run = _run(flowc, "run", EXAMPLE, "--input", "{}", cwd=work, env=env)
    assert run.returncode == 2
    assert run.stderr.strip() == ("flowc run: needs the 'run' extra (boto3, botocore, moto, samtranslator not "
                                  "installed); install it with: pip install 'flowc[run]'")
