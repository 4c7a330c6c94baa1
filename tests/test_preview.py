"""`csp-report preview`: the served pages, their reload on a change, the problem page, and
what the server refuses; and the compiled templates it keeps, redrawn when edited."""

from __future__ import annotations

import contextlib
import html
import http.client
import os
import re
import select
import signal
import socket
import struct
import subprocess
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from watchfiles import Change

from csp_report.api import open_project
from csp_report.build import build
from csp_report.cli import INTERRUPTED
from csp_report.cli import main as cli_main
from csp_report.errors import InvalidProject, TemplateProblem
from csp_report.preview import EVENTS, Preview, ProjectFilter
from csp_report.templating import PACKAGE_TEMPLATES, html_environment
from tests.conftest import write
from tests.terminal import python_as_from_a_terminal
from tests.tiny import HEAD, tiny

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


# -- the preview server --------------------------------------------------------------------------

MEASURE = HEAD + """\
unit: count
noun: offences
good: lower
quarters:
  2016-17-Q1: {value: 14, previous: 17}
"""
SENTENCE = "14 offences compared to 17 last year."
PAGE = "/targets-2016-17-Q1.html"
WEB = "/targets-2016-17-Q1.web.html"
WAIT = 15.0  # seconds: a bound that is never reached when all is well


@contextlib.contextmanager
def running(root: Path, **options: Any) -> Iterator[Preview]:
    """The preview of `root` serving on a free port, in a thread; stopped afterwards."""
    with Preview(root, log=lambda _message: None, **options) as preview:
        thread = threading.Thread(target=preview.run, daemon=True)
        thread.start()
        try:
            assert preview.ready.wait(WAIT), "the preview did not start"
            yield preview
        finally:
            preview.stop()
            thread.join(WAIT)
            assert not thread.is_alive()


