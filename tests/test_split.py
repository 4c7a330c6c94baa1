"""A large pack rendered in parts on several cores and joined (render/split.py, pdf_join.py)
is the PDF one render of the whole pack makes: pages, text, structure tree, ParentTree,
links and their destinations, outline, PDF/UA-1 result, and byte-identical on rebuild."""

from __future__ import annotations

import collections
import subprocess
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest
from pypdf import PdfReader

from csp_report.api import open_project
from csp_report.build import build
from csp_report.render import parts
from csp_report.render.pool import RenderPool
from csp_report.render.split import SplitRender
from tests.projects import make_sectioned_project

pytestmark = pytest.mark.slow
PDF = "targets-2022-23-Q1.pdf"


def _build(root: Path, out: Path, split: bool, monkeypatch: pytest.MonkeyPatch,
           workers: int = 2) -> Path:
    """Build the pack's PDF with two workers, in parts (any size splits) or whole."""
    monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 0 if split else 10**12)
    monkeypatch.setattr(parts, "SMALLEST_PART_SIZE", 0)
    with RenderPool(workers) as pool:
        build(open_project(root), formats=("pdf",), out=out, pool=pool)
    return out / PDF


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sectioned_project(tmp_path_factory.mktemp("split"), sections=4, per_section=14)


