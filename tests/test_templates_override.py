"""Overrides that compose: a project template extends the default, and `csp-report templates`
copies a default into the project to start editing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
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
    assert again.exit_code == 1  # a file in the way, not a usage error
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


def test_each_template_is_compiled_once_and_an_edit_is_seen(tmp_path: Path,
                                                            monkeypatch: Any) -> None:
    """Compiled templates are reused until their file changes: a build compiles each sentence
    template once (not once per measure, which made a 1,000-measure HTML build 20x slower),
    and a long-lived process (the preview) still sees an edited template."""
    import jinja2

    from csp_report.sentences import Sentences

    root = make_project(tmp_path, REPORT, {"p/a.yaml": MEASURE})
    (root / "templates/sentences").mkdir(parents=True)
    mine = root / "templates/sentences/bare.txt"
    mine.write_text("first {{ value }}", encoding="utf-8")
    compiled: list[str | None] = []
    original = jinja2.Environment.compile

    def counting(self: jinja2.Environment, source: Any, name: str | None = None,
                 *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return original(self, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    sentences = Sentences(root)
    assert [sentences.wording("bare", value=n) for n in (1, 2, 3)] == \
        ["first 1", "first 2", "first 3"]
    assert compiled == ["sentences/bare.txt"]
    mine.write_text("second edition {{ value }}", encoding="utf-8")
    assert sentences.wording("bare", value=4) == "second edition 4"
    assert compiled == ["sentences/bare.txt", "sentences/bare.txt"]
    # An override added after the default was compiled replaces it from then on.
    copied = root / "templates/sentences/summary.txt"
    sentences.wording("bare", value=5)
    default_text = (PACKAGE_TEMPLATES / "sentences/summary.txt").read_text(encoding="utf-8")
    assert "{{" in default_text
    copied.write_text("Our own summary.", encoding="utf-8")
    assert sentences.env.get_template("sentences/summary.txt").render() == "Our own summary."


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


@pytest.mark.parametrize("example", ["benchmarking", "callover-index", "year-end", "trends"])
def test_the_packages_own_templates_draw_html_that_passes_the_resource_check(
        example: str) -> None:
    """A pack drawn by the package's templates alone is not parsed again for references to
    elsewhere (build.prepare); this is why: their HTML always passes that check."""
    from csp_report.build import choose_targets, prepare
    from csp_report.render.resources import check_html
    from csp_report.templating import has_own_html_templates

    root = Path(__file__).resolve().parent.parent / "examples" / example
    project = open_project(root)
    assert not has_own_html_templates(root)
    for target in choose_targets(project, None, None):
        check_html(prepare(project, target).html, root)


def test_a_project_html_template_is_what_turns_the_check_on(tmp_path: Path) -> None:
    from csp_report.templating import has_own_html_templates

    root = make_project(tmp_path, REPORT, {"p/a.yaml": MEASURE})
    assert not has_own_html_templates(root)
    (root / "templates/sentences").mkdir(parents=True)
    (root / "templates/custom.css").write_text("h2 { color: navy; }", encoding="utf-8")
    (root / "templates/sentences/bare.txt").write_text("{{ value }}", encoding="utf-8")
    assert not has_own_html_templates(root)
    (root / "templates/blocks").mkdir()
    (root / "templates/blocks/table.html").write_text("<table></table>", encoding="utf-8")
    assert has_own_html_templates(root)
