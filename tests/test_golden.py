"""The seed packs keep their structure: the layout document of each example pack equals the
golden snapshot taken before the layout became configurable (regenerated only on purpose)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from csp_report.api import open_project
from csp_report.compute.measures import compute
from csp_report.layout import layout
from csp_report.model.periods import Period
from tests.golden.snapshot import snapshot

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests/golden"
PACKS = [("monitoring", "2017-18-Q1"), ("targets", "2016-17-Q4"), ("targets", "2016-17-Q2")]


@pytest.mark.parametrize(("pack", "period"), PACKS)
def test_seed_pack_layout_matches_golden(pack: str, period: str) -> None:
    doc = layout(compute(open_project(REPO), pack, Period.parse(period)))
    got = json.dumps(snapshot(doc), indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / f"{pack}-{period}.json"
    if os.environ.get("CSP_REGEN_GOLDEN") == "1":
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8")
