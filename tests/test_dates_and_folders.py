"""SOURCE_DATE_EPOCH that cannot be used, folder trees too deep to recurse into, and an
output folder that leads out of the project: each a clear message, never a traceback."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from csp_report.api import open_project
from csp_report.build import build
from csp_report.cache import tree_digest
from csp_report.cli import main
from csp_report.errors import BuildError, UsageError
from csp_report.source_date import LATEST, source_date
from tests.conftest import REPO

SMALL = REPO / "tests/fixtures/small"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(SMALL / "data", root / "data")
    return root


@pytest.mark.parametrize("value", ["99999999999999999999", str(LATEST + 1), "abc", "²",
                                   "-1", "1.5", "1e9", "1" * 5000])
def test_a_source_date_epoch_that_cannot_be_used_is_a_usage_error(
        monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(UsageError, match="^SOURCE_DATE_EPOCH must be a whole number of "
                                         "seconds since 1 January 1970, at most "
                                         "253402300799 \\(the end of 9999\\); it is '"):
        source_date()


@pytest.mark.parametrize(("value", "expected"), [
    ("0", dt.datetime(1970, 1, 1, tzinfo=dt.UTC)),
    (" 1500000000\n", dt.datetime(2017, 7, 14, 2, 40, tzinfo=dt.UTC)),
    (str(LATEST), dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)),
])
def test_a_usable_source_date_epoch_is_that_time(monkeypatch: pytest.MonkeyPatch, value: str,
                                                 expected: dt.datetime) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date() == expected


@pytest.mark.parametrize("value", [None, "", "  "])
def test_an_unset_or_empty_source_date_epoch_is_no_date(monkeypatch: pytest.MonkeyPatch,
                                                        value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert source_date() is None


@pytest.mark.parametrize("command", [["build", "{root}", "--format", "html"],
                                     ["validate", "{root}"],
                                     ["returns", "status", "{root}", "--period", "2017-18-Q1"]])
def test_every_command_refuses_an_unusable_source_date_epoch_with_exit_2(
        small: Path, command: list[str]) -> None:
    args = [part.replace("{root}", str(small)) for part in command]
    result = CliRunner().invoke(main, args, env={"SOURCE_DATE_EPOCH": "253402300800"})
    assert result.exit_code == 2, result.output
    assert result.output == ("Error: SOURCE_DATE_EPOCH must be a whole number of seconds "
                             "since 1 January 1970, at most 253402300799 (the end of 9999); "
                             "it is '253402300800'\n")
    assert not (small / "output").exists()


def _deep(folder: Path, levels: int) -> None:
    """`levels` folders one inside the other, made relative to each other (a path this long
    is more than some calls take whole)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        for _ in range(levels):
            os.mkdir("a", dir_fd=fd)
            inner = os.open("a", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        with open(os.open("last.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd), "w") as stream:
            stream.write("deepest")
    finally:
        os.close(fd)


def remove_deep(folder: Path) -> None:
    """Remove what _deep made, a level at a time (shutil.rmtree recurses on Python 3.11, and
    pytest's own clean-up of old temporary folders would fail on it)."""
    top, spare = folder / "a", folder / "a-next"
    while top.exists():
        if (top / "a").exists():
            os.rename(top / "a", spare)
        shutil.rmtree(top)
        if spare.exists():
            os.rename(spare, top)


@pytest.fixture
def deep_in(tmp_path: Path) -> Iterator[Callable[[Path], Path]]:
    made: list[Path] = []

    def make(folder: Path) -> Path:
        _deep(folder, 1500)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        remove_deep(folder)


def test_a_folder_tree_1500_deep_is_walked_without_recursion(
        tmp_path: Path, deep_in: Callable[[Path], Path]) -> None:
    deep_in(tmp_path)
    first = tree_digest(tmp_path)
    assert first is not None
    assert tree_digest(tmp_path) == first


def test_the_tree_digest_keeps_its_order_and_sees_every_entry(tmp_path: Path) -> None:
    """Each folder's entries straight after it, sorted: the order the recursive walk had, so
    the cache keys of existing caches stay valid."""
    for path in ["b/z.txt", "b/c/y.txt", "a.txt", "c.txt"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(path)
    from csp_report import cache

    assert [name for name, _entry in cache._walk(tmp_path)] == [
        "a.txt", "b", "b/c", "b/c/y.txt", "b/z.txt", "c.txt"]
    before = tree_digest(tmp_path)
    (tmp_path / "b/c/y.txt").write_text("changed")
    assert tree_digest(tmp_path) != before


def test_a_deep_tree_in_data_builds(small: Path, deep_in: Callable[[Path], Path]) -> None:
    deep_in(small / "data")
    result = CliRunner().invoke(main, ["build", str(small), "--format", "html"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


def test_an_output_folder_leading_out_of_the_project_is_refused(small: Path,
                                                                tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small / "output").symlink_to(elsewhere)
    with pytest.raises(BuildError, match="it is a link leading out of the project; remove "
                                         "it, or give --out to write elsewhere"):
        build(open_project(small), formats=("html",))
    assert list(elsewhere.iterdir()) == []


def test_an_output_link_inside_the_project_and_out_elsewhere_are_written(
        small: Path, tmp_path: Path) -> None:
    (small / "built").mkdir()
    (small / "output").symlink_to("built")
    written = build(open_project(small), formats=("html",))
    assert sorted(path.name for path in (small / "built").iterdir()) == sorted(
        path.name for path in written)
    elsewhere = tmp_path / "elsewhere"
    build(open_project(small), formats=("html",), out=elsewhere)
    assert len(list(elsewhere.iterdir())) == len(written)


@pytest.mark.parametrize(("epoch", "date_time"), [
    ("4354819200", (2107, 12, 31, 23, 59, 58)),  # 2108: past the last time a zip can hold
    ("0", (1980, 1, 1, 0, 0, 0)),  # before the first
    ("1704844800", (2024, 1, 10, 0, 0, 0)),
])
def test_a_returns_workbook_takes_the_nearest_time_a_zip_can_hold(
        small: Path, epoch: str, date_time: tuple[int, ...]) -> None:
    import zipfile

    result = CliRunner().invoke(main, ["returns", "export", str(small), "--period",
                                       "2017-18-Q1"], env={"SOURCE_DATE_EPOCH": epoch})
    assert result.exit_code == 0, result.output
    workbooks = sorted((small / "returns").iterdir())
    assert len(workbooks) == 2  # one for each owner
    for workbook in workbooks:
        with zipfile.ZipFile(workbook) as archive:
            assert {info.date_time for info in archive.infolist()} == {date_time}


def test_an_output_link_to_a_missing_folder_says_so(small: Path) -> None:
    (small / "output").symlink_to("built")
    with pytest.raises(BuildError, match="it is a link to a folder that does not exist; make "
                                         "that folder, or remove the link"):
        build(open_project(small), formats=("html",))
    assert not (small / "built").exists()


def test_a_build_from_the_cache_refuses_an_output_leading_out_of_the_project_too(
        small: Path, tmp_path: Path) -> None:
    """A build with nothing changed copies its files from the cache; that path wrote through
    an output/ link the build itself refuses."""
    first = CliRunner().invoke(main, ["build", str(small), "--format", "html"])
    assert first.exit_code == 0, first.output
    shutil.rmtree(small / "output")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (small / "output").symlink_to(elsewhere)
    again = CliRunner().invoke(main, ["build", str(small), "--format", "html"])
    assert (again.exit_code, again.output) == (
        1, f"Error: refused to write to {small / 'output'}: it is a link leading out of the "
           "project; remove it, or give --out to write elsewhere\n")
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize(("command", "out", "what"), [
    (["build", "{root}", "--format", "html"], "data/measures/tracker", "the packs"),
    (["build", "{root}", "--format", "html"], "templates/x", "the packs"),
    (["returns", "export", "{root}", "--period", "2017-18-Q1"], "data/x", "the returns"),
])
def test_out_into_the_project_s_data_or_templates_is_refused(
        small: Path, command: list[str], out: str, what: str) -> None:
    """Packs written into data/measures/PACK were then read as measure files, and the project
    no longer validated."""
    args = [part.replace("{root}", str(small)) for part in command]
    # First without --out, so that a build has its files in the cache to copy from.
    assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, [*args, "--out", str(small / out)])
    folder = out.split("/")[0]
    assert (result.exit_code, result.output) == (
        2, f"Error: --out {small / out} is inside the project's {folder}/: {what} would be "
           "written among its files; choose another folder\n")
    assert open_project(small).measure_count == 3


def test_an_output_link_into_data_is_refused(small: Path) -> None:
    """The packs landed among the measure files, and the project no longer validated."""
    (small / "output").symlink_to("data/measures/tracker")
    for options in ([], ["--no-cache"]):
        result = CliRunner().invoke(main, ["build", str(small), "--format", "html", *options])
        assert (result.exit_code, result.output) == (
            1, f"Error: refused to write to {small / 'output'}: it is a link into the "
               "project's data/, where the packs would be read as its files; remove it\n")
    assert open_project(small).measure_count == 3


def test_out_into_data_is_the_same_answer_with_or_without_the_cache(small: Path) -> None:
    """With bad data too, it was exit 2 with the cache and 1 without."""
    measure = small / "data/measures/tracker/1.1-robbery.yaml"
    measure.write_text(measure.read_text() + "bogus: 1\n")
    for options in ([], ["--no-cache"]):
        result = CliRunner().invoke(main, ["build", str(small), "--format", "html",
                                           "--out", str(small / "data/x"), *options])
        assert result.exit_code == 2, result.output
