"""A content-addressed, size-bounded cache of rendered bytes in PROJECT/.csp-cache/."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import re
import secrets
import stat
import sys
import threading
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

CACHE_DIR = ".csp-cache"
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
MAGIC = b"csp-report cache entry 1\n"
_HEADER = len(MAGIC) + 32 + 8  # magic, sha256 of the data, its length (8 bytes, big-endian)
_ENTRY = re.compile(r"[0-9a-f]{64}\Z")
_STALE_TEMP_SECONDS = 3600
# Whatever decides the bytes a renderer makes, besides its input: these packages' versions.
VERSIONED = ("csp-report", "weasyprint", "pydyf", "fonttools", "python-docx", "lxml",
             "tinycss2", "tinyhtml5", "jinja2", "pyyaml", "pydantic")
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is csp-report's render " \
       "cache (see its README); it can be deleted at any time.\n"
_FLAGS = os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)

Part = bytes | str


def _framed(value: bytes) -> bytes:
    return len(value).to_bytes(8, "big") + value


def digest(*parts: Part) -> bytes:
    """sha256 of the parts, each typed and length-prefixed so that parts cannot run together."""
    h = hashlib.sha256()
    for part in parts:
        if isinstance(part, str):
            h.update(b"s" + _framed(part.encode("utf-8", "surrogatepass")))
        else:
            h.update(b"b" + _framed(bytes(part)))
    return h.digest()


def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def _walk(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every entry below `folder` (symlinks not followed), by relative path, sorted, each
    folder's entries straight after it. With a stack, not recursion: a tree 1,500 folders
    deep is a folder like any other, not a RecursionError."""
    def listing(path: str, relative: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
        with os.scandir(path) as found:
            entries = sorted(found, key=lambda entry: entry.name)
        return ((f"{relative}{entry.name}", entry) for entry in entries)

    stack = [listing(str(folder), "")]
    while stack:
        for name, entry in stack[-1]:
            yield name, entry
            if entry.is_dir(follow_symlinks=False):
                stack.append(listing(entry.path, name + "/"))
                break
        else:
            stack.pop()


walk = _walk  # for replay.Inputs


def read_bounded(path: Path | str, limit: int, dir_fd: int | None = None) -> bytes | None:
    """A regular file's bytes, never following a final symlink and never more than `limit`
    bytes; None when it is missing, not a regular file, too large or unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _FLAGS, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks) if total <= limit else None
    except OSError:
        return None
    finally:
        os.close(fd)


MAX_TREE_FILE = 64 * 1024 * 1024
MAX_TREE_BYTES = 512 * 1024 * 1024


def tree_digest(folder: Path, skip: tuple[str, ...] = (), links: bool = True) -> bytes | None:
    """A digest of a folder: each entry's relative path and kind, a regular file's content
    and a symlink's target (its file is hashed where it lies, or was refused by the renderer).
    A missing folder has a digest of its own; None when some file cannot be read or is too
    large (nothing may then be cached: an unread file might decide the output), or when it
    holds a symlink and `links` is False (its file may lie anywhere in the project)."""
    try:
        info = os.lstat(folder)
    except FileNotFoundError:
        return digest("absent")
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):  # a link in its place: what it leads to could change
        return None
    parts: list[Part] = ["tree"]
    total = 0
    try:
        for name, entry in _walk(folder):
            if entry.name in skip:
                continue
            if entry.is_symlink():
                if not links:
                    return None
                parts += ["link", name, os.readlink(entry.path)]
            elif entry.is_dir(follow_symlinks=False):
                parts += ["dir", name]
            elif entry.is_file(follow_symlinks=False):
                data = read_bounded(entry.path, MAX_TREE_FILE)
                total += len(data or b"")
                if data is None or total > MAX_TREE_BYTES:
                    return None
                parts += ["file", name, data]
            else:
                parts += ["other", name]  # a pipe or a device: the renderer refuses it
    except OSError:
        return None
    return digest(*parts)


@cache
def environment() -> bytes:
    """What decides every output besides the inputs: the Python and package versions and
    the package's own code and templates (an edited checkout keeps its version number)."""
    package = tree_digest(Path(__file__).parent, skip=("__pycache__",))
    return digest(sys.version, *(f"{name}={_version(name)}" for name in VERSIONED),
                  package if package is not None else secrets.token_bytes(32))


class NoCache:
    """No cache: nothing is read or written (`csp-report build --no-cache`)."""

    enabled = False

    def key(self, kind: str, *parts: Part) -> str:
        return ""

    def get(self, key: str) -> bytes | None:
        return None

    def put(self, key: str, data: bytes) -> None:
        return None


class RenderCache:
    """Rendered bytes by key in PROJECT/.csp-cache, at most `max_bytes` of entries, least
    recently used evicted first (a hit refreshes an entry's mtime).

    Entries are written to a temporary file in the folder and renamed into place, so a
    reader never sees half an entry; each holds the sha256 of its data, checked on every
    read: a corrupt or truncated entry (or one a crash left unwritten) is removed and
    reported as a miss. The folder and its
    entries are opened without following symlinks: a planted link is never used. Any
    failure to read or write (a read-only project, a full disk) is a miss; a cache that
    cannot be written stops trying, and the build goes on without it.
    """

    enabled = True

    def __init__(self, project_root: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = Path(project_root) / CACHE_DIR
        self.max_bytes = max_bytes
        self.writable = True
        self._size: int | None = None  # the entries' total, once counted
        self._lock = threading.Lock()  # a split pack keeps its parts from a thread of its own

    def key(self, kind: str, *parts: Part) -> str:
        """The key of an output of `kind` made from `parts` (with this installation's
        versions and code)."""
        return digest("csp-report render cache 1", environment(), kind, *parts).hex()

    @contextlib.contextmanager
    def _opened(self, create: bool = False) -> Iterator[int]:
        """The cache folder as a descriptor; OSError when it is missing or not a real folder
        (a symlink in its place is refused: O_NOFOLLOW)."""
        if create:
            self._create()
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | _FLAGS)
        try:
            yield fd
        finally:
            os.close(fd)

    def _create(self) -> None:
        try:
            os.mkdir(self.folder, 0o755)
        except FileExistsError:
            return
        fd = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY | _FLAGS)
        try:
            for name, text in ((".gitignore", "# made by csp-report: its render cache\n*\n"),
                               ("CACHEDIR.TAG", _TAG)):
                with contextlib.suppress(FileExistsError):
                    _write_new(fd, name, text.encode("utf-8"))
        finally:
            os.close(fd)

    def get(self, key: str) -> bytes | None:
        """The bytes stored under `key`, or None (missing, corrupt, unreadable)."""
        if not _ENTRY.match(key):
            return None
        try:
            with self._opened() as folder:
                return self._read(folder, key)
        except OSError:
            return None

    def _read(self, folder: int, key: str) -> bytes | None:
        try:
            fd = os.open(key, os.O_RDONLY | os.O_NONBLOCK | _FLAGS, dir_fd=folder)
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            raw = _read_entry(fd, info, self.max_bytes) if stat.S_ISREG(info.st_mode) else None
            if raw is None:
                _remove(folder, key, info)
                return None
            with contextlib.suppress(OSError):
                os.utime(fd)  # recently used
            return raw
        finally:
            os.close(fd)

    def put(self, key: str, data: bytes) -> None:
        """Store `data` under `key` (atomically), then evict down to the size bound."""
        size = _HEADER + len(data)
        if not self.writable or not _ENTRY.match(key) or size > self.max_bytes:
            return
        try:
            with self._lock, self._opened(create=True) as folder:
                entry = MAGIC + hashlib.sha256(data).digest() + len(data).to_bytes(8, "big")
                temporary = _write_new(folder, f".tmp-{os.getpid()}-{secrets.token_hex(8)}",
                                       entry, data)
                # rename replaces atomically on POSIX, as os.replace (left to the output writer)
                os.rename(temporary, key, src_dir_fd=folder, dst_dir_fd=folder)
                if self._size is None:
                    self._size = self._trim(folder)
                else:
                    self._size += size
                    if self._size > self.max_bytes:
                        self._size = self._trim(folder)
        except OSError:
            self.writable = False

    def _trim(self, folder: int) -> int:
        """Remove the least recently used entries until the rest fit; their total size."""
        entries: list[tuple[float, int, str]] = []
        now = time.time()
        with os.scandir(folder) as found:
            for item in found:
                with contextlib.suppress(OSError):
                    info = item.stat(follow_symlinks=False)
                    if _ENTRY.match(item.name) and stat.S_ISREG(info.st_mode):
                        entries.append((info.st_mtime, info.st_size, item.name))
                    elif item.name.startswith(".tmp-") and now - info.st_mtime > \
                            _STALE_TEMP_SECONDS:
                        os.unlink(item.name, dir_fd=folder)  # left by a killed build
        total = sum(size for _, size, _ in entries)
        for _, size, name in sorted(entries):
            if total <= self.max_bytes:
                break
            with contextlib.suppress(FileNotFoundError):
                os.unlink(name, dir_fd=folder)
            total -= size
        return total


