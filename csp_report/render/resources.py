"""Which files a template may use: only those in the project's or the package's templates."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

import tinycss2

from ..errors import TemplateProblem
from ..templating import PACKAGE_TEMPLATES
from ..write import is_inside

# CSS functions whose quoted strings are URLs to fetch (url() and src() take them directly).
_URL_FUNCTIONS = {"url", "src"}
_IMAGE_FUNCTIONS = {"image", "image-set", "-webkit-image-set", "cross-fade"}


def base_url(project_root: Path) -> str:
    """Relative URLs in templates resolve against the project's templates/ folder."""
    return (project_root.resolve() / "templates").as_uri() + "/"


def resolve_resource(url: str, project_root: Path) -> Path:
    """The file a template URL names, or TemplateProblem when it is refused.

    Only file URLs inside the project's templates/ or the package's templates are allowed
    (after following symlinks); a file missing from the project's templates/ is taken from
    the package's, so an override needs only the files it changes.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        raise TemplateProblem(f"refused to fetch '{url}': templates may only use files inside "
                              "the project (no network)")
    overrides = project_root.resolve() / "templates"
    path = Path(unquote(parts.path)).resolve()
    if is_inside(path, overrides) and not path.exists():
        path = (PACKAGE_TEMPLATES / path.relative_to(overrides)).resolve()
    if not (is_inside(path, overrides) or is_inside(path, PACKAGE_TEMPLATES.resolve())):
        raise TemplateProblem(f"refused to read '{url}': it is outside the project and the "
                              "package templates")
    if not path.is_file():
        raise TemplateProblem(f"template resource '{url}' does not exist")
    return path


def _references(nodes: Iterable[Any]) -> Iterator[tuple[str, int]]:
    """Every URL a CSS component list names, with its line, however it is spelt: url(),
    URL(), u\\72l(), src(), image-set("..."), @import "..." with or without a space."""
    for node in nodes:
        kind = node.type
        if kind == "error":
            raise _CssError(node.message, node.source_line)
        if kind == "url":
            yield node.value, node.source_line
        elif kind == "function":
            if node.lower_name in _URL_FUNCTIONS | _IMAGE_FUNCTIONS:
                yield from ((arg.value, arg.source_line) for arg in node.arguments
                            if arg.type == "string")
            yield from _references(node.arguments)
        elif kind in ("() block", "[] block", "{} block"):
            yield from _references(node.content)
        elif kind in ("qualified-rule", "at-rule"):
            if kind == "at-rule" and node.lower_at_keyword == "import":
                yield from ((arg.value, arg.source_line) for arg in node.prelude
                            if arg.type == "string")
            yield from _references(node.prelude)
            yield from _references(node.content or [])


class _CssError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def check_stylesheet(css: str, project_root: Path, name: str = "stylesheet") -> None:
    """Refuse a stylesheet that names a resource the renderer would refuse, so that an HTML
    pack can never point its readers at the network either.

    The stylesheet is parsed with a real CSS parser (tinycss2, WeasyPrint's own), so every
    spelling of a URL is found; text that would end the inline <style> of the HTML pack is
    refused too. Messages name the stylesheet and the line.
    """
    end = css.lower().find("</style")
    if end >= 0:
        line = css.count("\n", 0, end) + 1
        raise TemplateProblem(f"{name}:{line}: contains '</style', which would end the "
                              "stylesheet inside the HTML pack")
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    try:
        for url, line in _references(rules):
            url = url.strip()
            if url and not url.startswith("#"):
                try:
                    resolve_resource(urljoin(base_url(project_root), url), project_root)
                except TemplateProblem as err:
                    raise TemplateProblem(f"{name}:{line}: {err}") from None
    except _CssError as err:
        raise TemplateProblem(f"{name}:{err.line}: CSS syntax error: {err.message}") from None


# Elements that load or run something of their own; a pack never needs them.
_REFUSED_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet",
                     "base", "link", "portal", "noscript"}
_URL_ATTRIBUTES = {"href", "src", "srcset", "action", "formaction", "data", "poster",
                   "background", "cite", "longdesc", "manifest", "ping", "codebase", "icon",
                   "xlink:href", "{http://www.w3.org/1999/xlink}href"}


def check_html(html: str, project_root: Path) -> None:
    """Refuse an HTML pack (drawn by the templates, ours or the project's) that would load
    anything from outside the templates folders: scripts, frames, <base>, <link>, a URL in an
    attribute, a stylesheet in a <style> element or a style attribute. Same-page links
    (#contents) are fine."""
    import tinyhtml5

    tree = tinyhtml5.parse(html, namespace_html_elements=False)
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.rsplit("}", 1)[-1].lower()
        if tag in _REFUSED_ELEMENTS:
            raise TemplateProblem(f"refused: the pack's HTML has a <{tag}> element; templates "
                                  "may only use files inside the templates folders")
        if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
            raise TemplateProblem("refused: the pack's HTML has a <meta http-equiv=refresh>")
        if tag == "style":
            check_stylesheet(element.text or "", project_root, "a <style> element of the pack")
        for attribute, value in element.attrib.items():
            name = attribute.lower()
            if name == "style":
                check_stylesheet(f"x{{{value}}}", project_root, f"a style attribute of <{tag}>")
            elif name in _URL_ATTRIBUTES or name.startswith("on"):
                _check_attribute(tag, name, value, project_root)


# For the web edition's own, stricter check (render/web.py).
URL_ATTRIBUTES = frozenset(_URL_ATTRIBUTES)
REFUSED_ELEMENTS = frozenset(_REFUSED_ELEMENTS)


def css_references(css: str, name: str = "stylesheet") -> list[str]:
    """Every URL a stylesheet names, read as check_stylesheet reads them."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    try:
        return [url for url, _ in _references(rules)]
    except _CssError as err:
        raise TemplateProblem(f"{name}:{err.line}: CSS syntax error: {err.message}") from None


def _check_attribute(tag: str, name: str, value: str, project_root: Path) -> None:
    if name.startswith("on"):
        raise TemplateProblem(f"refused: the pack's HTML has an event handler ({name}) on "
                              f"<{tag}>")
    urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" \
        else [value.strip()]
    for url in urls:
        if url and not url.startswith("#"):
            resolve_resource(urljoin(base_url(project_root), url), project_root)