@pytest.fixture(scope="module")
def pdfs(project: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    with pytest.MonkeyPatch.context() as monkeypatch:
        whole = _build(project, tmp_path_factory.mktemp("whole"), False, monkeypatch)
        joined = _build(project, tmp_path_factory.mktemp("joined"), True, monkeypatch)
    return whole, joined


def test_the_pack_is_really_split(project: Path, monkeypatch: pytest.MonkeyPatch,
                                  tmp_path: Path) -> None:
    joins: list[int] = []
    original = SplitRender.result

    def counting(self: SplitRender) -> bytes:
        joins.append(len(self.plan.parts))
        return original(self)

    monkeypatch.setattr(SplitRender, "result", counting)
    _build(project, tmp_path, True, monkeypatch)
    assert joins == [7]  # cover and contents; summary; key; one part per theme


def test_same_pages_and_text_in_the_same_order(pdfs: tuple[Path, Path]) -> None:
    whole, joined = (PdfReader(path) for path in pdfs)
    assert len(whole.pages) == len(joined.pages) > 8
    for number, (a, b) in enumerate(zip(whole.pages, joined.pages, strict=True), start=1):
        assert a.extract_text() == b.extract_text(), f"page {number}"
        assert _layout_text(pdfs[0], number) == _layout_text(pdfs[1], number), f"page {number}"
        assert f"Page {number} of {len(whole.pages)}" in _layout_text(pdfs[1], number)


def test_contents_page_numbers_and_links_point_where_one_render_points(
        pdfs: tuple[Path, Path]) -> None:
    whole, joined = (_links(path) for path in pdfs)
    assert whole == joined
    targets = list(dict.fromkeys(target for _page, _rect, target in joined))
    assert [name for name, _page in targets] == [
        "summary", "rag-key", "section-theme-1", "section-theme-2", "section-theme-3",
        "section-theme-4"]
    lines = [line.split() for line in _layout_text(pdfs[1], 2).splitlines()[1:7]]
    assert [int(words[-1]) for words in lines] == [page + 1 for _name, page in targets]
    assert [int(words[-1]) for words in lines][:3] == [3, 4, 5]


def test_same_outline(pdfs: tuple[Path, Path]) -> None:
    whole, joined = (_outline(path) for path in pdfs)
    assert whole == joined
    assert [title for _depth, title, _page, _at, _closed in joined][:3] == [
        "Targets", "Contents", "Summary"]


def test_same_structure_tree_and_parent_tree(pdfs: tuple[Path, Path]) -> None:
    whole, joined = (_structure(path) for path in pdfs)
    assert len(joined[0]) > 1000
    assert whole == joined


def test_table_header_ids_stay_unique_and_every_cell_finds_its_headers(
        pdfs: tuple[Path, Path]) -> None:
    ids, headers = _ids(pdfs[1])
    assert ids and all(count == 1 for count in ids.values())
    assert headers and set(headers) <= set(ids)


def test_joined_pdf_passes_pdf_ua1(pdfs: tuple[Path, Path]) -> None:
    report = page.validate_pdf_bytes(pdfs[1].read_bytes(), profile="ua1")
    assert [f"{f.rule_id}: {f.message}" for f in report.failures] == []
    assert report.rules.failed == 0 and report.is_compliant


def test_split_rebuild_is_byte_identical(project: Path, pdfs: tuple[Path, Path],
                                         monkeypatch: pytest.MonkeyPatch,
                                         tmp_path: Path) -> None:
    again = _build(project, tmp_path, True, monkeypatch)
    assert again.read_bytes() == pdfs[1].read_bytes()


@pytest.mark.parametrize("workers", [1, 3])
def test_the_bytes_do_not_depend_on_the_number_of_cores(
        project: Path, pdfs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path, workers: int) -> None:
    """Whether and where a pack is cut, and how its furniture is drawn, depend on the pack
    alone: one core (drawn in this process) or three give the bytes two give."""
    again = _build(project, tmp_path, True, monkeypatch, workers=workers)
    assert again.read_bytes() == pdfs[1].read_bytes()


def test_a_join_in_a_process_of_its_own_gives_the_same_bytes(
        project: Path, pdfs: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    """A long pack is joined in a process of its own (its memory given back), a short one by
    a worker: the file is the same."""
    from csp_report.render import split

    monkeypatch.setattr(split, "JOIN_IN_A_WORKER_UP_TO_PAGES", 0)
    again = _build(project, tmp_path, True, monkeypatch)
    assert again.read_bytes() == pdfs[1].read_bytes()


def test_small_packs_and_changed_page_templates_render_whole(project: Path,
                                                             tmp_path: Path) -> None:
    from csp_report.build import Pack, choose_targets

    opened = open_project(project)
    [target] = choose_targets(opened, None, None)
    document = Pack(opened, target).document
    assert parts.size(document) == 109_034
    assert parts.SPLIT_FROM_SIZE == 200_000 and parts.SMALLEST_PART_SIZE == 30_000
    assert parts.plan_parts(document, project) is None  # too small to pay
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 109_034)
        plan = parts.plan_parts(document, project)
        assert plan is not None  # the cover and contents; summary, key, theme 1; 2, 3; 4
        assert [parts.size(part) for part in plan.parts] == [847, 34_001, 49_536, 24_767]
        monkeypatch.setattr(parts, "SMALLEST_PART_SIZE", 10**9)
        assert parts.plan_parts(document, project) is None  # one body part: nothing beside it
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 0)
    (project / "templates").mkdir()
    try:
        custom = project / "templates/custom.css"
        custom.write_text("h2 { color: navy; }\n", encoding="utf-8")
        assert parts.plan_parts(document, project) is not None
        custom.write_text("@page { @top-center { content: 'OFFICIAL' } }\n", encoding="utf-8")
        assert parts.plan_parts(document, project) is None
        custom.unlink()
        (project / "templates/pack.css").write_text("h2 { color: navy; }\n", encoding="utf-8")
        assert parts.plan_parts(document, project) is None
    finally:
        monkeypatch.undo()
        for path in (project / "templates").iterdir():
            path.unlink()
        (project / "templates").rmdir()


# What is compared: values a reader or a screen reader meets, not object numbers.

