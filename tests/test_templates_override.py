"""Overrides that compose: a project template extends the default, and `csp-report templates`
copies a default into the project to start editing."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from csp_report.api import open_project
from csp_report.build import build
from csp_report.cli import main
from csp_report.templating import PACKAGE_TEMPLATES
from tests.projects import make_project

REPORT = """\
packs:
  p:
    title: Test pack
    layout: table
    status: none
    columns: [title]
    sections:
      s: {title: Crime}
"""
MEASURE = "section: s\ntitle: Burglary\nunit: text\nquarters:\n  2022-23-Q1: {commentary: Fine}\n"


def test_project_template_extends_the_default(tmp_path: Path) -> None:
    root = make_project(tmp_path, REPORT, {"p/a.yaml": MEASURE})
    (root / "templates").mkdir()
    (root / "templates/pack.html").write_text(
        '{% extends "default:pack.html" %}\n'
        '{% block extra_head %}<meta name="publisher" content="Testshire Council">'
        '{% endblock %}\n', encoding="utf-8")
    [html] = build(open_project(root), formats=("html",), out=tmp_path / "out")
    text = html.read_text(encoding="utf-8")
    assert '<meta name="publisher" content="Testshire Council">' in text
    assert "<p class=\"title\">Burglary</p>" in text  # the default body is still drawn


def test_templates_command_lists_and_copies_without_overwriting(tmp_path: Path) -> None:
    root = make_project(tmp_path, REPORT, {"p/a.yaml": MEASURE})
    runner = CliRunner()
    listed = runner.invoke(main, ["templates"])
    assert listed.exit_code == 0
    assert "sentences/section-heading.txt" in listed.output.splitlines()
    assert not any(line.startswith("fonts/") for line in listed.output.splitlines())
    copied = runner.invoke(main, ["templates", "sentences/section-heading.txt",
                                  "--project", str(root)])
    target = root / "templates/sentences/section-heading.txt"
    assert (copied.exit_code, copied.output) == (0, f"wrote {target}\n")
    assert target.read_bytes() == (PACKAGE_TEMPLATES / "sentences/section-heading.txt"
                                   ).read_bytes()
    again = runner.invoke(main, ["templates", "sentences/section-heading.txt",
                                 "--project", str(root)])
    assert again.exit_code == 2
    assert f"Error: {target} already exists: edit it, or remove it to start again" in (
        again.output)
    unknown = runner.invoke(main, ["templates", "nope.html", "--project", str(root)])
    assert unknown.exit_code == 2 and "no default template 'nope.html'" in unknown.output


def test_copied_sentence_template_changes_the_headings(tmp_path: Path) -> None:
    from tests.projects import document

    root = make_project(tmp_path, REPORT, {"p/a.yaml": MEASURE})
    CliRunner().invoke(main, ["templates", "sentences/section-heading.txt",
                              "--project", str(root)])
    path = root / "templates/sentences/section-heading.txt"
    path.write_text("Area: {{ title }}\n", encoding="utf-8")
    doc = document(root, "p", "2022-23-Q1")
    headings = [b.text for page in doc.pages for b in page.blocks if hasattr(b, "level")]
    assert "Area: Crime" in headings


def test_a_template_is_compiled_once_yet_edits_and_new_overrides_are_seen(
        tmp_path: Path) -> None:
    from tests.projects import document

    root = make_project(tmp_path, REPORT, {"p/a.yaml": MEASURE})

    def headings() -> list[str]:
        doc = document(root, "p", "2022-23-Q1")
        return [b.text for page in doc.pages for b in page.blocks if hasattr(b, "level")]

    from csp_report.templating import text_environment

    env = text_environment(root)
    default = env.get_template("sentences/section-heading.txt")
    assert env.get_template("sentences/section-heading.txt") is default  # not compiled again
    assert "Area: Crime" not in headings()
    path = root / "templates/sentences/section-heading.txt"
    path.parent.mkdir(parents=True)
    path.write_text("Area: {{ title }}\n", encoding="utf-8")  # a new override
    assert "Area: Crime" in headings()
    path.write_text("Zone: {{ title }}\n", encoding="utf-8")  # edited (size differs too)
    assert "Zone: Crime" in headings()
    path.unlink()
    assert "Area: Crime" not in headings() and "Zone: Crime" not in headings()