def get(preview: Preview, path: str, host: str | None = None) -> tuple[int, str, bytes]:
    """Status, content type and body of a GET of `path`, sent exactly as written."""
    connection = http.client.HTTPConnection(*preview.address, timeout=WAIT)
    try:
        connection.putrequest("GET", path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def text(preview: Preview, path: str, status: int = 200) -> str:
    got, kind, body = get(preview, path)
    assert (got, kind) == (status, "text/html; charset=utf-8"), body[:2000]
    return body.decode("utf-8")


class Events:
    """The reload endpoint, read as a browser's EventSource reads it."""

    def __init__(self, preview: Preview) -> None:
        self.connection = http.client.HTTPConnection(*preview.address, timeout=WAIT)
        self.connection.request("GET", EVENTS)
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_build(self) -> int:
        """The next build number sent (a socket timeout fails the test instead of waiting)."""
        event = None
        while True:
            line = self.response.fp.readline().decode("utf-8")
            assert line, "the event stream ended"
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "build":
                return int(line.split(":", 1)[1])

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tiny(tmp_path / "project", MEASURE)


@pytest.fixture
def preview(root: Path) -> Iterator[Preview]:
    with running(root) as started:
        yield started


@pytest.fixture
def events(preview: Preview) -> Iterator[Events]:
    stream = Events(preview)
    yield stream
    stream.close()


def measure_file(root: Path) -> Path:
    return root / "data/measures/targets/1.yaml"


def built(root: Path, out: Path) -> dict[str, str]:
    files = build(open_project(root), formats=("html", "web"), out=out)
    return {path.name: path.read_text(encoding="utf-8") for path in files}


def test_the_index_lists_each_pack_and_period_with_both_pages(
        root: Path, preview: Preview, events: Events) -> None:
    assert events.next_build() == 1
    page = text(preview, "/")
    assert "<h1>Test Partnership: packs</h1>" in page
    assert re.findall(r'<a href="([^"]+)"', page) == [PAGE, WEB]
    write(measure_file(root), MEASURE.replace(
        "  2016-17-Q1: {value: 14, previous: 17}\n",
        "  2016-17-Q1: {value: 14, previous: 17}\n  2016-17-Q2: {value: 9, previous: 12}\n"))
    assert events.next_build() == 2
    page = text(preview, "/")  # newest period first
    assert re.findall(r'<a href="([^"]+)"', page) == [
        "/targets-2016-17-Q2.html", "/targets-2016-17-Q2.web.html", PAGE, WEB]
    assert re.findall(r"<td>(2016-17-Q\d)</td>", page) == ["2016-17-Q2", "2016-17-Q1"]
    assert text(preview, "/targets-2016-17-Q2.html").count("9 offences compared to 12") == 1


def test_pack_and_period_choose_what_is_served(root: Path) -> None:
    write(measure_file(root), MEASURE + "  2016-17-Q2: {value: 9, previous: 12}\n")
    with running(root, period="2016-17-Q1") as preview:
        assert re.findall(r'<a href="([^"]+)"', text(preview, "/")) == [PAGE, WEB]
        assert get(preview, "/targets-2016-17-Q2.html")[0] == 404
    with running(root, pack="targets", period="2016-17-Q2") as preview:
        events = Events(preview)
        try:
            assert events.next_build() == 1
            write(measure_file(root), MEASURE)  # the period served is gone from the data
            assert events.next_build() == 2
        finally:
            events.close()
        assert "<li>pack &#x27;targets&#x27; has no data for 2016-17-Q2 (periods with data: " \
               "2016-17-Q1)</li>" in text(preview, "/", 500)


@pytest.mark.parametrize("options, message", [
    ([], "is not a csp-report project"),
    (["--pack", "nothing"], "no pack 'nothing'; the packs are: targets"),
    (["--period", "2019-20-Q1"], "pack 'targets' has no data for 2019-20-Q1"),
])
def test_what_is_not_there_to_serve_is_a_usage_error(
        root: Path, tmp_path: Path, options: list[str], message: str) -> None:
    folder = tmp_path if not options else root
    result = CliRunner().invoke(cli_main, ["preview", str(folder), *options])
    assert result.exit_code == 2
    assert message in result.output


def test_the_pages_are_the_built_files_with_the_reload_script_added(
        root: Path, preview: Preview, tmp_path: Path) -> None:
    files = built(root, tmp_path / "out")
    tag = '<script src="/__preview__/reload.js" data-build="1"></script>\n'
    for path, name in ((PAGE, "targets-2016-17-Q1.html"), (WEB, "targets-2016-17-Q1.web.html")):
        served = text(preview, path)
        assert SENTENCE in served
        assert served.count(tag) == 1 and served.replace(tag, "") == files[name]
        assert served.index(tag) < served.rindex("</body>")
    assert all("__preview__" not in page and "<script" not in page for page in files.values())
    status, kind, script = get(preview, "/__preview__/reload.js")
    assert (status, kind) == (200, "text/javascript; charset=utf-8")
    assert b'new EventSource("/__preview__/events")' in script


def test_a_saved_change_sends_a_reload_and_the_page_shows_it(
        root: Path, preview: Preview, events: Events) -> None:
    assert events.next_build() == 1
    assert SENTENCE in text(preview, PAGE)
    write(measure_file(root), MEASURE.replace("value: 14", "value: 11"))
    assert events.next_build() == 2
    page = text(preview, PAGE)
    assert "11 offences compared to 17 last year." in page and SENTENCE not in page
    assert 'data-build="2"' in page
    assert "11 offences compared to 17 last year." in text(preview, WEB)


def test_a_broken_edit_lists_every_problem_then_the_fix_returns_the_pack(
        root: Path, preview: Preview, events: Events) -> None:
    assert events.next_build() == 1
    broken = MEASURE.replace("owner: police", "owner: <b>police</b>").replace(
        "value: 14", "value: fourteen")
    write(measure_file(root), broken)
    with pytest.raises(InvalidProject) as raised:
        open_project(root)
    expected = [str(problem) for problem in raised.value.problems]
    assert len(expected) == 3
    assert "data/measures/targets/1.yaml:9: quarters.2016-17-Q1.value: expected a number, " \
           "got 'fourteen'" in expected
    assert events.next_build() == 2
    for path in (PAGE, WEB, "/"):
        page = text(preview, path, status=500)
        assert "<h1>The project has 3 problems</h1>" in page
        assert re.findall(r"<li>(.*)</li>", page) == [html.escape(line) for line in expected]
        assert "<b>police</b>" not in page  # escaped: the data is shown, never markup
        assert '<script src="/__preview__/reload.js" data-build="2"></script>' in page
    write(measure_file(root), MEASURE)
    assert events.next_build() == 3
    assert SENTENCE in text(preview, PAGE)


def test_a_broken_template_is_shown_then_the_fix_returns_the_pack(
        root: Path, preview: Preview, events: Events) -> None:
    assert events.next_build() == 1
    template = write(root / "templates/blocks/heading.html", "{% if %}\n")
    assert events.next_build() == 2
    with pytest.raises(TemplateProblem) as raised:  # as `build` reports it
        build(open_project(root), formats=("html",), out=root / "output")
    assert re.fullmatch(r".*templates/blocks/heading\.html:1: template syntax error: .*",
                        str(raised.value))
    page = text(preview, PAGE, status=500)
    assert f"<li>{html.escape(str(raised.value))}</li>" in page
    template.unlink()
    assert events.next_build() == 3
    assert SENTENCE in text(preview, PAGE)


def test_output_and_editor_files_do_not_rebuild(root: Path) -> None:
    keep = ProjectFilter(root)
    for name in ("output/targets-2016-17-Q1.pdf", ".csp-cache/x", ".git/index",
                 "data/measures/targets/.1.yaml.swp", "data/measures/targets/1.yaml~",
                 "templates/.#pack.html", "data/4913", "data/.~lock.x.xlsx#",
                 "templates/__pycache__/x.pyc"):
        assert not keep(Change.modified, str(root / name)), name
    for name in ("data/report.yaml", "data/measures/targets/1.yaml", "templates/pack.css",
                 "templates/blocks/table.html", "data/measures/targets/output.yaml"):
        assert keep(Change.modified, str(root / name)), name


def test_it_listens_on_loopback_only_by_default(root: Path, preview: Preview) -> None:
    assert preview.server.socket.getsockname()[0] == "127.0.0.1"
    assert preview.url == f"http://127.0.0.1:{preview.address[1]}/"
    [host] = [p for p in cli_main.commands["preview"].params if p.name == "host"]
    assert host.default == "127.0.0.1"
    status, _, _ = get(preview, "/", host="attacker.example")
    assert status == 421  # a name rebound to 127.0.0.1 by another site's page


def test_two_host_headers_are_refused_even_when_the_first_is_this_machine(
        preview: Preview) -> None:
    """Only the first was checked: another name after it reached the preview."""
    host, port = preview.address
    for names in ([f"{host}:{port}", "attacker.example"], [f"{host}:{port}", f"{host}:{port}"]):
        connection = http.client.HTTPConnection(host, port, timeout=WAIT)
        try:
            connection.putrequest("GET", "/", skip_host=True, skip_accept_encoding=True)
            for name in names:
                connection.putheader("Host", name)
            connection.endheaders()
            response = connection.getresponse()
            assert (response.status, response.read()) == (421, b"Misdirected request\n"), names
        finally:
            connection.close()
    assert get(preview, "/", host=f"{host}:{port}")[0] == 200


def _request_then_reset(preview: Preview, path: str) -> None:
    """Send a request and close at once with a reset (SO_LINGER 0), before the reply is read:
    what a browser cancelling a reload does."""
    with socket.create_connection(preview.address, timeout=WAIT) as client:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        host, port = preview.address
        client.sendall(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())


def _requests_handled(timeout: float) -> bool:
    """True once no request thread of the server is still running."""
    deadline = time.monotonic() + timeout
    while any(t.name.endswith("(process_request_thread)") for t in threading.enumerate()):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_client_that_goes_away_before_the_reply_is_dropped_silently(
        preview: Preview, capsys: pytest.CaptureFixture[str]) -> None:
    """Each printed a BrokenPipeError or ConnectionResetError traceback on stderr."""
    for _ in range(5):
        for path in (PAGE, WEB, "/", "/fonts/LiberationSans-Regular.ttf"):
            _request_then_reset(preview, path)
    assert _requests_handled(WAIT)
    assert SENTENCE in text(preview, PAGE)  # still serving
    assert capsys.readouterr().err == ""


def test_resources_are_served_only_from_the_templates_folders(
        root: Path, preview: Preview, tmp_path: Path) -> None:
    font = PACKAGE_TEMPLATES / "fonts/LiberationSans-Regular.ttf"
    assert get(preview, "/fonts/LiberationSans-Regular.ttf") == (200, "font/ttf",
                                                                 font.read_bytes())
    write(root / "templates/custom.css", "p { color: red; }\n")
    assert get(preview, "/custom.css") == (200, "text/css; charset=utf-8",
                                           b"p { color: red; }\n")
    # templates themselves, sentences and the reference document are not resources
    for path in ("/pack.html", "/blocks/table.html", "/sentences/count.txt",
                 "/reference.docx", "/fonts/LICENSE-LiberationSans.txt", "/nothing.css"):
        assert get(preview, path)[0] == 404, path


SECRET = "SECRET-6f1d2c"


def test_no_path_leads_outside_the_templates_folders(
        root: Path, preview: Preview, tmp_path: Path) -> None:
    outside = write(tmp_path / "outside/secret.css", SECRET)
    write(tmp_path / "outside/secret.png", SECRET)
    (root / "templates").mkdir(exist_ok=True)
    os.symlink(outside, root / "templates/link.css")
    os.symlink(outside.parent, root / "templates/linked")
    data = "data/measures/targets/1.yaml"
    host, port = preview.address
    up = "/".join([".."] * len(root.parts))
    for path in ("/../../../../../etc/passwd", f"/{up}{outside}", f"/..%2F..%2F{data}",
                 "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2Fsecret.css",
                 "/fonts/../../../outside/secret.css", f"/fonts/%2e%2e/%2e%2e/{data}",
                 f"//{outside}", f"/{outside}", f"/%2F{str(outside)[1:]}",
                 "/link.css", "/linked/secret.css", "/linked/secret.png",
                 f"/{data}", f"/../{data}", "/data/report.yaml", "/templates/../data/report.yaml",
                 f"/{str(outside.with_suffix('.css'))}%00.css", "/fonts\\..\\..\\x.css",
                 f"http://{host}:{port}{outside}"):
        status, _, body = get(preview, path, host=f"{host}:{port}")
        assert status == 404, path
        assert SECRET.encode() not in body and b"police" not in body and b"ref:" not in body


def test_the_command_prints_the_address_and_ctrl_c_ends_it_with_130(root: Path) -> None:
    process = subprocess.Popen(python_as_from_a_terminal("-m", "csp_report", "preview", str(root)),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], WAIT)
        assert ready, "the preview printed no address"
        line = process.stdout.readline()
        match = re.fullmatch(r"Serving http://127\.0\.0\.1:(\d+)/ - Ctrl-C to stop\n", line)
        assert match, line
        with urllib.request.urlopen(f"http://127.0.0.1:{match[1]}/", timeout=WAIT) as response:
            assert b"Test Partnership" in response.read()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=WAIT)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130
    assert err == INTERRUPTED + "\n"


