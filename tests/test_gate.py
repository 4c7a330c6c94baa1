"""`validate` is the gate: whatever build would refuse about the data is a problem (exit 1);
counts in messages are singular or plural as they should be."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import write
from tests.tiny import HEAD, REPORT, tiny


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "csp_report", *args], capture_output=True,
                          text=True, check=False)


def test_an_empty_project_fails_validate_with_exit_1(tmp_path: Path) -> None:
    tiny(tmp_path)
    done = run("validate", str(tmp_path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        "Error: 1 problem found:\n"
        "data/measures: no measure files: a pack's measures are data/measures/PACK/NAME.yaml, "
        "one file per measure\n")
    assert "Traceback" not in done.stderr


def test_a_pack_without_measures_beside_one_with_them_is_named(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: text\nquarters:\n  2016-17-Q1: {commentary: Done.}\n")
    report = tmp_path / "data/report.yaml"
    report.write_text(report.read_text() + "  empty:\n    title: Empty\n    layout: tracker\n"
                      "    sections:\n      s: {heading: S, title: S}\n", encoding="utf-8")
    done = run("validate", str(tmp_path))
    assert done.returncode == 1
    assert "packs.empty: pack 'empty' has no measures: add one YAML file per measure under " \
           "data/measures/empty/" in done.stderr


def test_a_pack_without_data_for_any_period_fails_validate(tmp_path: Path) -> None:
    text = HEAD + "unit: text\n"
    tiny(tmp_path, text)
    done = run("validate", str(tmp_path))
    assert done.returncode == 1
    assert done.stderr == (
        "Error: 1 problem found:\n"
        "data/report.yaml:8: packs.targets: pack 'targets' has no data for any period: its "
        "one measure has no quarter, so there is nothing to build\n")
    build = run("build", str(tmp_path))
    assert (build.returncode, build.stderr) == (1, done.stderr)


def test_every_pack_is_checked(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: text\nquarters:\n  2016-17-Q1: {commentary: Done.}\n")
    write(tmp_path / "data/report.yaml", REPORT + """\
  monitoring:
    title: Monitoring
    layout: activity
    sections:
      p1: {heading: Priority 1, title: One}
""")
    done = run("validate", str(tmp_path))
    assert done.stderr == (
        "Error: 1 problem found:\n"
        "data/report.yaml:13: packs.monitoring: pack 'monitoring' has no measures: add one "
        "YAML file per measure under data/measures/monitoring/\n")


def test_counts_are_singular_and_plural(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: text\nquarters:\n  2016-17-Q1: {commentary: Done.}\n")
    done = run("validate", str(tmp_path))
    assert (done.returncode, done.stdout) == (0, "OK: 1 measure across 1 pack, 1 period\n")


def test_several_measures_without_data_are_counted(tmp_path: Path) -> None:
    tiny(tmp_path, HEAD + "unit: text\n", HEAD.replace('"1.1"', '"1.2"') + "unit: text\n")
    done = run("validate", str(tmp_path))
    assert done.stderr == (
        "Error: 1 problem found:\n"
        "data/report.yaml:8: packs.targets: pack 'targets' has no data for any period: none "
        "of its 2 measures has a quarter, so there is nothing to build\n")
