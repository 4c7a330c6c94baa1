"""The only way WeasyPrint may read anything: files in the project's or package's templates."""

from __future__ import annotations

from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ..errors import TemplateProblem
from .resources import base_url, resolve_resource


class LockedFetcher(URLFetcher):
    """A WeasyPrint URL fetcher that refuses the network and any file outside its roots.

    What may be read is decided by resources.resolve_resource. Every refusal is remembered,
    so the build fails instead of quietly dropping a resource.
    """

    def __init__(self, project_root: Path) -> None:
        # fail_on_errors: a resource we refuse stops the render instead of being left out.
        super().__init__(allowed_protocols=("file",), fail_on_errors=True)
        self.project_root = project_root
        self.base_url = base_url(project_root)
        self.refused: list[str] = []

    def fetch(self, url: str, headers: object = None) -> URLFetcherResponse:
        try:
            path = resolve_resource(url, self.project_root)
        except TemplateProblem as err:
            self.refused.append(str(err))
            raise
        return URLFetcherResponse(path.as_uri(), path.read_bytes())
