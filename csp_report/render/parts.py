"""Split a large pack at its section headings into parts that render side by side."""

from __future__ import annotations

import dataclasses
import html as html_escape
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..layout.document import Block, Contents, Document, Heading, Page
from ..templating import PACKAGE_TEMPLATES, find_template_file
from .html import render_page, stylesheet_text
from .pdf import LINK_PREFIX

# Whether a pack is drawn in parts depends on the pack alone (its size and templates), never
# on the machine's cores, the other packs of the build or the cache: the same pack gives the
# same bytes wherever and however it is built. Sizes are size(), about 1.35 characters per
# character of the pack's HTML.
# A pack smaller than this renders as one piece: a part costs a fixed amount (the stylesheet
# parsed, the fonts loaded, about 0.1 s), and the pack a second round (the contents with its
# numbers, the page furniture at about 10 ms a page) and a join. Measured on 2 cores
# (docs/performance.md, "Where splitting pays"): the example's 15-page targets pack (79,000)
# built no faster in parts (1.04x the build with it whole, 8 pairs), and an edit to one of
# its figures still drew two of its three parts (the summary's and the measure's), no faster
# than the pack whole; a pack of some 40 pages and up (this size, about 150,000 characters
# of HTML) draws faster in parts.
SPLIT_FROM_SIZE = 200_000
# Parts smaller than this are merged with their neighbours: a part's fixed cost is about the
# cost of rendering this much.
SMALLEST_PART_SIZE = 30_000
# The page furniture is drawn in pieces of this many pages (drawn side by side; a fixed size,
# so that the bytes do not depend on the number of cores).
FURNITURE_PAGES = 40

MARGIN_BOXES = ("top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
                "right-top", "right-middle", "right-bottom", "bottom-right-corner",
                "bottom-right", "bottom-center", "bottom-left", "bottom-left-corner",
                "left-bottom", "left-middle", "left-top")
# A part draws no page furniture (running footer, "Page X of Y"): it cannot know the page
# numbers. The furniture is drawn once for the whole pack and laid over the joined pages.
NO_FURNITURE = "\n/* a part of a pack: its page furniture is drawn with the whole pack's */\n" \
    "@page { " + " ".join(f"@{box} {{ content: none; }}" for box in MARGIN_BOXES) + " }\n"
# The contents part prints page numbers it is given, not ones it would look up: the headings
# they point at are in other parts.
GIVEN_PAGE_NUMBERS = 'ol.contents a::after { content: leader(".") attr(data-csp-page); }\n'

# Templates whose default shape the split relies on: sections start pages at <h2>, the
# contents links are plain <li><a href>, the footer comes from the cover's running string.
_RELIED_ON = ("pack.html", "pack.css", "blocks/heading.html", "blocks/contents.html",
              "blocks/paragraph.html", "blocks/table.html", "blocks/content.html",
              "blocks/charts.html")
# Words in a project's custom.css that could tie one page to another (page selectors,
# counters, running strings, breaks, bookmarks); any of them keeps the single render.
_PAGE_DEPENDENT = ("@page", "counter", "string", "target-", "element(", "running(", "break-",
                   "page:", "page :", "bookmark", "leader(", "footnote", "float:")


@dataclass(frozen=True)
class PartsPlan:
    """A pack cut into parts, in page order; the first holds the cover and contents."""

    document: Document
    parts: tuple[Document, ...]
    targets: tuple[str, ...]  # the contents entries' targets, in order (empty: no contents)

    def html(self, index: int, project_root: Path) -> str:
        """The HTML of a part other than the front one."""
        return _render(self.parts[index], project_root, NO_FURNITURE)

    def front_html(self, project_root: Path, numbers: tuple[str, ...] | None = None) -> str:
        """The front part, its contents printing `numbers` (placeholders until they are known).

        Each entry links to its own list item here; the join points the links at the headings
        in the other parts."""
        numbers = numbers or tuple("0" for _ in self.targets)
        text = _render(self.parts[0], project_root, NO_FURNITURE + GIVEN_PAGE_NUMBERS)
        for index, (target, number) in enumerate(zip(self.targets, numbers, strict=True)):
            plain = f'<li><a href="#{html_escape.escape(target)}">'
            if text.count(plain) != 1:
                raise ValueError(f"contents entry {target!r} not found once")
            text = text.replace(plain, f'<li id="{LINK_PREFIX}{index}"><a href="#{LINK_PREFIX}'
                                f'{index}" data-csp-page="{number}">')
        return text


