"""What WeasyPrint may read from templates/ is bounded: a file's size, and a picture's pixels
(read from its header before anything is decoded), with a message instead of Pillow's
warnings and a gigabyte of memory."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from csp_report.errors import TemplateProblem
from csp_report.render.fetcher import LockedFetcher


def picture_header(width: int, height: int) -> bytes:
    """A PNG that says it is `width` x `height` (its pixels are never there to decode)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + \
            struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                              0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    (tmp_path / "templates").mkdir()
    return tmp_path / "templates"


def fetch(root: Path, name: str) -> bytes:
    fetcher = LockedFetcher(root)
    return bytes(fetcher.fetch((root / "templates" / name).as_uri()).read())


@pytest.mark.parametrize(("width", "height", "pixels"), [
    (12_000, 12_000, "144,000,000"),  # Pillow warns, then decodes 1.2 GB
    (20_000, 20_000, "over 178,956,970"),  # Pillow refuses to tell: over twice its limit
    (50_001, 1_000, "50,001,000"),
])
def test_a_picture_of_over_50_million_pixels_is_refused(templates: Path, width: int,
                                                         height: int, pixels: str) -> None:
    (templates / "logo.png").write_bytes(picture_header(width, height))
    with pytest.raises(TemplateProblem, match=f"refused the picture '.*logo.png': it has "
                                              f"{pixels} pixels; a pack takes at most 50 "
                                              "million: make it smaller"):
        fetch(templates.parent, "logo.png")


def test_an_ordinary_picture_a_stylesheet_and_a_font_are_read_whole(templates: Path) -> None:
    Image.new("RGB", (300, 100), "navy").save(templates / "logo.png")
    (templates / "custom.css").write_text("h1 { color: navy }", encoding="utf-8")
    assert fetch(templates.parent, "logo.png") == (templates / "logo.png").read_bytes()
    assert fetch(templates.parent, "custom.css") == b"h1 { color: navy }"
    assert fetch(templates.parent, "fonts/LiberationSans-Regular.ttf")[:4] == \
        b"\x00\x01\x00\x00"  # the package's font, through the project's folder
    (templates / "edge.png").write_bytes(picture_header(10_000, 5_000))  # 50 million exactly
    assert fetch(templates.parent, "edge.png") == (templates / "edge.png").read_bytes()


def test_a_file_over_20_mib_is_refused_unread(templates: Path) -> None:
    with open(templates / "huge.css", "wb") as stream:
        stream.truncate(20 * 1024 * 1024 + 1)  # sparse: nothing on disk
    with pytest.raises(TemplateProblem, match="refused to read template resource '.*huge.css'"
                                              ": not a regular file of at most 20 MiB"):
        fetch(templates.parent, "huge.css")
