"""Write stage: every file of a build lands together, or none does."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import BuildError


def _remove_stale(target: Path) -> None:
    """Remove temporary files a killed build left beside `target` (hidden, never a pack)."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        stale.unlink(missing_ok=True)


def write_all(outputs: dict[Path, bytes]) -> list[Path]:
    """Write each file to a hidden temporary file beside it, then rename all into place.

    Nothing visible changes until every format of the pack has been produced and written; a
    failure removes the temporary files and leaves the previous outputs as they were.
    """
    staged: list[tuple[Path, Path]] = []
    try:
        for target, data in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            _remove_stale(target)
            handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                            dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            os.chmod(name, 0o644)
    except OSError as err:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise BuildError(f"cannot write to {err.filename or 'the output folder'}: "
                         f"{err.strerror}") from None
    for temporary, target in staged:
        os.replace(temporary, target)
    return [target for _, target in staged]
