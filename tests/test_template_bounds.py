"""The templates' sandbox bounds everything that can make a long text or list (filters, the
texts' own methods, str.format, %, + and ~), the templates folder is walked without
recursion, `templates NAME` never writes through a link, and a PDF error without text still
says something."""

from __future__ import annotations

import os
from pathlib import Path

import jinja2
import pytest
from jinja2.exceptions import SecurityError

from csp_report.errors import BuildError, TemplateProblem
from csp_report.templating import (
    MAX_TEMPLATE_DEPTH,
    _environment,
    copy_default_template,
    has_own_html_templates,
    template_problem,
)

NOWHERE = (Path("/nonexistent-csp-templates"),)
BIG = "x" * 60_000

HUGE = [
    "{{ 'x'|center(300000000) }}",
    "{{ ('x'*99999).replace('x','y'*99999) }}",
    "{{ '%10000000s'|format('x') }}",
    "{{ '%10000000s' % 'x' }}",
    "{{ '%*s' % (100000000, 'x') }}",
    "{{ '%.100000000f' % 1.5 }}",
    "{{ '%(a)s%(a)s%(a)s' % {'a': big} }}",
    "{{ 'x'.ljust(100000000) }}",
    "{{ 'x'.rjust(100000000) }}",
    "{{ 'x'.center(100000000) }}",
    "{{ 'x'.zfill(100000000) }}",
    "{{ ('\t' * 1000).expandtabs(100000) }}",
    "{{ ('x' * 99999).translate({120: 'yy'}) }}",
    "{{ '{:>100000000}'.format('x') }}",
    "{{ '{:.100000000f}'.format(1.5) }}",
    "{{ '{0}{0}{0}'.format(big) }}",
    "{{ '{a}{a}'.format_map({'a': big}) }}",
    "{{ ('a\n' * 50000)|indent(100) }}",
    "{{ 'a b c d e f g'|wordwrap(1, wrapstring='y' * 99999) }}",
    "{{ big|replace('x', 'yy') }}",
    "{{ [big, big]|join }}",
    "{{ ''.join([big, big]) }}",
    "{{ 'x'|truncate(0, end=big + 'y' * 50000) }}",
    "{{ ([big] * 3)|string }}",
    "{{ ([big] * 3)|e }}",
    "{{ (['x' * 99999] * 100000)|tojson|length }}",
    "{{ 'x'|tojson(indent=100000000) }}",
    "{{ (['x' * 99999] * 100000)|pprint|length }}",
    "{{ namespace(a=['x' * 99999] * 100000)|string }}",
    "{{ [1]|batch(100000000, 0)|list|length }}",
    "{{ [1]|slice(100000000)|list|length }}",
    "{{ (['x' * 99999] * 100000)|sum(start=[])|length }}",
    "{{ [big, big]|map('upper')|join }}",
    "{{ big ~ big }}",
    "{{ big + big }}",
    "{{ lipsum(1000000) }}",
    "{{ (1).to_bytes(2000000000, 'big')|length }}",
    "{{ (1).to_bytes(length=2000000000, byteorder='big')|length }}",
    "{% set ns = namespace(s='x') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}"
    "{% endfor %}{{ ns.s|length }}",
    "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}{% endif %}"
    "{% endmacro %}{{ d('x', 40) }}",
]


@pytest.mark.parametrize("html", [True, False])
@pytest.mark.parametrize("source", HUGE)
def test_nothing_a_template_calls_makes_a_huge_text_or_list(source: str, html: bool) -> None:
    env = _environment(NOWHERE, html)
    with pytest.raises(SecurityError, match="may not make a text or list longer than 100,000"):
        env.from_string(source).render(big=BIG)


