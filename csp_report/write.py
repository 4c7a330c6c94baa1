"""Write stage: every file of a build lands together, or none does."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import interrupts
from .errors import BuildError, UsageError


def is_inside(path: Path, folder: Path) -> bool:
    """Whether a resolved path is `folder` or below it."""
    return path == folder or folder in path.parents


def leads_inside(path: Path, folder: Path) -> bool:
    """Whether `path`, its links followed, is `folder` or below it (a link loop, or one that
    cannot be followed, is not)."""
    try:
        return is_inside(path.resolve(), folder.resolve())
    except (OSError, RuntimeError):
        return False


# The project's own folders of input: a build writing its packs there would spoil them (a
# file in data/measures/PACK is read as a measure file).
INPUT_FOLDERS = ("data", "templates")


def output_folder(root: Path, out: Path | None) -> Path:
    """Where a build of the project at `root` writes: `out` if given, else root/output.

    Refused: root/output when it is a link leading out of the project or to nothing (a link
    committed or planted in its place would have the build write elsewhere, unasked), and an
    `out` inside the project's data/ or templates/."""
    if out is not None:
        refuse_input_folders(root, out, "the packs")
        return out
    folder = root / "output"
    if not leads_inside(folder, root):
        raise BuildError(f"refused to write to {folder}: it is a link leading out of the "
                         "project; remove it, or give --out to write elsewhere")
    for name in INPUT_FOLDERS:
        if leads_inside(folder, root / name):
            raise BuildError(f"refused to write to {folder}: it is a link into the project's "
                             f"{name}/, where the packs would be read as its files; remove it")
    if folder.is_symlink() and not folder.exists():
        raise BuildError(f"cannot write to {folder}: it is a link to a folder that does not "
                         "exist; make that folder, or remove the link")
    return folder


