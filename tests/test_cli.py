"""The command line: exit codes, messages, and the broken copy of the example data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from csp_report import __version__
from csp_report.cli import main
from csp_report.schema import schema_texts

REPO = Path(__file__).resolve().parent.parent


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "csp_report", *args], capture_output=True,
                          text=True, cwd=REPO, check=False)


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert (result.exit_code, result.output) == (0, f"csp-report, version {__version__}\n")


@pytest.mark.parametrize("command", ["validate", "check", "build", "schema"])
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert result.output.startswith(f"Usage: main {command} [OPTIONS]")


def test_validate_example_via_python_m() -> None:
    result = run("validate")
    assert (result.returncode, result.stdout) == (
        0, "OK: 39 measures across 2 packs, 5 periods\n")


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(main, ["validate", "--bogus"])
    assert result.exit_code == 2
    assert result.output.endswith("Error: No such option '--bogus'.\n")


def test_missing_project_exits_2_without_traceback(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert result.output == f"Error: project folder '{tmp_path / 'nowhere'}' does not exist\n"


def test_broken_copy_lists_all_four_problems(project: Path) -> None:
    robbery = project / "data/measures/targets/2.3-personal-robbery.yaml"
    text = robbery.read_text()
    text = text.replace("    value: 14\n", "    value: fourteen\n")            # wrong type
    text = text.replace("  2016-17-Q3:\n", "  2016-18-Q3:\n")                 # bad period
    text = text.replace("noun: offences\n", "noun: offences\nnoun: crimes\n")  # duplicate key
    text = text.replace("    previous: 22\n", "    previos: 22\n")             # typo'd key
    robbery.write_text(text)
    result = subprocess.run([sys.executable, "-m", "csp_report", "validate", str(project)],
                            capture_output=True, text=True, check=False)
    file = "data/measures/targets/2.3-personal-robbery.yaml"
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines() == [
        "Error: 4 problems found:",
        f"{file}:13: duplicate key 'noun' (first given on line 12)",
        f"{file}:22: quarters.2016-17-Q1.value: expected a number, got 'fourteen'",
        f"{file}:27: quarters.2016-17-Q2.previos: unknown field 'previos' "
        "(did you mean 'previous'?)",
        f"{file}:33: quarters.2016-18-Q3: '2016-18-Q3' is not a financial year: 2016 is "
        "followed by 17, not 18",
    ]


def test_schemas_are_current() -> None:
    for name, text in schema_texts().items():
        committed = (REPO / "schemas" / name).read_text(encoding="utf-8")
        assert committed == text, f"schemas/{name} is stale: run `csp-report schema`"
        assert json.loads(text)["additionalProperties"] is False


def test_a_ctrl_c_while_the_command_line_is_read_is_one_line_and_130(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """click said "Aborted!" with exit code 1."""
    import click

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(click.Group, "parse_args", interrupted)
    result = CliRunner().invoke(main, ["validate", "."])
    assert (result.exit_code, result.output) == (
        130, "Interrupted: nothing was written; output/ is as it was.\n")


def test_a_ctrl_c_a_library_turned_into_another_error_is_one_line_and_130(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Python 3.11 turns a KeyboardInterrupt raised while a pydantic model class is made into
    a RuntimeError, printed with its traceback."""
    from csp_report import api

    def import_interrupted(*_args: object) -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as err:
            raise RuntimeError("Error calling __set_name__ on 'PydanticDescriptorProxy'") from err

    monkeypatch.setattr(api, "open_project", import_interrupted)
    result = CliRunner().invoke(main, ["validate", "."])
    assert (result.exit_code, result.output) == (
        130, "Interrupted: nothing was written; output/ is as it was.\n")
    monkeypatch.setattr(api, "open_project", lambda *_args: 1 / 0)  # any other error is a bug
    assert isinstance(CliRunner().invoke(main, ["validate", "."]).exception, ZeroDivisionError)


def test_schema_out_a_device_says_it_is_not_a_folder() -> None:
    """mkdir's "File exists" said nothing of what was wrong; `build --out` says this."""
    result = CliRunner().invoke(main, ["schema", "--out", "/dev/null"])
    assert (result.exit_code, result.output) == (
        1, "Error: cannot write to /dev/null: it is a file, not a folder\n")


def _templates(project: Path, *names: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["templates", *names, "--project", str(project)])
    return result.exit_code, result.output


def test_templates_copies_every_name_given(tmp_path: Path) -> None:
    from csp_report.templating import PACKAGE_TEMPLATES

    names = ("pack.html", "pack.css", "sentences/bare.txt")
    assert _templates(tmp_path, *names) == (
        0, "".join(f"wrote {tmp_path / 'templates' / name}\n" for name in names))
    for name in names:
        assert (tmp_path / "templates" / name).read_bytes() == \
            (PACKAGE_TEMPLATES / name).read_bytes()


def test_templates_with_an_unknown_name_writes_nothing(tmp_path: Path) -> None:
    """pack.html and pack.css were written, then the unknown name ended it (exit 2)."""
    from csp_report.templating import default_template_names

    known = ", ".join(default_template_names())
    assert _templates(tmp_path, "pack.html", "pack.css", "nonexistent") == (
        2, f"Error: no default template 'nonexistent'; the templates are: {known}\n")
    assert _templates(tmp_path, "x.html", "pack.css", "y.css") == (
        2, f"Error: no default templates 'x.html', 'y.css'; the templates are: {known}\n")
    assert not (tmp_path / "templates").exists()


def test_templates_with_a_name_already_there_writes_nothing_and_exits_1(
        tmp_path: Path) -> None:
    """pack.html was written before pack.css was found in the way (and that exited 2)."""
    mine = tmp_path / "templates/pack.css"
    mine.parent.mkdir()
    mine.write_text("mine", encoding="utf-8")
    assert _templates(tmp_path, "pack.html", "pack.css", "sentences/bare.txt") == (
        1, f"Error: {mine} already exists: edit it, or remove it to start again\n")
    assert sorted(p.name for p in mine.parent.rglob("*")) == ["pack.css"]
    assert mine.read_text(encoding="utf-8") == "mine"


def test_templates_with_a_link_on_the_way_writes_nothing(tmp_path: Path) -> None:
    """pack.html was written before the link in the way of sentences/bare.txt was found."""
    project, outside = tmp_path / "project", tmp_path / "outside"
    (project / "templates").mkdir(parents=True)
    outside.mkdir()
    (project / "templates/sentences").symlink_to(outside)
    assert _templates(project, "pack.html", "sentences/bare.txt") == (
        1, f"Error: refused to write into {project / 'templates/sentences'}: it is a link (it "
        "may lead outside the project); the templates must be folders and files of the "
        "project itself\n")
    assert sorted(p.name for p in (project / "templates").iterdir()) == ["sentences"]
    assert list(outside.iterdir()) == []


def test_templates_with_a_file_in_the_way_of_a_folder_writes_nothing(tmp_path: Path) -> None:
    project = tmp_path / "project"
    (project / "templates").mkdir(parents=True)
    (project / "templates/sentences").write_text("a file")
    assert _templates(project, "pack.html", "sentences/bare.txt") == (
        1, f"Error: {project / 'templates/sentences'} is in the way: it is not a folder\n")
    assert sorted(p.name for p in (project / "templates").iterdir()) == ["sentences"]