def _layout_text(path: Path, number: int) -> str:
    """Page `number`'s text as poppler lays it out (pypdf runs the contents' leaders into
    the next line)."""
    return subprocess.run(["pdftotext", "-layout", "-f", str(number), "-l", str(number),
                           str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _page_numbers(pdf: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {p.objgen: number for number, p in enumerate(pdf.pages)}


def _links(path: Path) -> list[tuple[int, list[float], tuple[str, int]]]:
    pdf = pikepdf.open(path)
    pages = _page_numbers(pdf)
    flat = pdf.Root.Names.Dests.Names
    dests = {str(flat[i]): pages[flat[i + 1][0].objgen] for i in range(0, len(flat), 2)}
    return [(number, [round(float(x), 2) for x in annotation.Rect],
             (str(annotation.Dest), dests[str(annotation.Dest)]))
            for number, p in enumerate(pdf.pages) for annotation in p.obj.get("/Annots", [])]


def _outline(path: Path) -> list[tuple[int, str, int, list[float], bool]]:
    pdf = pikepdf.open(path)
    pages = _page_numbers(pdf)
    found: list[tuple[int, str, int, list[float], bool]] = []

    def walk(items: Any, depth: int) -> None:
        for item in items:
            dest = item.destination
            found.append((depth, item.title, pages[dest[0].objgen],
                          [round(float(x), 2) for x in list(dest)[2:4]], item.is_closed))
            walk(item.children, depth + 1)

    with pdf.open_outline() as outline:
        walk(outline.root, 0)
    return found


def _structure(path: Path) -> tuple[list[str], list[tuple[int, Any]]]:
    """The structure tree as lines (tag, page, attributes other than the ids, MCIDs,
    annotation references by destination) and the ParentTree by key."""
    pdf = pikepdf.open(path)
    pages = _page_numbers(pdf)
    root = pdf.Root.StructTreeRoot
    lines: list[str] = []

    def walk(element: Any, depth: int) -> None:
        if not isinstance(element, pikepdf.Dictionary):
            lines.append(f"{'  ' * depth}mcid {int(element)}")
            return
        if element.get("/Type") == "/OBJR":
            lines.append(f"{'  ' * depth}annotation on page {pages[element.Pg.objgen]} to "
                         f"{element.Obj.get('/Dest')}")
            return
        attributes = element.get("/A")
        shown = "" if attributes is None else " ".join(
            f"{key}={len(attributes[key]) if key == '/Headers' else attributes[key]}"
            for key in sorted(attributes.keys()) if key != "/BBox")
        page_number = pages[element.Pg.objgen] if "/Pg" in element else None
        lines.append(f"{'  ' * depth}{element.S} page {page_number} {shown} "
                     f"id={'/ID' in element} alt={element.get('/Alt')}")
        kids = element.get("/K")
        for kid in [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]:
            walk(kid, depth + 1)

    walk(root.K[0], 0)
    nums = root.ParentTree.Nums
    tree = [(int(nums[i]), [f"{e.S}<{e.P.S}" for e in nums[i + 1]]
             if isinstance(nums[i + 1], pikepdf.Array) else str(nums[i + 1].S))
            for i in range(0, len(nums), 2)]
    return lines, tree


def _ids(path: Path) -> tuple[collections.Counter[bytes], list[bytes]]:
    pdf = pikepdf.open(path)
    ids: collections.Counter[bytes] = collections.Counter()
    headers: list[bytes] = []
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/StructElem":
            if "/ID" in obj:
                ids[bytes(obj.ID)] += 1
            attributes = obj.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                headers += [bytes(h) for h in attributes.Headers]
    return ids, headers


def test_a_join_that_fails_is_a_build_error_naming_the_cause() -> None:
    from csp_report.errors import BuildError
    from csp_report.render.pdf import RenderedPart
    from csp_report.render.pdf_join import join_apart

    broken = RenderedPart(b"%PDF-1.7 not really", 1, ((),), {})
    with pytest.raises(BuildError) as caught:
        join_apart([broken], [b"%PDF-1.7 nor this"], [])
    assert str(caught.value).startswith("joining the parts of a PDF failed: ")
    assert "Traceback" not in str(caught.value)


def test_an_abandoned_pack_ends_its_join_process_whenever_it_starts(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large pack is joined in a process of its own; a failed build ends it, whether the
    join started before abandon() or after (a library caller's process lives on)."""
    from csp_report.build import Pack
    from csp_report.errors import BuildError
    from csp_report.render.pdf import RenderedPart
    from csp_report.render.pdf_join import join_apart

    root = make_sectioned_project(tmp_path / "project", sections=4, per_section=14)
    monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 0)
    monkeypatch.setattr(parts, "SMALLEST_PART_SIZE", 0)
    project = open_project(root)
    pack = Pack(project, project_target(project))
    assert pack.parts is not None
    running = SplitRender(pack.parts, root, pack.epoch, RenderPool(1).submit)
    joining = subprocess.Popen(["sleep", "60"])
    running._joining(joining)
    running.abandon()
    assert joining.wait(10) == -9

    later = SplitRender(pack.parts, root, pack.epoch, RenderPool(1).submit)
    later.abandon()
    part = RenderedPart(b"%PDF-1.7 never read", 1, ((),), {})
    # ended before it could say anything (a join of these would have named qpdf's error)
    with pytest.raises(BuildError, match="joining the parts of a PDF failed: no reason$"):
        join_apart([part], [b"%PDF-1.7"], [], started=later._joining)


def test_editing_one_section_draws_that_part_alone_again(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts are the unit of caching: after an edit to one theme's commentary only that
    theme's part is drawn again; the joined PDF equals one drawn without the cache."""
    from csp_report.cache import RenderCache

    root = make_sectioned_project(tmp_path / "project", sections=4, per_section=14)
    monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 0)
    monkeypatch.setattr(parts, "SMALLEST_PART_SIZE", 0)
    drawn: list[tuple[str, object]] = []
    submit = RenderPool.submit

    def recording(self: RenderPool, work: Any, *args: Any, **options: Any) -> Any:
        drawn.append((work.__name__, args[1] if work.__name__ == "draw_body_part" else None))
        return submit(self, work, *args, **options)

    monkeypatch.setattr(RenderPool, "submit", recording)

    def build_pdf(out: str, cache: bool = True) -> bytes:
        with RenderPool(2) as pool:
            build(open_project(root), formats=("pdf",), out=tmp_path / out, pool=pool,
                  cache=RenderCache(root) if cache else None)
        return (tmp_path / out / PDF).read_bytes()

    build_pdf("first")
    # the cover and contents drawn once, when the numbers are known (its length guessed
    # right); the furniture of its 17 pages in one piece; joined by a worker (up to 60 pages)
    assert sorted(name for name, _ in drawn) == [
        "draw_body_part"] * 6 + ["draw_front_part", "draw_furniture", "join_here"]
    measure = root / "data/measures/targets/3.5.yaml"
    measure.write_text(measure.read_text(encoding="utf-8").replace(
        "to plan joint patrols", "to plan joint patrols with the fire service"),
        encoding="utf-8")
    drawn.clear()
    edited = build_pdf("second")
    theme_3 = 5  # part 0 the cover and contents, 1 the summary, 2 the key, 3 theme 1
    assert drawn == [("draw_body_part", theme_3), ("join_here", None)]
    drawn.clear()
    assert build_pdf("uncached", cache=False) == edited
    assert b"fire service" not in edited  # compressed, but the text is there:
    assert "with the fire service" in " ".join(
        page.extract_text() for page in PdfReader(tmp_path / "second" / PDF).pages)


def test_a_contents_longer_than_its_page_is_drawn_again_and_numbered_right(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The cover and contents is drawn once, taking one sheet a layout page; where its
    contents runs over (here 50 entries), it is drawn again, and the pack still equals one
    render: the same pages, text and contents numbers."""
    root = make_sectioned_project(tmp_path / "project", sections=48, per_section=1)
    fronts: list[int] = []
    submit = RenderPool.submit

    def recording(self: RenderPool, work: Any, *args: Any, **options: Any) -> Any:
        if work.__name__ == "draw_front_part":
            fronts.append(1)
        return submit(self, work, *args, **options)

    monkeypatch.setattr(RenderPool, "submit", recording)
    whole = _build(root, tmp_path / "whole", False, monkeypatch)
    joined = _build(root, tmp_path / "joined", True, monkeypatch)
    assert len(fronts) == 2
    texts = [_every_page_text(path) for path in (whole, joined)]
    assert texts[0] == texts[1]
    assert "Theme number 48" in texts[0][2]  # the contents' second page
    assert len(texts[0]) == len(PdfReader(joined).pages)


def _every_page_text(path: Path) -> list[str]:
    """Each page's text as poppler lays it out."""
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True)
    return done.stdout.split("\f")[:-1]


def test_a_failed_build_starts_nothing_more_in_its_callers_pool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller's pool outlives a failed build: the parts still waiting are dropped,
    and the pack's contents, furniture and join are never started, while the pool goes on
    serving the caller."""
    import threading

    from csp_report.build import Pack, render_all
    from csp_report.errors import BuildError

    root = make_sectioned_project(tmp_path / "project", sections=4, per_section=14)
    monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 0)
    monkeypatch.setattr(parts, "SMALLEST_PART_SIZE", 0)
    project = open_project(root)
    started: list[str] = []
    futures: list[Any] = []
    submit = RenderPool.submit

    def recording(self: RenderPool, work: Any, *args: Any, **options: Any) -> Any:
        started.append(work.__name__)
        futures.append(submit(self, work, *args, **options))
        return futures[-1]

    def packs_then_a_failure() -> Any:
        yield Pack(project, project_target(project))
        raise BuildError("the next pack failed to lay out")

    monkeypatch.setattr(RenderPool, "submit", recording)
    with RenderPool(2) as pool:
        with pytest.raises(BuildError, match="the next pack failed"):
            render_all(project, packs_then_a_failure(), ("pdf",), pool, lambda _name: None)
        second_rounds = [thread for thread in threading.enumerate()
                         if thread.name == "csp-report second round"]
        for thread in second_rounds:
            thread.join(30)
        assert [thread.is_alive() for thread in second_rounds] == [False]
        assert started == ["draw_body_part"] * 6
        # Two workers took a part each; the four parts still waiting were dropped (one more
        # may have started had a part ended first, which a render never does this quickly).
        assert sum(future.cancelled() for future in futures) >= 3
        assert pool.submit(len, "still serving").result(30) == len("still serving")


def test_an_abandoned_pack_cancels_every_job_it_gave_the_pool_and_gives_no_more(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """abandon() cancels whatever the pack gave the pool (its parts, its contents, furniture
    and join alike), a job given while abandon() runs is cancelled as well, and nothing is
    given afterwards."""
    from concurrent.futures import Future

    from csp_report.build import Pack
    from csp_report.errors import BuildError

    root = make_sectioned_project(tmp_path / "project", sections=4, per_section=14)
    monkeypatch.setattr(parts, "SPLIT_FROM_SIZE", 0)
    monkeypatch.setattr(parts, "SMALLEST_PART_SIZE", 0)
    project = open_project(root)
    pack = Pack(project, project_target(project))
    given: list[Future[Any]] = []

    def waiting(_work: Any, *_args: Any, size: int | None = None) -> Future[Any]:
        given.append(Future())
        return given[-1]

    assert pack.parts is not None
    split = SplitRender(pack.parts, root, pack.epoch, waiting)
    for _size, start in split.jobs():
        start()
    split._tracked(len, "the contents")
    split.abandon()
    assert len(given) == 7
    assert all(future.cancelled() for future in given)
    with pytest.raises(BuildError, match="stopped before this pack was joined"):
        split._tracked(len, "the furniture")
    assert len(given) == 7

    racing = SplitRender(pack.parts, root, pack.epoch, lambda *_args, size=None: (
        racing.abandon(), waiting(len))[1])
    racing._tracked(len, "given while abandon() runs")
    assert given[-1].cancelled()


def project_target(project: Any) -> Any:
    from csp_report.build import choose_targets

    [target] = choose_targets(project, None, None, lambda _message: None)
    return target
