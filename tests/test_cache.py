"""The render cache: hits and misses, corrupt entries, links, eviction, concurrent builds."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import csp_report.render.docx
import csp_report.render.pool
from csp_report.api import open_project
from csp_report.build import Target, build
from csp_report.cache import CACHE_DIR, MAGIC, NoCache, RenderCache
from csp_report.cli import main
from csp_report.layout.document import Document, Page, Paragraph
from csp_report.model.project import Project
from csp_report.render.pool import RenderPool
from csp_report.render_keys import canonical, serialise
from tests.conftest import REPO

SMALL = REPO / "tests/fixtures/small"
KEY = "ab" * 32


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A copy of the small fixture project (two packs, one period each)."""
    root = tmp_path / "small"
    shutil.copytree(SMALL, root)
    return root


def entries(root: Path) -> dict[str, bytes]:
    folder = root / CACHE_DIR
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() for p in folder.iterdir() if len(p.name) == 64}


# --------------------------------------------------------------------------- the store


def test_put_then_get_and_the_folder_is_marked(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    assert cache.get(KEY) is None
    cache.put(KEY, b"pdf bytes")
    assert cache.get(KEY) == b"pdf bytes"
    assert (tmp_path / CACHE_DIR / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (tmp_path / CACHE_DIR / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    assert [p.name for p in (tmp_path / CACHE_DIR).iterdir() if p.name.startswith(".tmp")] == []


def test_keys_separate_their_parts_and_kinds(tmp_path: Path) -> None:
    cache = RenderCache(tmp_path)
    assert cache.key("pdf", "ab", "c") == cache.key("pdf", "ab", "c")
    assert len({cache.key("pdf", "ab", "c"), cache.key("pdf", "a", "bc"),
                cache.key("pdf", "abc"), cache.key("docx", "ab", "c"),
                cache.key("pdf", b"ab", "c"), cache.key("pdf", "ab", "c", "")}) == 6


@pytest.mark.parametrize("damage", ["flip", "truncate", "header", "empty"])
def test_a_damaged_entry_is_removed_and_never_served(tmp_path: Path, damage: str) -> None:
    cache = RenderCache(tmp_path)
    cache.put(KEY, b"x" * 1000)
    path = tmp_path / CACHE_DIR / KEY
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[-10] ^= 0x01
    elif damage == "truncate":
        raw = raw[:-1]
    elif damage == "header":
        raw[0:len(MAGIC)] = b"X" * len(MAGIC)
    else:
        raw = bytearray()
    path.write_bytes(bytes(raw))
    assert cache.get(KEY) is None
    assert not path.exists()
    cache.put(KEY, b"x" * 1000)
    assert cache.get(KEY) == b"x" * 1000


def test_eviction_keeps_the_bound_and_drops_the_least_recently_used(tmp_path: Path) -> None:
    size = len(MAGIC) + 40 + 1000
    cache = RenderCache(tmp_path, max_bytes=3 * size)
    keys = [f"{n:064x}" for n in range(5)]
    for n, key in enumerate(keys[:3]):
        cache.put(key, bytes([n]) * 1000)
        os.utime(tmp_path / CACHE_DIR / key, (1000 + n, 1000 + n))
    assert cache.get(keys[0]) == bytes([0]) * 1000  # a hit: now the most recently used
    cache.put(keys[3], b"3" * 1000)
    assert set(entries(tmp_path)) == {keys[0], keys[2], keys[3]}
    cache.put(keys[4], b"4" * 1000)
    assert len(entries(tmp_path)) == 3
    assert sum(len(raw) for raw in entries(tmp_path).values()) <= 3 * size
    assert cache.get(keys[4]) == b"4" * 1000
    cache.put("cd" * 32, b"y" * (3 * size))  # larger than the whole cache: not kept
    assert cache.get("cd" * 32) is None


def test_a_planted_symlink_folder_is_refused(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    RenderCache(elsewhere).put(KEY, b"planted")  # a valid entry outside the project
    root = tmp_path / "project"
    root.mkdir()
    (root / CACHE_DIR).symlink_to(elsewhere / CACHE_DIR)
    cache = RenderCache(root)
    assert cache.get(KEY) is None
    cache.put("cd" * 32, b"new")
    assert set(entries(elsewhere)) == {KEY}  # nothing written through the link
    assert (root / CACHE_DIR).is_symlink()


def test_a_planted_symlink_entry_is_refused(tmp_path: Path) -> None:
    outside, root = tmp_path / "outside", tmp_path / "project"
    outside.mkdir()
    root.mkdir()
    RenderCache(outside).put(KEY, b"planted")
    cache = RenderCache(root)
    cache.put("cd" * 32, b"real")
    (root / CACHE_DIR / KEY).symlink_to(outside / CACHE_DIR / KEY)
    assert cache.get(KEY) is None
    cache.put(KEY, b"mine")  # replaces the link itself, never writes through it
    assert not (root / CACHE_DIR / KEY).is_symlink()
    assert cache.get(KEY) == b"mine"
    assert RenderCache(outside).get(KEY) == b"planted"


def test_a_cache_that_cannot_be_written_is_a_miss(tmp_path: Path) -> None:
    (tmp_path / CACHE_DIR).write_text("a file in the way")
    cache = RenderCache(tmp_path)
    cache.put(KEY, b"data")
    assert cache.get(KEY) is None
    assert not cache.writable


def test_a_full_disk_leaves_no_temporary_file(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    cache = RenderCache(tmp_path)
    cache.put("cd" * 32, b"first")

    def full(_fd: int, _data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    cache.put(KEY, b"data")
    monkeypatch.undo()
    assert not cache.writable
    assert sorted(p.name for p in (tmp_path / CACHE_DIR).iterdir()) == \
        [".gitignore", "CACHEDIR.TAG", "cd" * 32]


def test_threads_sharing_a_small_cache_never_see_a_wrong_entry(tmp_path: Path) -> None:
    values = {f"{n:064x}": bytes([n]) * (2000 + n) for n in range(12)}
    wrong: list[str] = []

    def work() -> None:
        cache = RenderCache(tmp_path, max_bytes=6 * 2200)
        for _ in range(20):
            for key, value in values.items():
                got = cache.get(key)
                if got is not None and got != value:
                    wrong.append(key)
                cache.put(key, value)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    assert sum(len(raw) for raw in entries(tmp_path).values()) <= 6 * 2200 + 4 * 2300


def test_no_cache_reads_and_writes_nothing() -> None:
    cache = NoCache()
    cache.put(cache.key("pdf", "x"), b"data")
    assert cache.get(cache.key("pdf", "x")) is None


# --------------------------------------------------------------------------- document keys


def _document(*texts: str) -> Document:
    return Document("Title", "Subject", "en-GB", "Author", "2017-06-30", "Footer",
                    (Page(tuple(Paragraph(text) for text in texts)),))


def test_the_document_serialisation_is_complete_and_stable() -> None:
    assert serialise(_document("a", "b")) == serialise(_document("a", "b"))
    assert serialise(_document("a", "b")) != serialise(_document("a", "c"))
    assert serialise(_document("a", "b")) != serialise(_document("ab"))
    assert serialise(_document("1")) != serialise(_document("1.0"))


@dataclass(frozen=True)
class One:
    text: str


@dataclass(frozen=True)
class Other:
    text: str


def test_the_canonical_form_names_types() -> None:
    assert canonical(One("x")) != canonical(Other("x"))
    assert canonical((1, "1", 1.0, Decimal("1"), True)) == [
        "tuple", [["int", "1"], "1", ["float", "1.0"], ["Decimal", "Decimal('1')"], True]]
    with pytest.raises(TypeError):
        canonical({1, 2})  # a set has no order: refused, never serialised by chance


def test_two_packs_of_a_project_have_different_keys(small: Path) -> None:
    from csp_report.build import cache_keys, choose_targets, prepare
    from csp_report.render_keys import templates_digest

    project = open_project(small)
    prepared = [prepare(project, target) for target in choose_targets(project, None, None)]
    cache = RenderCache(small)

    def keys_now() -> dict[str, str]:
        return cache_keys(project, prepared, ("pdf", "docx"), cache, templates_digest(small))

    keys = keys_now()
    assert len(set(keys.values())) == 4 and "" not in keys.values()
    assert keys_now() == keys
    (small / "templates").mkdir()
    assert set(keys_now().values()).isdisjoint(keys.values())  # an empty folder: a change
    (small / "templates/extra.css").write_text("p {}")  # a file WeasyPrint could fetch
    with_file = keys_now()
    assert set(with_file.values()).isdisjoint(keys.values())
    (small / "templates/extra.css").write_text("p {} ")
    assert set(keys_now().values()).isdisjoint(with_file.values())


# --------------------------------------------------------------------------- builds


class Counted:
    """Stand-ins for the PDF and DOCX renderers that count their calls."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[str] = []

        def pdf(html: str, _root: Path, epoch: int) -> bytes:
            self.calls.append("pdf")
            return f"%PDF {epoch} {hash(html)}".encode()

        def docx(document: Document, _root: Path) -> bytes:
            self.calls.append("docx")
            return f"DOCX {document.title}".encode()

        monkeypatch.setattr(csp_report.render.pool, "_render", pdf)
        monkeypatch.setattr(csp_report.render.docx, "render_docx", docx)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Counted:
    return Counted(monkeypatch)


def _build(root: Path, out: Path, cache: RenderCache | NoCache | None) -> dict[str, bytes]:
    with RenderPool(1) as pool:
        written = build(open_project(root), out=out, pool=pool, cache=cache)
    return {path.name: path.read_bytes() for path in written}


def test_a_second_build_renders_nothing(small: Path, counted: Counted) -> None:
    first = _build(small, small / "a", RenderCache(small))
    assert sorted(counted.calls) == ["docx", "docx", "pdf", "pdf"]
    assert len(entries(small)) == 4
    counted.calls.clear()
    assert _build(small, small / "b", RenderCache(small)) == first
    assert counted.calls == []


def test_an_edited_pack_alone_is_rendered_again(small: Path, counted: Counted) -> None:
    _build(small, small / "a", RenderCache(small))
    counted.calls.clear()
    measure = small / "data/measures/tracker/1.1-robbery.yaml"
    text = measure.read_text()
    measure.write_text(text.replace("value: ", "value: 1", 1))
    assert text != measure.read_text()
    second = _build(small, small / "b", RenderCache(small))
    assert sorted(counted.calls) == ["docx", "pdf"]
    assert second["activity-2017-18-Q1.pdf"] == (small / "a/activity-2017-18-Q1.pdf").read_bytes()
    assert second["tracker-2016-17-Q1.pdf"] != (small / "a/tracker-2016-17-Q1.pdf").read_bytes()


def test_a_corrupt_entry_is_rendered_again_not_served(small: Path, counted: Counted) -> None:
    first = _build(small, small / "a", RenderCache(small))
    for name in entries(small):
        path = small / CACHE_DIR / name
        raw = bytearray(path.read_bytes())
        raw[-1] ^= 0xFF
        path.write_bytes(bytes(raw))
    counted.calls.clear()
    assert _build(small, small / "b", RenderCache(small)) == first
    assert sorted(counted.calls) == ["docx", "docx", "pdf", "pdf"]


def test_without_a_cache_nothing_is_kept(small: Path, counted: Counted) -> None:
    _build(small, small / "a", None)
    _build(small, small / "b", NoCache())
    assert sorted(counted.calls) == ["docx"] * 4 + ["pdf"] * 4
    assert not (small / CACHE_DIR).exists()


def test_an_unwritable_cache_still_builds(small: Path, counted: Counted) -> None:
    (small / CACHE_DIR).write_text("in the way")
    first = _build(small, small / "a", RenderCache(small))
    assert _build(small, small / "b", RenderCache(small)) == first
    assert len(counted.calls) == 8


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_a_rebuild_with_no_change_replays_the_files_and_the_notices(
        small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    args = ["build", str(small), "--format", "html", "--period", "2016-17-Q1"]
    first = cli(*args, "--out", str(small / "a"))
    assert first[0] == 0 and "skipped: pack 'activity'" in first[2]

    def no_build(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("built again")

    monkeypatch.setattr("csp_report.build.build", no_build)
    again = cli(*args, "--out", str(small / "b"))
    assert again == (0, first[1].replace(str(small / "a"), str(small / "b")), first[2])
    assert (small / "b/tracker-2016-17-Q1.html").read_bytes() == \
        (small / "a/tracker-2016-17-Q1.html").read_bytes()


def test_a_changed_project_reports_its_problems_as_without_the_cache(small: Path) -> None:
    assert cli("build", str(small), "--format", "html")[0] == 0
    measure = small / "data/measures/tracker/1.1-robbery.yaml"
    measure.write_text(measure.read_text().replace("section:", "sektion:"))
    cached = cli("build", str(small), "--format", "html")
    assert cached[0] == 1
    assert cached == cli("build", str(small), "--format", "html", "--no-cache")


def test_no_cache_option_creates_no_cache(small: Path) -> None:
    assert cli("build", str(small), "--format", "html", "--no-cache")[0] == 0
    assert not (small / CACHE_DIR).exists()


# --------------------------------------------------------------------------- real renders


def _outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _cache_state(root: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns)
            for p in (root / CACHE_DIR).iterdir()}


@pytest.mark.slow
def test_cached_and_uncached_builds_are_byte_identical(small: Path) -> None:
    assert cli("build", str(small), "--out", str(small / "cold"))[0] == 0
    state = _cache_state(small)
    assert len(entries(small)) == 7  # two PDFs, two DOCX files, each pack's list, the build's
    assert cli("build", str(small), "--no-cache", "--out", str(small / "none"))[0] == 0
    assert _cache_state(small) == state  # neither read (mtime) nor written
    assert cli("build", str(small), "--out", str(small / "warm"))[0] == 0
    measure = small / "data/measures/tracker/1.1-robbery.yaml"
    measure.write_text(measure.read_text() + "# a comment: the same output\n")
    assert cli("build", str(small), "--out", str(small / "renders-hit"))[0] == 0
    cold = _outputs(small / "cold")
    assert len(cold) == 4
    for folder in ("none", "warm", "renders-hit"):
        assert _outputs(small / folder) == cold, folder


def _run(root: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "csp_report", "build", str(root),
                             "--out", str(out), *extra])


@pytest.mark.slow
def test_concurrent_builds_sharing_the_cache_make_the_same_files(small: Path) -> None:
    def together(*outs: str) -> Iterator[int]:
        running = [_run(small, small / out) for out in outs]
        return (process.wait(60) for process in running)

    assert list(together("a", "b")) == [0, 0]  # both cold: both render and store
    assert list(together("c", "d")) == [0, 0]  # both from the cache
    assert _run(small, small / "none", "--no-cache").wait(60) == 0
    expected = _outputs(small / "none")
    for out in "abcd":
        assert _outputs(small / out) == expected, out


def test_only_the_edited_pack_is_laid_out_again(small: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import csp_report.build

    prepared: list[str] = []
    real = csp_report.build.lay_out

    def counting(project: Project, target: Target) -> Document:
        prepared.append(target.pack_id)
        return real(project, target)

    monkeypatch.setattr(csp_report.build, "lay_out", counting)
    args = ["build", str(small), "--format", "html", "--format", "web"]
    assert cli(*args, "--out", str(small / "a"))[0] == 0
    assert sorted(prepared) == ["activity", "tracker"]
    measure = small / "data/measures/tracker/1.1-robbery.yaml"
    measure.write_text(measure.read_text().replace("value: ", "value: 1", 1))
    prepared.clear()
    assert cli(*args, "--out", str(small / "b"))[0] == 0
    assert prepared == ["tracker"]
    first, second = _outputs(small / "a"), _outputs(small / "b")
    assert sorted(first) == sorted(second) and len(first) == 4
    for name in first:
        assert (first[name] == second[name]) == ("activity" in name), name
    prepared.clear()
    assert cli(*args, "--no-cache", "--out", str(small / "c"))[0] == 0
    assert sorted(prepared) == ["activity", "tracker"]
    assert _outputs(small / "c") == second


def test_a_file_changed_and_changed_back_while_it_is_read_poisons_nothing(small: Path) -> None:
    """A measure file went A, B, A while a build read it (an edit saved and undone): the
    digests before and after were A's, the build drew B, and kept B's pack under A's key,
    for every later build of A to copy: 99 offences printed where the file said 14."""
    from csp_report.replay import Inputs

    measure = small / "data/measures/tracker/1.1-robbery.yaml"
    a = measure.read_text(encoding="utf-8")
    inputs = Inputs.read(small, None, None, ("html",))
    measure.write_text(a.replace("value: 14", "value: 99"), encoding="utf-8")  # B, as read
    project = open_project(small)
    measure.write_text(a, encoding="utf-8")  # and A again before the build ends
    with RenderPool(1) as pool:
        build(project, formats=("html",), out=small / "b", pool=pool,
              cache=RenderCache(small), inputs=inputs)
    assert "99 offences compared" in (small / "b/tracker-2016-17-Q1.html").read_text()
    result = CliRunner().invoke(main, ["build", str(small), "--format", "html"])
    assert result.exit_code == 0, result.output
    built = (small / "output/tracker-2016-17-Q1.html").read_text(encoding="utf-8")
    assert "14 offences compared" in built and "99 offences" not in built