@pytest.mark.parametrize("html", [True, False])
def test_ordinary_uses_of_the_bounded_operations_still_work(html: bool) -> None:
    env = _environment(NOWHERE, html)
    source = ("{{ 'a'|center(5) }}|{{ '%5.1f'|format(3.14159) }}|{{ '{:>4}'.format('ab') }}|"
              "{{ ['a', 'b']|join(', ') }}|{{ 'hello world'|wordwrap(5) }}|"
              "{{ 'a\nb'|indent(2) }}|{{ 'abc'|replace('b', 'x') }}|{{ range(5)|sum }}|"
              "{{ range(5)|slice(2)|list }}|{{ 'a' ~ 1 ~ 'b' }}|{{ 'x %s y' % 3 }}|"
              "{{ 'long text here'|truncate(9, leeway=0) }}|{{ [1, 2] + [3] }}|{{ 2 * 3 }}|"
              "{{ [{'n': 'a'}, {'n': 'b'}]|join(',', attribute='n') }}|{{ 'ab'.upper() }}|"
              "{{ 'a,b'.split(',')|join('+') }}|{{ [1]|batch(2, 0)|list }}")
    assert env.from_string(source).render() == (
        "  a  |  3.1|  ab|a, b|hello\nworld|a\n  b|axc|10|[[0, 1, 2], [3, 4]]|a1b|x 3 y|"
        "long...|[1, 2, 3]|6|a,b|AB|a+b|[[1, 0]]")


def test_long_texts_of_the_data_may_still_be_copied_and_cut() -> None:
    """Only making something longer is refused: the data's own long texts pass through."""
    env = _environment(NOWHERE, True)
    source = ("{{ data|truncate(255)|length }} {{ data|string|length }} {{ data|e|length }} "
              "{{ data.strip()|length }} {{ (data ~ '')|length }}")
    assert env.from_string(source).render(data="y" * 200_000) == \
        "255 200000 200000 200000 200000"


def test_the_problem_names_the_template_and_its_line(tmp_path: Path) -> None:
    (tmp_path / "templates/blocks").mkdir(parents=True)
    (tmp_path / "templates/blocks/heading.html").write_text(
        "<h2>\n{{ 'x'|center(300000000) }}</h2>\n", encoding="utf-8")
    env = _environment((tmp_path / "templates",), True)
    with pytest.raises(SecurityError) as caught:
        env.get_template("blocks/heading.html").render()
    problem = template_problem(caught.value)
    assert isinstance(problem, TemplateProblem)
    assert str(problem).startswith("templates/blocks/heading.html:2: template error: a "
                                   "template may not make a text or list longer than 100,000")


