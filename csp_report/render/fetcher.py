"""The only way WeasyPrint may read anything: files in the project's or package's templates."""

from __future__ import annotations

import threading
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
        try:
            data = _bounded_resource(path, url)
        except TemplateProblem as err:
            self.refused.append(str(err))
            raise
        return URLFetcherResponse(path.as_uri(), data)


# A pack's stylesheets, fonts and pictures are small: a file this large is a mistake, and
# read whole into every render it would cost its size in each worker.
MAX_RESOURCE_BYTES = 20 * 1024 * 1024
# A picture's pixels are decoded in full: 50 million (an A4 page at 600 dpi is 35 million) is
# generous; Pillow itself only warns up to 179 million, after 1.2 GB for 144 million.
MAX_IMAGE_PIXELS = 50_000_000
_WARNINGS_HELD = threading.Lock()


def _bounded_resource(path: Path, url: str) -> bytes:
    """The file's bytes, refused when it is over MAX_RESOURCE_BYTES or a picture of over
    MAX_IMAGE_PIXELS (its size is read from its header, before anything is decoded)."""
    from ..cache import read_bounded

    data = read_bounded(path, MAX_RESOURCE_BYTES)
    if data is None:
        raise TemplateProblem(f"refused to read template resource '{url}': not a regular "
                              f"file of at most {MAX_RESOURCE_BYTES // (1024 * 1024)} MiB")
    pixels = _picture_pixels(data)
    if pixels is not None and pixels[0] > MAX_IMAGE_PIXELS:
        shown = f"{pixels[0]:,}" if pixels[1] else f"over {pixels[0]:,}"
        raise TemplateProblem(
            f"refused the picture '{url}': it has {shown} pixels; a pack takes at most "
            f"{MAX_IMAGE_PIXELS // 1_000_000} million: make it smaller")
    return data


def _picture_pixels(data: bytes) -> tuple[int, bool] | None:
    """How many pixels a raster picture has, from its header, and whether that is exact (not
    only a bound); None for anything else (a stylesheet, a font, an SVG)."""
    import io
    import warnings

    from PIL import Image

    # catch_warnings swaps the process's filters: one thread at a time (a split pack's second
    # round draws in a thread of its own when there is one core).
    with _WARNINGS_HELD, warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as picture:
                return int(picture.size[0] * picture.size[1]), True
        except Image.DecompressionBombError:  # over twice Pillow's own limit (89 million),
            return 2 * int(Image.MAX_IMAGE_PIXELS or MAX_IMAGE_PIXELS), False  # size untold
        except Exception:  # noqa: BLE001 - not a picture Pillow knows: WeasyPrint judges it
            return None
