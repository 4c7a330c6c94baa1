"""`csp-report preview`: the served pages, their reload on a change, the problem page, and
what the server refuses; and the compiled templates it keeps, redrawn when edited."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from csp_report.errors import TemplateProblem
from csp_report.templating import PACKAGE_TEMPLATES, html_environment

# -- templates compiled once, read again when they change --------------------------------------


def test_a_compiled_template_is_kept_while_unchanged() -> None:
    env = html_environment(Path("/nonexistent-project"))
    assert env.get_template("blocks/heading.html") is env.get_template("blocks/heading.html")


def test_an_edited_template_is_drawn_anew_even_at_the_same_size_and_instant(
        tmp_path: Path) -> None:
    env = html_environment(tmp_path)
    page = tmp_path / "templates/page.html"
    page.parent.mkdir()
    for text in ("first", "other", "third"):  # same size, written within a clock tick
        page.write_text(text, encoding="utf-8")
        assert env.get_template("page.html").render() == text


def test_an_override_added_later_replaces_the_default_it_shadows(tmp_path: Path) -> None:
    env = html_environment(tmp_path)
    default = str(PACKAGE_TEMPLATES / "blocks/heading.html")
    assert env.get_template("blocks/heading.html").filename == default
    override = tmp_path / "templates/blocks/heading.html"
    override.parent.mkdir(parents=True)
    override.write_text("mine", encoding="utf-8")
    assert env.get_template("blocks/heading.html").render() == "mine"
    override.unlink()
    assert env.get_template("blocks/heading.html").filename == default


def test_a_template_swapped_for_a_link_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "project"
    env = html_environment(root)
    page = root / "templates/page.html"
    page.parent.mkdir(parents=True)
    page.write_text("inside", encoding="utf-8")
    assert env.get_template("page.html").render() == "inside"
    outside = tmp_path / "secret.html"
    outside.write_text("SECRET", encoding="utf-8")
    page.unlink()
    os.symlink(outside, page)
    with pytest.raises(TemplateProblem, match="outside"):
        env.get_template("page.html")