def test_the_template_is_named_when_the_project_is_given_by_a_relative_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`csp-report build p` names its templates p/templates/...: relative, and still named
    (the package's template that included it was named instead)."""
    (tmp_path / "p/templates/blocks").mkdir(parents=True)
    (tmp_path / "p/templates/blocks/heading.html").write_text(
        "<h2>\n{{ 'x'|center(300000000) }}</h2>\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    env = _environment((Path("p/templates"),), True)
    with pytest.raises(SecurityError) as caught:
        env.from_string('{% include "blocks/heading.html" %}').render()
    assert str(template_problem(caught.value)).startswith(
        "templates/blocks/heading.html:2: template error: a template may not make a text")


def _nest(folder: Path, depth: int) -> Path:
    """`depth` folders one in another under `folder` (made by chdir: the path gets long)."""
    here = os.getcwd()
    folder.mkdir(parents=True, exist_ok=True)
    os.chdir(folder)
    try:
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        return Path(os.getcwd())
    finally:
        os.chdir(here)


def _unnest(deepest: Path, depth: int) -> None:
    """Remove what _nest made, from the deepest folder up (shutil.rmtree would recurse)."""
    here = os.getcwd()
    os.chdir(deepest)
    try:
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(here)


def test_a_deep_templates_folder_is_walked_without_recursion(tmp_path: Path) -> None:
    deepest = _nest(tmp_path / "templates", 1500)
    try:
        assert has_own_html_templates(tmp_path)  # too deep to search: counts as holding some
    finally:
        _unnest(deepest, 1500)


def test_the_walk_still_tells_html_templates_from_others(tmp_path: Path) -> None:
    deepest = _nest(tmp_path / "templates", MAX_TEMPLATE_DEPTH)
    (deepest / "notes.css").write_text("p {}", encoding="utf-8")
    assert not has_own_html_templates(tmp_path)
    (deepest / "table.html").write_text("<table></table>", encoding="utf-8")
    assert has_own_html_templates(tmp_path)


def test_a_link_to_a_folder_in_templates_counts_as_holding_some(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "templates/blocks").symlink_to(tmp_path / "elsewhere")
    assert has_own_html_templates(tmp_path)


@pytest.mark.parametrize("link", ["templates", "templates/sentences"])
def test_templates_never_writes_through_a_link(tmp_path: Path, link: str) -> None:
    project, outside = tmp_path / "project", tmp_path / "outside"
    project.mkdir()
    outside.mkdir()
    (project / link).parent.mkdir(parents=True, exist_ok=True)
    (project / link).symlink_to(outside)
    with pytest.raises(BuildError, match=f"refused to write into .*{link}: it is a link"):
        copy_default_template(project, "sentences/bare.txt")
    assert list(outside.iterdir()) == []


def test_templates_still_copies_into_real_folders(tmp_path: Path) -> None:
    written = copy_default_template(tmp_path, "sentences/bare.txt")
    assert written == tmp_path / "templates/sentences/bare.txt" and written.is_file()


def test_a_pdf_error_without_text_says_what_it_was() -> None:
    from csp_report.render import pdf

    def explode() -> None:
        raise AssertionError

    try:
        explode()
    except AssertionError as err:
        described = pdf._describe(err)
    assert "AssertionError" in described and "stylesheet" in described
    assert pdf._describe(ValueError("a real problem")) == "a real problem"


def test_a_template_writing_without_end_is_stopped_as_it_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Each piece is counted as it is written: a loop of single characters is stopped at the
    limit, not after filling the memory with them."""
    from csp_report import templating

    monkeypatch.setattr(templating, "MAX_OUTPUT_CHARS", 1_000)
    env = _environment(NOWHERE, True)
    loop = env.from_string("{% for i in range(100000) %}{% for j in range(100000) %}x"
                           "{% endfor %}{% endfor %}")
    pieces = 0
    generate = jinja2.Template.generate

    def counted(self: jinja2.Template, *args: object, **kwargs: object) -> object:
        nonlocal pieces
        for piece in generate(self, *args, **kwargs):
            pieces += 1
            yield piece

    monkeypatch.setattr(jinja2.Template, "generate", counted)
    with pytest.raises(SecurityError, match="a template may not write more than 1,000 "
                                            "characters"):
        templating.render_bounded(loop)
    assert pieces == 1_001
    fine = env.from_string("{% for i in range(3) %}<b>{{ i }}</b>{% endfor %}{{ text }}")
    assert templating.render_bounded(fine, text="<i>") == fine.render(text="<i>") == \
        "<b>0</b><b>1</b><b>2</b>&lt;i&gt;"


@pytest.mark.parametrize(("expression", "error"), [
    ("{{ 1/0 }}", "ZeroDivisionError: division by zero"),
    ('{{ "%s"|format }}', "TypeError: not enough arguments for format string"),
    ("{{ range(10**20)|length }}", "OverflowError: Python int too large to convert to C "
                                   "ssize_t"),
    ('{{ "x".split("") }}', "ValueError: empty separator"),
    ('{{ "\\xff".encode("latin-1").decode("utf-8") }}', "UnicodeDecodeError: 'utf-8' codec "
                                                    "can't decode byte 0xff in position 0: "
                                                    "invalid start byte"),
])
@pytest.mark.parametrize("template", ["blocks/heading.html", "sentences/pack-words.txt"])
def test_a_python_error_in_a_template_is_a_problem_naming_its_line(
        tmp_path: Path, expression: str, error: str, template: str) -> None:
    """Not only Jinja's own errors: whatever a template's expression raises is reported as
    the template's problem, with its file and line, never a traceback."""
    import shutil

    from csp_report.api import open_project
    from csp_report.build import build
    from tests.conftest import REPO

    root = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/small/data", root / "data")
    (root / "templates" / template).parent.mkdir(parents=True)
    (root / "templates" / template).write_text(f"first line\n{expression}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        build(open_project(root), formats=("html",))
    assert str(caught.value) == f"templates/{template}:2: template error: {error}"


def test_a_template_making_many_texts_each_under_the_bound_is_stopped_by_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hundred thousand texts of 99,999 characters, each allowed: the pack's drawing may
    take TEMPLATE_MEMORY more (here 300 MB), then a MemoryError is the template's problem."""
    import resource
    import shutil

    from csp_report import build as building
    from csp_report.api import open_project
    from tests.conftest import REPO

    monkeypatch.setattr(building, "TEMPLATE_MEMORY", 300 * 1024**2)
    root = tmp_path / "project"
    shutil.copytree(REPO / "tests/fixtures/small/data", root / "data")
    (root / "templates/blocks").mkdir(parents=True)
    (root / "templates/blocks/heading.html").write_text(
        '<h2>\n{{ range(100000)|map("string")|map("center", 99999)|list|length }}</h2>\n',
        encoding="utf-8")
    before = resource.getrlimit(resource.RLIMIT_AS)
    with pytest.raises(TemplateProblem) as caught:
        building.build(open_project(root), formats=("html",))
    assert str(caught.value) == "templates/blocks/heading.html:2: template error: out of memory"
    assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert not (root / "output").exists()


def test_chart_data_as_json_is_not_refused() -> None:
    """A web edition's template may hand a chart its figures as JSON: 3,000 figures, or
    1,500 labelled points (57,000 characters), are real data, not growth."""
    env = _environment(NOWHERE, True)
    points = [{"label": "Q1 22/23", "value": 12.5}] * 1_500
    assert len(env.from_string("{{ data|tojson }}").render(data=list(range(3_000)))) == 16_890
    assert len(env.from_string("{{ data|tojson }}").render(data=points)) == 57_000


DOUBLING = [
    # A macro whose text doubles at each level: 2**40 characters from 40 calls.
    "{% macro d(n) %}{% if n %}{% set h = d(n - 1) %}{{ h }}{{ h }}{% else %}x{% endif %}"
    "{% endmacro %}{{ d(40) }}",
    # The same through a {% set %} block, and a {% filter %} block.
    "{% macro d(n) %}{% if n %}{% set h %}{{ d(n - 1) }}{% endset %}{{ h }}{{ h }}"
    "{% else %}x{% endif %}{% endmacro %}{{ d(40) }}",
    "{% macro d(n) %}{% if n %}{% set h = d(n - 1) %}{% filter lower %}{{ h }}{{ h }}"
    "{% endfilter %}{% else %}x{% endif %}{% endmacro %}{{ d(40) }}",
]


@pytest.mark.parametrize("source", DOUBLING)
def test_what_a_block_or_macro_collects_is_bounded_too(
        source: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """They collect their text apart from what the template writes, so the count as it writes
    never saw them: only the memory limit stopped them, as 'out of memory'."""
    from csp_report import templating

    monkeypatch.setattr(templating, "MAX_OUTPUT_CHARS", 1_000)
    template = _environment(NOWHERE, True).from_string(source)
    with pytest.raises(SecurityError, match="^a template block may not collect more than "
                                            "1,000 characters \\(does it loop too long\\?\\)$"):
        templating.render_bounded(template)


def test_blocks_and_macros_under_the_bound_collect_as_before() -> None:
    env = _environment(NOWHERE, True)
    source = ("{% macro cell(v) %}<td>{{ v }}</td>{% endmacro %}"
              "{% set row %}{% for v in values %}{{ cell(v) }}{% endfor %}{% endset %}"
              "{% filter upper %}<tr>{{ row }}</tr>{% endfilter %}")
    from csp_report.templating import render_bounded

    assert render_bounded(env.from_string(source), values=["a<", "b"]) == \
        "<TR><TD>A&LT;</TD><TD>B</TD></TR>"


def test_the_body_of_an_imported_template_is_counted_as_it_writes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Jinja runs an imported template's body and keeps what it writes apart from what is
    drawn: a macro library writing a million characters as it is imported was not stopped."""
    from csp_report import templating

    monkeypatch.setattr(templating, "MAX_OUTPUT_CHARS", 1_000)
    env = _environment(NOWHERE, True)
    env.loader = jinja2.DictLoader({
        "lib.html": "{% for i in range(10000) %}{{ 'y' * 100 }}{% endfor %}"
                    "{% macro m() %}ok{% endmacro %}",
        "fine.html": "<!-- a library of macros -->{% macro m(v) %}<b>{{ v }}</b>{% endmacro %}",
        "main.html": "{% from 'lib.html' import m %}{{ m() }}",
        "ordinary.html": "{% import 'fine.html' as f %}{{ f.m('<x>') }}",
    })
    with pytest.raises(SecurityError, match="^lib.html: a template may not write more than "
                                            "1,000 characters"):
        templating.render_bounded(env.get_template("main.html"))
    assert templating.render_bounded(env.get_template("ordinary.html")) == "<b>&lt;x&gt;</b>"
