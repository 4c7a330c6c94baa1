"""Shared fixtures: the example project, and throwaway copies of it to break."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

# In CI the property and fuzz tests run derandomized, so a run is repeatable; run locally (or
# with CSP_FUZZ_EXAMPLES) to explore new random cases.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def example() -> Path:
    """The repository itself is the example project (data/, templates/, output/)."""
    return REPO


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the example project's data in a temporary folder, safe to change."""
    root = tmp_path / "project"
    shutil.copytree(REPO / "data", root / "data")
    (root / "templates").mkdir()
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


MINIMAL_MEASURE = """\
ref: "9.1"
section: violence
title: A measure for tests
owner: cleveland-police
unit: count
noun: crimes
good: lower
quarters:
  2016-17-Q1:
    value: 10
    previous: 12
"""
