"""The only way WeasyPrint may read anything: files inside the project or package templates."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import TemplateProblem
from ..templating import PACKAGE_TEMPLATES


class LockedFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that refuses the network and any file outside its roots.

    A relative URL resolves against the project's templates/ folder; a file missing there is
    taken from the package's templates, so an override needs only the files it changes.
    Every refusal is remembered, so the build fails instead of quietly dropping a resource.
    """

    def __init__(self, project_root: Path) -> None:
        # fail_on_errors: a resource we refuse stops the render instead of being left out.
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.project_root = project_root.resolve()
        self.overrides = self.project_root / "templates"
        self.roots = (self.project_root, PACKAGE_TEMPLATES.resolve())
        self.refused: list[str] = []

    @property
    def base_url(self) -> str:
        return self.overrides.as_uri() + "/"

    def _resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise TemplateProblem(f"refused to fetch '{url}': templates may only use files "
                                  "inside the project (no network)")
        path = Path(unquote(parts.path)).resolve()
        if self.overrides in path.parents and not path.exists():
            path = (PACKAGE_TEMPLATES / path.relative_to(self.overrides)).resolve()
        if not any(root == path or root in path.parents for root in self.roots):
            raise TemplateProblem(f"refused to read '{url}': it is outside the project and "
                                  "the package templates")
        if not path.is_file():
            raise TemplateProblem(f"template resource '{url}' does not exist")
        return path

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = self._resolve(url)
        except TemplateProblem as err:
            self.refused.append(str(err))
            raise
        return URLFetcherResponse(path.as_uri(), path.read_bytes())
