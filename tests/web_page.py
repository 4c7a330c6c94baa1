"""Reading a web edition back: its table cells (row spans expanded the way the print HTML and
Word give them), its structure, and every reference it makes to anything outside itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import tinycss2

# Attributes that make a browser fetch or go somewhere.
URL_ATTRIBUTES = {"src", "href", "srcset", "action", "formaction", "poster", "data",
                  "background", "cite", "longdesc", "manifest", "ping", "xlink:href",
                  "imagesrcset"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


@dataclass
class WebPage(HTMLParser):
    """The parts of a web edition the tests look at."""

    elements: list[Element] = field(default_factory=list)
    tables: list[list[list[tuple[str, int, int]]]] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # level, id, text
    styles: list[str] = field(default_factory=list)  # <style> text and style attributes
    open_tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        HTMLParser.__init__(self, convert_charrefs=True)
        self._cell: tuple[list[str], int, int] | None = None
        self._paragraph: list[str] | None = None
        self._heading: tuple[int, str, list[str]] | None = None
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        self.elements.append(Element(tag, values))
        if "style" in values:
            self.styles.append(values["style"])
        if tag == "style":
            self._in_style = True
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ([], int(values.get("colspan", "1")), int(values.get("rowspan", "1")))
        elif tag in ("p", "li") and self._cell is not None:
            self._paragraph = []
        elif len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self._heading = (int(tag[1]), values.get("id", ""), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        elif tag in ("p", "li") and self._cell is not None and self._paragraph is not None:
            self._cell[0].append("".join(self._paragraph))
            self._paragraph = None
        elif tag in ("td", "th") and self._cell is not None:
            texts, columns, rows = self._cell
            self.tables[-1][-1].append(("\n".join(texts), columns, rows))
            self._cell = None
        elif self._heading is not None and tag == f"h{self._heading[0]}":
            level, ident, text = self._heading
            self.headings.append((level, ident, "".join(text)))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.styles.append(data)
        if self._paragraph is not None:
            self._paragraph.append(data)
        if self._heading is not None:
            self._heading[2].append(data)
        if self.elements:
            self.elements[-1].text += data

    def cells(self) -> list[list[list[str]]]:
        """Every table's rows as cell texts, a cell spanning rows given again in each row it
        covers and a cell spanning columns once (as the print HTML and python-docx give them)."""
        return [expand(table) for table in self.tables]


def expand(rows: list[list[tuple[str, int, int]]]) -> list[list[str]]:
    out: list[list[str]] = []
    pending: dict[int, tuple[str, int, int]] = {}  # column -> (text, colspan, rows left)
    for row in rows:
        texts: list[str] = []
        cells = iter(row)
        column = 0
        still: dict[int, tuple[str, int, int]] = {}
        while True:
            if column in pending:
                text, columns, left = pending[column]
                if left > 1:
                    still[column] = (text, columns, left - 1)
            else:
                cell = next(cells, None)
                if cell is None:
                    if any(c > column for c in pending):
                        column = min(c for c in pending if c > column)
                        continue
                    break
                text, columns, rows_spanned = cell
                if rows_spanned > 1:
                    still[column] = (text, columns, rows_spanned - 1)
            texts.append(text)
            column += columns
        pending = still
        out.append(texts)
    return out


def read(path: Path) -> WebPage:
    page = WebPage()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def css_references(css: str) -> list[str]:
    """Every url() and @import in a stylesheet or a style attribute: tinycss2 tokenizes it (so
    escapes, comments and nesting are read as a browser reads them) and every token is
    looked at, inside blocks and functions too."""
    found: list[str] = []

    def walk(tokens: list[Any]) -> None:
        for token in tokens:
            kind = getattr(token, "type", None)
            if kind == "url":
                found.append(token.value)
            elif kind == "function" and token.lower_name in ("url", "src", "image-set"):
                found.append(tinycss2.serialize(token.arguments).strip())
            elif kind == "at-keyword" and token.lower_value == "import":
                found.append("@import")
            elif kind == "string" and token.value.lower().startswith(
                    ("http:", "https:", "file:", "//")):
                found.append(token.value)  # image-set("...") and the like
            for part in ("content", "arguments"):
                inner = getattr(token, part, None)
                if isinstance(inner, list):
                    walk(inner)

    walk(tinycss2.parse_component_value_list(css, skip_comments=True))
    return found


def external_references(page: WebPage) -> list[str]:
    """Everything in the page that points outside it: URL attributes other than a fragment
    (#id) or a data: URL, elements that load things (script, link, iframe, ...), and url() or
    @import in its CSS other than data: URLs."""
    found = []
    for element in page.elements:
        if element.tag in ("script", "link", "iframe", "frame", "object", "embed", "base",
                           "img", "video", "audio", "source", "track", "form", "meta"):
            if element.tag == "meta" and "http-equiv" not in element.attrs:
                continue
            if element.tag == "img" and element.attrs.get("src", "").startswith("data:"):
                continue
            found.append(f"<{element.tag} {element.attrs}>")
        for name, value in element.attrs.items():
            if name in URL_ATTRIBUTES and not (value.startswith("#") or
                                               value.startswith("data:")):
                found.append(f"<{element.tag} {name}={value!r}>")
    for css in page.styles:
        found += [f"css {ref[:80]}" for ref in css_references(css)
                  if not ref.strip("'\"").startswith("data:")]
    return found
