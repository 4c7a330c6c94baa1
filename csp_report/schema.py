"""JSON Schemas of the data files, for editors (VS Code YAML) to check and complete them."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from .errors import BuildError
from .model.measure import Measure
from .model.report import Report
from .write import check_targets, write_all

SCHEMAS: dict[str, type[BaseModel]] = {"measure.schema.json": Measure,
                                       "report.schema.json": Report}


def schema_texts() -> dict[str, str]:
    """Each schema file's name and its exact text (stable key order, trailing newline)."""
    texts = {}
    for name, model in SCHEMAS.items():
        schema = model.model_json_schema(mode="validation")
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        texts[name] = json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    return texts


def write_schemas(folder: Path) -> list[Path]:
    """Write the schemas into `folder` and return their paths: both or neither, each through a
    temporary file renamed into place (a symlink in the way is refused, never written
    through; a full disk leaves the previous files whole)."""
    outputs = {folder / name: text.encode("utf-8") for name, text in schema_texts().items()}
    # Refused as `build --out` refuses it: a device or other file where the folder should be
    # ("it is a file, not a folder") rather than mkdir's bare "File exists".
    check_targets(outputs)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise BuildError(f"cannot write the schemas to {folder}: {err.strerror}") from None
    return write_all(outputs)
