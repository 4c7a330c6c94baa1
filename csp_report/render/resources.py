"""Which files a template may use: only those in the project's or the package's templates."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from ..errors import TemplateProblem
from ..templating import PACKAGE_TEMPLATES, is_inside

_CSS_URL = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)"""
                      r"""|@import\s+(['"])(?P<imp>[^'"]*)\3""")


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


def check_stylesheet(css: str, project_root: Path) -> None:
    """Refuse a stylesheet that names a resource the renderer would refuse, so that an HTML
    pack can never point its readers at the network either."""
    for match in _CSS_URL.finditer(css):
        url = (match["url"] or match["imp"] or "").strip()
        if url and not url.startswith("#"):
            resolve_resource(urljoin(base_url(project_root), url), project_root)
