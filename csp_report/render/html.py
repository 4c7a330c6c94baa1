"""Render stage (HTML): draw a layout Document through the Jinja templates, escaped."""

from __future__ import annotations

from pathlib import Path

import jinja2

from ..errors import TemplateProblem
from ..layout.document import Document
from ..templating import PACKAGE_TEMPLATES, html_environment

STYLESHEETS = ("pack.css", "custom.css")


def block_kind(block: object) -> str:
    """The template name for a layout block: Heading -> 'heading'."""
    return type(block).__name__.lower()


def stylesheet_text(project_root: Path) -> str:
    """pack.css (the project's if it has one, else ours) followed by the project's custom.css."""
    parts = []
    for name in STYLESHEETS:
        for folder in (project_root / "templates", PACKAGE_TEMPLATES):
            if (folder / name).is_file():
                parts.append((folder / name).read_text(encoding="utf-8"))
                break
    return "\n".join(parts)


def render_html(doc: Document, project_root: Path) -> str:
    """The pack as one HTML page with its stylesheet inline."""
    env = html_environment(project_root)
    env.filters["kind"] = block_kind
    try:
        template = env.get_template("pack.html")
        return template.render(doc=doc, stylesheet_text=stylesheet_text(project_root))
    except jinja2.TemplateSyntaxError as err:
        raise TemplateProblem(f"{err.filename or err.name}:{err.lineno}: template syntax error: "
                              f"{err.message}") from None
    except jinja2.TemplateError as err:
        raise TemplateProblem(f"template error: {err}") from None