def refuse_input_folders(root: Path, out: Path, what: str) -> None:
    """A usage error when the folder given with --out is inside the project's data/ or
    templates/: `what` would be written among the files the project is read from."""
    for name in INPUT_FOLDERS:
        if leads_inside(out, root / name):
            raise UsageError(f"--out {out} is inside the project's {name}/: {what} would be "
                             "written among its files; choose another folder")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Remove temporary files that a killed build left beside `target`.

    They are hidden, never taken for a pack; a build still running (its process id is in the
    name) keeps its own.
    """
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        pid = stale.name[len(target.name) + 2:].split(".", 1)[0]
        if not pid.isdigit() or not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def check_targets(targets: Iterable[Path]) -> None:
    """Refuse, before anything is rendered or written, a target that cannot be replaced by a
    file: a folder or a symlink in its place, or an output folder that is a file."""
    for target in targets:
        if target.is_symlink() or (target.exists() and not target.is_file()):
            what = "a folder" if target.is_dir() and not target.is_symlink() else \
                "something that is not a regular file"
            raise BuildError(f"cannot write {target}: {what} of that name is in the way")
        if target.parent.exists() and not target.parent.is_dir():
            raise BuildError(f"cannot write to {target.parent}: it is a file, not a folder")


def _hidden_name(target: Path, kind: str) -> Path:
    """A hidden name beside `target` that names this process, so a later build can tidy it."""
    return target.parent / f".{target.name}.{os.getpid()}.{kind}{secrets.token_hex(4)}.tmp"


def _keep_copy(target: Path) -> Path | None:
    """A second name for the file `target` holds now (a hard link, or a copy where links are
    not possible), so that it can be put back; None when there is no file yet."""
    if not target.exists():
        return None
    backup = _hidden_name(target, "old")
    try:
        os.link(target, backup)
    except OSError:
        shutil.copy2(target, backup)
    return backup


class _Held:
    """Ctrl-C and termination held back while files are renamed into place: each arriving
    meanwhile is noted, and acted on at a moment when the old files can still be put back
    (act) or once the temporary files are gone (release).

    The handlers themselves are swapped: Python handles every signal in the main thread,
    whichever thread the system gave it to, so blocking signals in the main thread alone (as
    this once did) held nothing back once other threads existed (the render pool's), and a
    Ctrl-C landed between a rename and the note of what it replaced.
    """

    # Ctrl-C first when swapping and last when putting back: while its handler is the note,
    # no Ctrl-C can break off the swapping of the others.
    ORDER = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self) -> None:
        self.arrived: list[int] = []
        self.then: dict[int, Any] = {}   # what each swapped signal is handled by afterwards
        self.ending: list[int] = []      # arrived signals whose action is the system's: ending

    def note(self, number: int, _frame: object) -> None:
        self.arrived.append(number)

    def start(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signals are not this thread's to handle
        for number in self.ORDER:
            handler = signal.getsignal(number)
            if handler not in (signal.SIG_IGN, None):  # None: set outside Python, left alone
                self.then[number] = handler
                signal.signal(number, self.note)

    def act(self) -> None:
        """Act on what arrived so far, as its own handler would: a Ctrl-C (or a handler that
        raises) breaks off the write here, and so does a termination, which then ends the
        program once everything is tidied (release)."""
        if interrupts.heard() and signal.SIGINT in self.then:
            raise KeyboardInterrupt  # a Ctrl-C heard earlier, that a library swallowed
        arrived, self.arrived = list(dict.fromkeys(self.arrived)), []
        self.ending += [n for n in arrived if self.then.get(n) == signal.SIG_DFL]
        if self.ending:
            raise KeyboardInterrupt
        for number in arrived:
            self.then[number](number, None)

    def release(self) -> None:
        """Put each handler back, then act on what arrived since act(): the terminations
        first, so that a Ctrl-C's KeyboardInterrupt cannot leave one unheard."""
        for swapped in reversed(self.ORDER):
            if swapped in self.then:
                signal.signal(swapped, self.then[swapped])
        pending = self.ending + [n for n in dict.fromkeys(self.arrived) if n not in self.ending]
        for number in sorted(pending, key=lambda n: n == signal.SIGINT):
            signal.raise_signal(number)


def write_all(outputs: dict[Path, bytes]) -> list[Path]:
    """Write each file to a hidden temporary file beside it, then rename all into place.

    Nothing visible changes until every file of the build has been produced and written.
    What each rename replaces is kept until every rename has succeeded: a failure, or an
    interruption, at any point puts every previous output back and removes the temporary
    files, so the output folder holds either the whole new build or exactly what it held.
    (A library caller's Ctrl-C arriving after the last rename is acted on as write_all
    returns: its files are then all new, though it hears a KeyboardInterrupt.)
    """
    check_targets(outputs)
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path | None]] = []  # (target, what it held before) once replaced
    backups: list[Path] = []
    held = _Held()
    try:
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(target)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.",
                                            suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(name, 0o644)
        try:
            held.start()
            for temporary, target in staged:
                backup = _keep_copy(target)
                if backup is not None:
                    backups.append(backup)
                os.replace(temporary, target)
                done.append((target, backup))
            held.act()
            if interrupts.in_program() and signal.SIGINT in held.then:
                # The program's work is done: a Ctrl-C arriving from here on is dropped.
                held.then[signal.SIGINT] = signal.SIG_IGN
        except BaseException:
            _put_back(done)
            raise
    except OSError as err:
        raise BuildError(f"cannot write to {err.filename or 'the output folder'}: "
                         f"{err.strerror}") from None
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for backup in backups:
            backup.unlink(missing_ok=True)
        held.release()
    return [target for _, target in staged]


def _put_back(done: list[tuple[Path, Path | None]]) -> None:
    """Undo the renames already made, newest first: each target gets its old file back, or
    goes if it is new."""
    for target, backup in reversed(done):
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError:  # nothing better to do than to go on putting the others back
            continue
