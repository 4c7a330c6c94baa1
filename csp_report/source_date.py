"""SOURCE_DATE_EPOCH, the reproducible-builds date: checked, or None when it is not set."""

from __future__ import annotations

import datetime as dt
import os
import re

from .errors import UsageError

# The last second of the year 9999: the latest date a PDF, a DOCX or Python can hold.
LATEST = 253_402_300_799


def source_date() -> dt.datetime | None:
    """SOURCE_DATE_EPOCH as a UTC time, or None when it is unset or empty; any other value
    that is not a whole number of seconds from 1970 to the end of 9999 is a UsageError (a
    build must never take a date it was not given, nor a traceback for one it cannot use)."""
    raw = os.environ.get("SOURCE_DATE_EPOCH")
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    # ASCII digits only: str.isdigit() takes "²", which int() refuses.
    if re.fullmatch(r"[0-9]{1,12}", text) is None or int(text) > LATEST:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UsageError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                         f"1 January 1970, at most {LATEST} (the end of 9999); it is "
                         f"{shown!r}")
    return dt.datetime.fromtimestamp(int(text), dt.UTC)