def _write_new(folder: int, name: str, *chunks: bytes) -> str:
    """Write a new file in the folder (never through a link); its name. Not synced to disk:
    an entry carries the sha256 of its data, so one that a crash left torn or empty is found
    out when read and removed (_read_entry), and a disk flush per entry would cost an edit's
    rebuild more than its bookkeeping otherwise does."""
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _FLAGS, 0o644, dir_fd=folder)
    try:
        for chunk in chunks:
            view = memoryview(chunk)
            while view:
                view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name, dir_fd=folder)
        raise
    os.close(fd)
    return name


def _read_entry(fd: int, info: os.stat_result, max_bytes: int) -> bytes | None:
    """An entry's data when its header, length and sha256 all agree, else None."""
    if info.st_size < _HEADER or info.st_size > max_bytes:
        return None
    raw = b""
    while len(raw) < info.st_size:
        chunk = os.read(fd, info.st_size - len(raw))
        if not chunk:
            return None
        raw += chunk
    header, data = raw[:_HEADER], raw[_HEADER:]
    if not header.startswith(MAGIC) or int.from_bytes(header[-8:], "big") != len(data):
        return None
    return data if hashlib.sha256(data).digest() == header[len(MAGIC):-8] else None


def _remove(folder: int, key: str, seen: os.stat_result) -> None:
    """Remove a bad entry, unless a good one has just replaced it."""
    with contextlib.suppress(OSError):
        now = os.stat(key, dir_fd=folder, follow_symlinks=False)
        if (now.st_ino, now.st_dev) == (seen.st_ino, seen.st_dev):
            os.unlink(key, dir_fd=folder)


Cache = RenderCache | NoCache
