"""Cache keys of a pack's PDF and DOCX: everything that decides their bytes, and nothing else."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from .cache import Cache, read_bounded, tree_digest
from .layout.document import Document

MAX_REFERENCE_BYTES = 64 * 1024 * 1024


def templates_digest(project_root: Path) -> bytes | None:
    """The project's templates/ folder (every file WeasyPrint or python-docx could read from
    it; the package's own templates are in every key already); None: cannot be cached."""
    return tree_digest(project_root / "templates")


def canonical(value: Any) -> Any:
    """A value (dataclasses and all) as JSON naming every type, so no two documents agree."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__,
                [[f.name, canonical(getattr(value, f.name))] for f in dataclasses.fields(value)]]
    if isinstance(value, str | bool | None):
        return value
    if isinstance(value, int | float | Decimal):
        return [type(value).__name__, repr(value)]
    if isinstance(value, tuple | list):
        return [type(value).__name__, [canonical(item) for item in value]]
    if isinstance(value, Mapping):
        return ["mapping", [[canonical(k), canonical(v)] for k, v in value.items()]]
    raise TypeError(f"cannot serialise {type(value).__name__} for the render cache")


def serialise(document: Document) -> bytes:
    """A layout Document as canonical JSON: every field of every part, with its type."""
    return json.dumps(canonical(document), ensure_ascii=False, separators=(",", ":"),
                      allow_nan=True).encode("utf-8")


def pdf_key(cache: Cache, document: bytes, templates: bytes, epoch: int) -> str:
    """The PDF's key: the serialised Document (its HTML is drawn from it and the templates,
    so a pack drawn in parts needs no HTML of the whole pack), the templates and the date."""
    return cache.key("pdf", document, templates, str(epoch))


def docx_key(cache: Cache, document: bytes, project_root: Path, templates: bytes) -> str:
    """The DOCX's key: the serialised Document, the reference.docx it is drawn on and the
    templates."""
    from .templating import find_template_file

    reference = find_template_file(project_root, "reference.docx")
    raw = read_bounded(reference, MAX_REFERENCE_BYTES) if reference is not None else b"none"
    if raw is None:
        return ""  # unreadable: the render will say why; nothing is cached
    return cache.key("docx", document, raw, templates)
