"""The output folder under attack: names that escape, symlinks, partial writes, leftovers, two applications."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from click.testing import CliRunner
from flowc.compiler.cli import main
from flowc.targets.output import MANIFEST, write_outputs

from tests.helpers import WORKFLOWS


@pytest.fixture
def project(tmp_path, monkeypatch):
    for name in ("member_onboarding.flow", "process_user.flow"):
        shutil.copy(WORKFLOWS / name, tmp_path / name)
    shutil.copytree(WORKFLOWS / "handlers", tmp_path / "handlers")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def compile_(*args):
    return CliRunner().invoke(main, ["compile", *args])


@pytest.mark.parametrize("name", ['"../../x"', '"/tmp/flowc-absolute"', '"../.vscode/settings"', '"a b"',
                                  '"x\\ny"', "A" * 81])
@pytest.mark.parametrize("target", ["asl", "sqs"])
def test_workflow_names_that_would_escape_are_refused(project, name, target):
    (project / "w.flow.yaml").write_text(f"workflow: {name}\nsteps:\n  - A: succeed\n")
    before = set(project.parent.iterdir())
    result = compile_("w.flow.yaml", "--target", target, "--out", "out/sub")
    assert result.exit_code == 1, result.output
    assert "FLOW101" in result.output or "FLOW105" in result.output
    assert not (project / "out").exists() and set(project.parent.iterdir()) == before
    assert not os.path.exists("/tmp/flowc-absolute.asl.json")


def test_writer_refuses_paths_outside_the_folder(tmp_path):
    for rel in ("../x.json", "/abs.json", "a/../../x.json", "a/./b.json", ""):
        problems = write_outputs(tmp_path / "out", {rel: "{}"})
        assert problems and problems[0].code == "FLOW106", rel
    assert not (tmp_path / "x.json").exists() and not (tmp_path / "out").exists()


def test_symlinked_manifest_is_not_followed(project):
    secret = project / "user.txt"
    secret.write_text("token=s3cr3t\n")
    (project / "out").mkdir()
    (project / "out" / MANIFEST).symlink_to(secret)
    result = compile_("process_user.flow", "--out", "out")
    assert result.exit_code == 1 and "not a regular file" in result.output
    assert "s3cr3t" not in result.output  # no code frame of the link's target
    assert secret.read_text() == "token=s3cr3t\n"
    assert compile_("process_user.flow", "--out", "out", "--force").exit_code == 0
    assert secret.read_text() == "token=s3cr3t\n"  # the link was replaced, not what it points to
    assert not (project / "out" / MANIFEST).is_symlink()


def test_symlinked_folder_inside_out_is_refused_even_with_force(project):
    victim = project / "victim"
    victim.mkdir()
    (project / "out").mkdir()
    (project / "out" / "runtime").symlink_to(victim)
    for extra in ([], ["--force"]):
        result = compile_("process_user.flow", "--target", "sqs", "--out", "out", *extra)
        assert result.exit_code == 1 and "symbolic link" in result.output
    assert list(victim.iterdir()) == []


def test_symlinked_output_file_is_refused_then_replaced_not_followed(project):
    mine = project / "mine.yaml"
    mine.write_text("mine\n")
    (project / "out").mkdir()
    (project / "out" / "template.yaml").symlink_to(mine)
    assert compile_("process_user.flow", "--out", "out").exit_code == 1
    assert compile_("process_user.flow", "--out", "out", "--force").exit_code == 0
    assert mine.read_text() == "mine\n" and not (project / "out" / "template.yaml").is_symlink()


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert write_outputs(out, {"a.json": "old\n"}) == []

    def full_disk(fd, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fdopen", full_disk)
    problems = write_outputs(out, {"a.json": "new and longer\n"})
    assert problems and "No space left on device" in problems[0].message
    assert (out / "a.json").read_text() == "old\n"
    assert [p.name for p in out.iterdir() if p.name.startswith(".flowc-") and p.name != MANIFEST] == []


def test_files_of_workflows_that_no_longer_exist_are_removed(project):
    both = project / "both.flow"
    both.write_text((project / "member_onboarding.flow").read_text() + "\n" +
                    (project / "process_user.flow").read_text())
    assert compile_("both.flow", "--out", "out").exit_code == 0
    assert (project / "out" / "ProcessUser.asl.json").exists()
    both.write_text((project / "member_onboarding.flow").read_text())
    result = compile_("both.flow", "--out", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (project / "out").iterdir()) == [MANIFEST, "MemberOnboarding.asl.json",
                                                                    "template.yaml"]
    manifest = json.loads((project / "out" / MANIFEST).read_text())
    assert sorted(manifest["files"]) == ["MemberOnboarding.asl.json", "template.yaml"]


def test_an_edited_leftover_is_kept_with_a_warning(project):
    both = project / "both.flow"
    both.write_text((project / "member_onboarding.flow").read_text() + "\n" +
                    (project / "process_user.flow").read_text())
    assert compile_("both.flow", "--out", "out").exit_code == 0
    leftover = project / "out" / "ProcessUser.asl.json"
    leftover.write_text(leftover.read_text() + " ")
    both.write_text((project / "member_onboarding.flow").read_text())
    result = compile_("both.flow", "--out", "out")
    assert result.exit_code == 0 and "warning FLOW106" in result.output and "edited" in result.output
    assert leftover.exists()


def test_one_output_folder_holds_one_application(project):
    assert compile_("member_onboarding.flow", "--out", "out").exit_code == 0
    result = compile_("process_user.flow", "--out", "out")
    assert result.exit_code == 1 and "member_onboarding.flow" in result.output and "--force" in result.output
    assert sorted(p.name for p in (project / "out").iterdir()) == [MANIFEST, "MemberOnboarding.asl.json",
                                                                    "template.yaml"]
    # Growing the application (every earlier source plus more) is the same application.
    assert compile_("member_onboarding.flow", "process_user.flow", "--out", "out").exit_code == 0
    # Another target is another application.
    assert compile_("member_onboarding.flow", "process_user.flow", "--target", "sqs", "--out", "out"
                    ).exit_code == 1
    # --force replaces it, and the files only the old one had are gone.
    assert compile_("process_user.flow", "--out", "out", "--force").exit_code == 0
    assert sorted(p.name for p in (project / "out").iterdir()) == [MANIFEST, "ProcessUser.asl.json",
                                                                    "template.yaml"]


def test_the_application_does_not_depend_on_the_working_directory(project, monkeypatch):
    assert compile_("member_onboarding.flow", "--out", "out").exit_code == 0
    monkeypatch.chdir(project / "out")
    assert compile_("../member_onboarding.flow", "--out", ".").exit_code == 0