def _render(document: Document, project_root: Path, extra_css: str) -> str:
    return render_page(document, project_root, "pack.html",
                       lambda root, theme: stylesheet_text(root, theme) + extra_css,
                       _filters())


def _filters() -> dict[str, Callable[..., Any]]:
    from ..layout.grid import grid
    from .chart import svg

    return {"grid": grid, "chart_svg": svg}


def size(document: Document) -> int:
    """How much a document has to draw, to start the largest renders first."""
    return len(repr(document.pages))


def splittable(project_root: Path) -> bool:
    """Whether the pack's templates are ones the split is known to draw exactly as one render
    would: the default page templates, and no page-dependent rule in custom.css."""
    package = PACKAGE_TEMPLATES.resolve()
    for name in _RELIED_ON:
        found = find_template_file(project_root, name)
        if found is None or not found.resolve().is_relative_to(package):
            return False
    custom = find_template_file(project_root, "custom.css")
    if custom is not None:
        text = custom.read_text(encoding="utf-8").lower()
        if any(word in text for word in _PAGE_DEPENDENT):
            return False
    return True


def _chunks(page: Page) -> list[tuple[Block, ...]]:
    """A body page's blocks cut before each <h2> that starts a page (a group heading and the
    section heading after it stay together)."""
    chunks: list[list[Block]] = []
    for block in page.blocks:
        starts = isinstance(block, Heading) and block.level == 2 and not (
            chunks and chunks[-1] and isinstance(chunks[-1][-1], Heading)
            and chunks[-1][-1].level == 2)
        if starts or not chunks:
            chunks.append([])
        chunks[-1].append(block)
    return [tuple(chunk) for chunk in chunks]


def plan_parts(document: Document, project_root: Path) -> PartsPlan | None:
    """The pack's parts, or None where one render is as quick or the templates are not ones
    the split can reproduce exactly."""
    if size(document) < SPLIT_FROM_SIZE or not splittable(project_root):
        return None
    front_end = max((i for i, page in enumerate(document.pages)
                     if any(isinstance(b, Contents) for b in page.blocks)), default=0)
    front = document.pages[:front_end + 1]
    pieces = [Page(chunk, page.style) for page in document.pages[front_end + 1:]
              for chunk in _chunks(page)]
    sizes = [len(repr(piece)) for piece in pieces]
    merged: list[list[Page]] = []
    merged_size: list[int] = []
    for piece, piece_size in zip(pieces, sizes, strict=True):
        if merged and merged_size[-1] < SMALLEST_PART_SIZE:
            merged[-1].append(piece)
            merged_size[-1] += piece_size
        else:
            merged.append([piece])
            merged_size.append(piece_size)
    if len(merged) < 2:
        return None  # one body part: nothing would be drawn side by side
    parts = (dataclasses.replace(document, pages=front),
             *(dataclasses.replace(document, pages=tuple(group)) for group in merged))
    contents = [b for page in front for b in page.blocks if isinstance(b, Contents)]
    targets = tuple(entry.target for block in contents for entry in block.entries)
    return PartsPlan(document, parts, targets)


def furniture_html(document: Document, project_root: Path, pages: int, first: int = 1,
                   total: int | None = None) -> str:
    """A document of `pages` empty pages bearing only the pack's page furniture (the running
    footer and "Page X of Y") as the pack's own stylesheet draws it, numbered from `first`
    in a pack of `total` pages (so that a long pack's furniture can be drawn in pieces)."""
    footer = "".join(f"\\{ord(c):06x}" for c in document.footer)
    # `pages` counts this document's pages: the pack's total is given as text instead.
    css = stylesheet_text(project_root, document.theme).replace(
        "counter(pages)", f'"{total or pages}"')
    css += (
        "\n/* page furniture only: nothing of the body is drawn */\n"
        "html, body, div { background: none !important; border: none !important; "
        "margin: 0 !important; padding: 0 !important; }\n"
        "div.csp-sheet { break-before: page; height: 0; }\n"
        "div.csp-sheet:first-child { break-before: auto; }\n"
        f'@page {{ @bottom-left {{ content: "{footer}"; }} }}\n'
        f"@page :first {{ counter-reset: page {first}; }}\n")
    sheets = '<div class="csp-sheet"></div>\n' * pages
    return (f'<!DOCTYPE html>\n<html lang="{html_escape.escape(document.language)}">\n<head>\n'
            f'<meta charset="utf-8">\n<title>{html_escape.escape(document.title)}</title>\n'
            f"<style>\n{css}</style>\n</head>\n<body>\n{sheets}</body>\n</html>\n")
