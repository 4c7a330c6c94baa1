"""Rebuilds that read no more than they must: files of unchanged inputs, from the cache."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .cache import Cache, RenderCache, digest, read_bounded, tree_digest, walk
from .loader import MAX_FILE_BYTES, MEASURES_DIR, REPORT_FILE
from .model.project import Project
from .write import write_all


@dataclass(frozen=True)
class Inputs:
    """Digests of the raw bytes of a project's input files, taken before it is loaded (and
    again after a build: what a build made is kept only when they did not change meanwhile).

    None for a part means it cannot be used as a key: a file that cannot be read, or a
    symlink, whose file may lie anywhere in the project."""

    options: str  # the build's options: which packs, period and formats
    common: str  # what every pack's files depend on: the project folder, the formats and
    #              the date the environment sets
    data: bytes | None  # every file of data/
    templates: bytes | None  # every file of templates/
    report: bytes | None  # data/report.yaml
    packs: tuple[tuple[str, bytes | None], ...]  # each data/measures/PACK/ folder
    files: tuple[tuple[str, str], ...] = ()  # each file of data/ by name: its bytes' sha256

    @classmethod
    def read(cls, root: Path, pack: str | None, period: str | None,
             formats: Sequence[str]) -> Inputs:
        common = json.dumps([str(root.resolve()), list(formats),
                             os.environ.get("SOURCE_DATE_EPOCH")])
        report = read_bounded(root / REPORT_FILE, MAX_FILE_BYTES)
        packs: list[tuple[str, bytes | None]] = []
        try:
            with os.scandir(root / MEASURES_DIR) as found:
                names = sorted(entry.name for entry in found if not entry.name.startswith("."))
        except OSError:
            names = []
        for name in names:
            packs.append((name, tree_digest(root / MEASURES_DIR / name, links=False)))
        return cls(json.dumps([pack, period]), common, tree_digest(root / "data", links=False),
                   tree_digest(root / "templates", links=False),
                   None if report is None else digest(report), tuple(packs),
                   _file_digests(root))

    def made(self, project: Project) -> bool:
        """Whether `project` was read from the very files these digests were taken of.

        Digests taken before and after a build that match do not show it: a file changed
        and changed back while the build read it (an edit saved and undone, a checkout there
        and back) has the same digests either side, yet the build drew the other version,
        and kept it under these inputs' key, for every later build to copy."""
        files = dict(self.files)
        return bool(project.sources) and all(
            files.get(name) == sha for name, sha in project.sources.items())

    def build_key(self, cache: Cache) -> str:
        """The key of the whole build: every file of data/ and templates/ and the options;
        "" when some part cannot be a key (no shortcut then)."""
        if self.data is None or self.templates is None:
            return ""
        return cache.key("build", self.data, self.templates, self.common, self.options)

    def pack_key(self, cache: Cache, pack_id: str, period_id: str) -> str:
        """The key of one pack's files: report.yaml, the pack's own folder of measures (a
        pack is drawn from nothing else of data/), templates/ and the options."""
        folder = dict(self.packs).get(pack_id)
        if folder is None or self.report is None or self.templates is None:
            return ""
        return cache.key("pack", self.report, folder, self.templates, self.common, pack_id,
                         period_id)


def replay(cache: RenderCache, key: str, out: Path) -> tuple[list[Path], list[str]] | None:
    """Write the files the build of `key` wrote, all or nothing (write.write_all), and
    return them with the notices that build gave; None when anything is not in the cache."""
    stored = files(cache, key)
    if stored is None:
        return None
    found, notices = stored
    return write_all({out / name: data for name, (_, data) in found.items()}), notices


def files(cache: Cache, key: str) -> tuple[dict[str, tuple[str, bytes]], list[str]] | None:
    """The files kept under `key` (name -> its entry's key and bytes) and the notices of
    the build that made them; None unless every one is there."""
    manifest = _manifest(cache.get(key)) if key else None
    if manifest is None:
        return None
    found: dict[str, tuple[str, bytes]] = {}
    for name, entry in manifest[0]:
        data = cache.get(entry)
        if data is None:
            return None
        found[name] = entry, data
    return found, manifest[1]


def remember(cache: Cache, key: str, files: dict[str, str], notices: list[str]) -> None:
    """Keep a list of files (file name -> cache key of its bytes) under `key`."""
    if key and files and all(files.values()):
        cache.put(key, json.dumps({"files": list(files.items()),
                                   "notices": notices}).encode("utf-8"))


def _manifest(raw: bytes | None) -> tuple[list[tuple[str, str]], list[str]] | None:
    """A stored build's file list and notices; None when it is not one (written by another
    version, say): the entry's own checksum already guards against corruption."""
    if raw is None:
        return None
    try:
        value = json.loads(raw)
        listed = [(str(name), str(entry)) for name, entry in value["files"]]
        notices = [str(notice) for notice in value["notices"]]
    except (ValueError, KeyError, TypeError):
        return None
    if any(Path(name).name != name or name.startswith(".") for name, _ in listed):
        return None  # only plain file names, written into the output folder
    return listed, notices


def content_key(cache: Cache, data: bytes) -> str:
    """The key under which a file's bytes are kept for a replay (html and web editions)."""
    return cache.key("file", digest(data))


def _file_digests(root: Path) -> tuple[tuple[str, str], ...]:
    """The sha256 of each regular file of data/ (links not followed), by its name as the
    loader shows it (data/measures/PACK/NAME.yaml); none when data/ cannot be read."""
    found: list[tuple[str, str]] = []
    try:
        for name, entry in walk(root / "data"):
            if entry.is_file(follow_symlinks=False):
                data = read_bounded(entry.path, MAX_FILE_BYTES)
                if data is not None:
                    found.append((f"data/{name}", hashlib.sha256(data).hexdigest()))
    except OSError:
        return ()
    return tuple(found)
