"""Write stage: every file of a build lands together, or none does."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

from .errors import BuildError

# Signals held back while the finished files are renamed into place: one arriving then is
# acted on once the output folder is whole again (all old, as the build was interrupted).
_HELD = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}

class _Program:
    """What final_once_written tells write_all (in the main thread, where signals are handled):
    whether the program is running, and whether it has heard a Ctrl-C."""

    on = False
    heard = False


@contextlib.contextmanager
def final_once_written() -> Iterator[None]:
    """Within it, a Ctrl-C heard at any time before write_all puts its files in place stops
    that write, and once they are in place, Ctrl-C is ignored from then on.

    For the program, not the library. A Ctrl-C is remembered as well as raised, because a
    library may swallow the KeyboardInterrupt: lxml's module set-up does, when it comes while
    python-docx is first imported, and the build then went on to write every pack. And once
    the files are in place a command's work is done, and what is left (ending the render
    workers, listing what was written, Python's own exit) is tidying: a Ctrl-C heard then
    would have the command say that nothing was written, or end it mid-exit with no word at
    all, when in fact its files had all been written.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)

    def remembered(number: int, frame: FrameType | None) -> Any:
        _Program.heard = True
        if callable(previous):
            return previous(number, frame)
        return None

    was = _Program.on, _Program.heard
    _Program.on, _Program.heard = True, False
    if callable(previous):
        signal.signal(signal.SIGINT, remembered)
    try:
        yield
    finally:
        _Program.on, _Program.heard = was
        if signal.getsignal(signal.SIGINT) is remembered:  # not ignored since: put it back
            signal.signal(signal.SIGINT, previous)


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
    """The signals that arrived while held, and what each is to be handled by afterwards."""

    def __init__(self) -> None:
        self.arrived: list[int] = []
        self.then: dict[int, Any] = {}

    def note(self, number: int, _frame: object) -> None:
        self.arrived.append(number)


@contextlib.contextmanager
def _signals_held() -> Iterator[_Held]:
    """Hold back Ctrl-C and termination while files are renamed: one arriving meanwhile is
    noted, and acted on as it would have been once the block is left.

    Python handles every signal in the main thread, whichever thread the system gave it to,
    so blocking signals in the main thread alone (as this did) holds nothing back once other
    threads exist (the render pool's), and a Ctrl-C then landed between a rename and the note
    of what it replaced. The handlers themselves are swapped instead.
    """
    held = _Held()
    if threading.current_thread() is not threading.main_thread():
        yield held
        return
    for number in _HELD:
        handler = signal.getsignal(number)
        if handler not in (signal.SIG_IGN, None):  # None: set outside Python, left alone
            held.then[number] = handler
            signal.signal(number, held.note)
    try:
        yield held
    finally:
        for held_back, handler in held.then.items():
            signal.signal(held_back, handler)
        for arrived in dict.fromkeys(held.arrived):  # each as its own handler would have
            signal.raise_signal(arrived)


def write_all(outputs: dict[Path, bytes]) -> list[Path]:
    """Write each file to a hidden temporary file beside it, then rename all into place.

    Nothing visible changes until every file of the build has been produced and written.
    What each rename replaces is kept until every rename has succeeded: a failure, or an
    interruption, at any point puts every previous output back and removes the temporary
    files, so the output folder holds either the whole new build or exactly what it held.
    """
    check_targets(outputs)
    staged: list[tuple[Path, Path]] = []
    done: list[tuple[Path, Path | None]] = []  # (target, what it held before) once replaced
    backups: list[Path] = []
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
        with _signals_held() as held:
            try:
                for temporary, target in staged:
                    backup = _keep_copy(target)
                    if backup is not None:
                        backups.append(backup)
                    os.replace(temporary, target)
                    done.append((target, backup))
                if held.arrived or (_Program.heard and signal.SIGINT in held.then):
                    raise KeyboardInterrupt
                if _Program.on and signal.SIGINT in held.then:
                    # Still held: a Ctrl-C arriving from here on is dropped, never acted on.
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