@pytest.mark.slow
def test_a_real_browser_reloads_into_the_change_and_out_of_a_problem(root: Path) -> None:
    """Headless Chromium shows the print HTML with its fonts, under the preview's content
    security policy; a save reloads it (a mark left in the old page is gone), a broken save
    shows the problems, and the fix reloads it into the pack."""
    from selenium.webdriver.support.ui import WebDriverWait

    from tests import browser

    browser.require("the browser test")
    chromium = browser.Browser()
    try:
        with running(root) as preview:
            driver = chromium.driver
            driver.get(preview.url.rstrip("/") + PAGE)
            assert SENTENCE in driver.page_source
            wait = WebDriverWait(driver, WAIT)
            wait.until(lambda d: d.execute_script(
                "return document.fonts.status === 'loaded' && "
                "[...document.fonts].some(f => f.status === 'loaded')"))
            assert any(url.endswith("/fonts/LiberationSans-Regular.ttf")
                       for url in chromium.requests())

            def reloaded_showing(words: str) -> Callable[[Any], bool]:
                return lambda d: (d.execute_script("return window.previewMark") is None
                                  and words in d.page_source)

            for edit, words in ((MEASURE.replace("value: 14", "value: 11"),
                                 "11 offences compared to 17 last year."),
                                (MEASURE.replace("value: 14", "value: x"), "1 problem"),
                                (MEASURE, SENTENCE)):
                wait.until(lambda d: d.execute_script(
                    "return document.readyState === 'complete'"))
                chromium.run("window.previewMark = 1")
                write(measure_file(root), edit)
                wait.until(reloaded_showing(words))
    finally:
        chromium.close()
