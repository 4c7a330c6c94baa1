"""A rebuild with nothing changed: the previous build's files, straight from the cache."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from .cache import RenderCache, digest, tree_digest
from .write import write_all


def build_key(cache: RenderCache, root: Path, pack: str | None, period: str | None,
              formats: Sequence[str]) -> str:
    """The key of a whole build: the raw bytes of every file of the project's data/ and
    templates/, the options and the date the environment fixes (with the versions and code
    every key holds). "" when some file cannot be read or is a symlink: no shortcut then."""
    data = tree_digest(root / "data", links=False)
    templates = tree_digest(root / "templates", links=False)
    if data is None or templates is None:
        return ""
    options = json.dumps([str(root.resolve()), pack, period, list(formats),
                          os.environ.get("SOURCE_DATE_EPOCH")])
    return cache.key("build", data, templates, options)


def replay(cache: RenderCache, key: str, out: Path) -> tuple[list[Path], list[str]] | None:
    """Write the files the build of `key` wrote, all or nothing (write.write_all), and
    return them with the notices that build gave; None when anything is not in the cache."""
    manifest = _manifest(cache.get(key)) if key else None
    if manifest is None:
        return None
    files, notices = manifest
    outputs: dict[Path, bytes] = {}
    for name, entry in files:
        data = cache.get(entry)
        if data is None:
            return None
        outputs[out / name] = data
    return write_all(outputs), notices


def remember(cache: RenderCache, key: str, files: dict[str, str], notices: list[str]) -> None:
    """Keep what a build wrote (file name -> cache key of its bytes) under the build's key."""
    if key and files:
        cache.put(key, json.dumps({"files": list(files.items()),
                                   "notices": notices}).encode("utf-8"))


def _manifest(raw: bytes | None) -> tuple[list[tuple[str, str]], list[str]] | None:
    """A stored build's file list and notices; None when it is not one (written by another
    version, say): the entry's own checksum already guards against corruption."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
        files = [(str(name), str(entry)) for name, entry in value["files"]]
        notices = [str(notice) for notice in value["notices"]]
    except (ValueError, KeyError, TypeError):
        return None
    if any(Path(name).name != name or name.startswith(".") for name, _ in files):
        return None  # only plain file names, written into the output folder
    return files, notices


def content_key(cache: RenderCache, data: bytes) -> str:
    """The key under which a file's bytes are kept for a replay (html and web editions)."""
    return cache.key("file", digest(data))
