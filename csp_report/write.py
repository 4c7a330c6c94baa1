"""Write stage: every file of a build lands together, or none does."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BuildError


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


def _check_targets(outputs: dict[Path, bytes]) -> None:
    """Refuse before anything is written when a target cannot be replaced by a file."""
    for target in outputs:
        if target.is_dir():
            raise BuildError(f"cannot write {target}: a folder of that name is in the way")
        if target.parent.exists() and not target.parent.is_dir():
            raise BuildError(f"cannot write to {target.parent}: it is a file, not a folder")


def write_all(outputs: dict[Path, bytes]) -> list[Path]:
    """Write each file to a hidden temporary file beside it, then rename all into place.

    Nothing visible changes until every format of the pack has been produced and written; a
    failure removes the temporary files and leaves the previous outputs as they were.
    """
    _check_targets(outputs)
    staged: list[tuple[Path, Path]] = []
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
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as err:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise BuildError(f"cannot write to {err.filename or 'the output folder'}: "
                         f"{err.strerror}") from None
    return [target for _, target in staged]
