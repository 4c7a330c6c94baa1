"""`csp-report preview`: serve the packs' HTML on this machine and redraw them on every save.

One process keeps the library imported and its templates compiled. A watcher thread
(watchfiles) reports changes in the project folder; the loop in `Preview.run()` reloads and
validates the project and counts a new build; pages are drawn on demand, in that same loop
(the thread the template time limit works in), once per build. A small script injected into
the served pages only (never into a built output) listens to /__preview__/events
(Server-Sent Events) and reloads the page when the build number changes. A project that does
not validate, or a template that fails, is shown as a page listing every problem as the CLI
prints it, which reloads into the pack once fixed.

Served: `/` (an index of the packs and periods), each pack's print HTML (`PACK-PERIOD.html`,
the page the PDF is drawn from) and web edition (`PACK-PERIOD.web.html`), the files the
print HTML refers to (fonts, images, stylesheets: only through resources.resolve_resource,
so only regular files inside the project's templates/ or the package's templates), and the
reload script and its event stream. Everything else is 404. The server (http.server's
ThreadingHTTPServer) listens on 127.0.0.1 unless another address is asked for.
"""

from __future__ import annotations

import contextlib
import html
import http.server
import os
import queue
import re
import stat
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from ipaddress import ip_address
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from watchfiles import Change, watch

from .build import Prepared, Target, choose_targets, draw_web, prepare
from .errors import CspReportError, InvalidProject, ProjectNotFound, UsageError, listed
from .model.project import Project
from .render.resources import resolve_resource

LOOPBACK = "127.0.0.1"
EVENTS = "/__preview__/events"
SCRIPT = "/__preview__/reload.js"

# watchfiles: yield once no further change has come for STEP_MS (an editor's save is a few
# events a millisecond or two apart), and never wait more than DEBOUNCE_MS while changes keep
# coming. Its defaults (50 and 1,600 ms) are for restarting a server, not redrawing a page.
STEP_MS = 20
DEBOUNCE_MS = 200
KEEPALIVE_SECONDS = 15.0  # a comment on the event stream, so a closed tab is noticed
RENDER_WAIT_SECONDS = 120.0

# Folders of the project whose changes never change a pack: what csp-report itself writes
# (output/, the render cache), version control, tool caches and environments.
IGNORED_TOP = frozenset({"output", ".csp-cache"})
IGNORED_ANYWHERE = frozenset({".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox",
                              "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache",
                              ".hypothesis", ".idea", ".cache"})
# Editor temporary and backup files: vim swap files and its write test, emacs locks and
# autosaves, backups ending in ~, JetBrains' safe-write files, LibreOffice locks, .tmp/.part.
TEMPORARY = re.compile(r"\.sw[a-p]$|\.swx$|^4913$|~$|^\.#|^#.*#$|\.___jb_...___$"
                       r"|^\.~lock\.|\.tmp$|\.part$|^\.DS_Store$", re.IGNORECASE)

# What a pack's print HTML may refer to, by suffix, with the type it is served as. Templates,
# sentences, reference.docx and anything else in the templates folders are not served.
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".svg": "image/svg+xml", ".avif": "image/avif",
}
MAX_RESOURCE_BYTES = 32 * 1024 * 1024

# Served pages may run only the reload script, and load only from this server or data: URLs.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; font-src 'self' data:; "
                           "style-src 'self' 'unsafe-inline'; script-src 'self'; "
                           "connect-src 'self'; base-uri 'none'; form-action 'none'; "
                           "frame-ancestors 'none'")

RELOAD_SCRIPT = """\
// csp-report preview: reload this page when the project has been rebuilt.
(function () {
  "use strict";
  var me = document.currentScript;
  var shown = me && me.getAttribute("data-build");
  if (!shown || !window.EventSource) { return; }
  var source = new EventSource("EVENTS");
  source.addEventListener("build", function (event) {
    if (event.data !== shown) { source.close(); window.location.reload(); }
  });
})();
""".replace("EVENTS", EVENTS)


class ProjectFilter:
    """watchfiles filter: a change anywhere in the project counts, except in IGNORED_TOP
    folders, IGNORED_ANYWHERE folders and editor temporary files (paths are judged relative
    to the project, so a project inside a folder named like one of them still works)."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def __call__(self, change: Change, path: str) -> bool:
        try:
            parts = Path(path).relative_to(self.root).parts
        except ValueError:
            return False
        if not parts or parts[0] in IGNORED_TOP:
            return False
        if any(part in IGNORED_ANYWHERE for part in parts[:-1]):
            return False
        return parts[-1] not in IGNORED_ANYWHERE and not TEMPORARY.search(parts[-1])


@dataclass
class Page:
    """A response: status, content type and body."""

    status: int
    body: bytes
    kind: str = "text/html; charset=utf-8"


@dataclass
class State:
    """The project as last loaded: its targets, or the problems that stopped it."""

    build: int
    project: Project | None = None
    targets: list[Target] = field(default_factory=list)
    problem: Exception | None = None  # a CspReportError, or a bug shown as one
    pages: dict[str, Page] = field(default_factory=dict)  # drawn for this build, by path
    prepared: dict[Target, Prepared] = field(default_factory=dict)


def page_paths(target: Target) -> tuple[str, str]:
    """The print HTML's and the web edition's paths: the names `build` gives the files."""
    return f"/{target.file_name('html')}", f"/{target.file_name('web')}"


def problem_lines(err: BaseException) -> list[str]:
    """The problems as the CLI prints them: one `file:line: field: message` per problem
    (at most errors.LISTED_PER_FILE of one file)."""
    if isinstance(err, InvalidProject):
        return listed(err.problems)
    return str(err).splitlines() or [type(err).__name__]


def reload_tag(build: int) -> str:
    return f'<script src="{SCRIPT}" data-build="{build}"></script>'


_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)


def with_reload(page: str, build: int) -> str:
    """The page with the reload script before its last </body> (or at its end)."""
    ends = list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    return page[:at] + reload_tag(build) + "\n" + page[at:]


_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 60rem;
       padding: 0 1rem; line-height: 1.45; color: #1a1a1a; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 1.5rem; }
table { border-collapse: collapse; } th, td { text-align: left; padding: .3rem .8rem;
       border-bottom: 1px solid #ccc; }
.problems li { font-family: ui-monospace, monospace; white-space: pre-wrap; margin: .3rem 0; }
.note { color: #555; }
</style>"""


def _shell(title: str, body: str, build: int) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)}</title>\n<link rel=\"icon\" href=\"data:,\">\n"
            f"{_STYLE}\n</head>\n<body>\n<main>\n"
            f"{body}</main>\n{reload_tag(build)}\n</body>\n</html>\n")


def problem_page(err: BaseException, build: int, what: str = "The project") -> Page:
    """Every problem, escaped, as the CLI would print it; it reloads once they are fixed."""
    lines = problem_lines(err)
    if isinstance(err, InvalidProject):
        count = len(lines)
        heading = f"{what} has {count} problem{'s' if count != 1 else ''}"
    else:
        heading = f"{what} cannot be drawn"
    items = "".join(f"<li>{html.escape(line)}</li>\n" for line in lines)
    body = (f"<h1>{html.escape(heading)}</h1>\n<ul class=\"problems\">\n{items}</ul>\n"
            f'<p class="note">Fix the files and save: this page reloads by itself. '
            f'<a href="/">All packs</a></p>\n')
    return Page(500, _shell(f"csp-report preview: {heading}", body, build).encode("utf-8"))


def index_page(state: State) -> Page:
    """Each pack and period with links to its print HTML and its web edition."""
    if state.problem is not None or state.project is None:
        return problem_page(state.problem or RuntimeError("not loaded"), state.build)
    report = state.project.report
    rows: list[str] = []
    for target in state.targets:
        pack = report.packs[target.pack_id]
        printed, web = page_paths(target)
        rows.append(f"<tr><td>{html.escape(pack.title)} <span class=\"note\">"
                    f"({html.escape(target.pack_id)})</span></td>"
                    f"<td>{html.escape(target.period.id)}</td>"
                    f'<td><a href="{html.escape(printed)}">print HTML</a></td>'
                    f'<td><a href="{html.escape(web)}">web edition</a></td></tr>\n')
    title = f"{report.partnership}: packs"
    body = (f"<h1>{html.escape(title)}</h1>\n"
            f"<table>\n<thead><tr><th>Pack</th><th>Period</th><th>Print (as the PDF)</th>"
            f"<th>Web edition</th></tr></thead>\n<tbody>\n{''.join(rows)}</tbody>\n</table>\n"
            f'<p class="note">A preview: pages reload by themselves when the project\'s files '
            f"change. <code>csp-report build</code> writes the packs.</p>\n")
    return Page(200, _shell(f"csp-report preview: {report.partnership}", body,
                            state.build).encode("utf-8"))


def not_found() -> Page:
    return Page(404, b"Not found\n", "text/plain; charset=utf-8")


def resource(path: str, root: Path) -> Page:
    """A file the print HTML refers to, as resources.resolve_resource allows it (a regular
    file inside the project's templates/ or the package's templates, links followed and
    checked), of a type in CONTENT_TYPES; anything else is 404."""
    relative = unquote(path).lstrip("/")
    parts = relative.split("/")
    if (not relative or "\x00" in relative or "\\" in relative
            or any(part in ("", ".", "..") for part in parts)):
        return not_found()
    kind = CONTENT_TYPES.get(Path(relative).suffix.lower())
    if kind is None:
        return not_found()
    try:
        file = resolve_resource((root.resolve() / "templates" / relative).as_uri(), root)
    except (CspReportError, OSError, ValueError, RuntimeError):
        return not_found()
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return not_found()
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_RESOURCE_BYTES:
            return not_found()
        return Page(200, stream.read(MAX_RESOURCE_BYTES + 1)[:MAX_RESOURCE_BYTES], kind)


class Preview:
    """The preview of one project: bind with the constructor (or as a context manager, which
    also closes), then `run()` until `stop()` or Ctrl-C."""

    def __init__(self, project_dir: Path | str, *, host: str = LOOPBACK, port: int = 0,
                 pack: str | None = None, period: str | None = None,
                 log: Callable[[str], None] | None = None) -> None:
        self.root = Path(project_dir)
        self.pack, self.period = pack, period
        self.log = log or (lambda _message: None)
        self._jobs: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._changed = threading.Condition()
        self._stopping = threading.Event()
        self.ready = threading.Event()  # set once serving and watching
        self.state = State(0)
        # The watch is in place before the project is first read, so no save is missed.
        watching_ready = threading.Event()
        watching = threading.Thread(target=self._watch, args=(watching_ready,),
                                    name="preview-watcher", daemon=True)
        self._threads: list[threading.Thread] = [watching]
        watching.start()
        watching_ready.wait()
        try:
            self._load()
            # Not a project, or --pack/--period naming nothing it has: a usage error, as for
            # `build`. Problems in the data are shown in the browser instead.
            if isinstance(self.state.problem, ProjectNotFound | UsageError):
                raise self.state.problem
            self.server = _Server((host, port), _Handler, self)
        except BaseException:
            self._stopping.set()
            watching.join(timeout=2)
            raise

    # -- the address ------------------------------------------------------------------------

    @property
    def address(self) -> tuple[str, int]:
        host, port = self.server.socket.getsockname()[:2]
        return host, port

    @property
    def url(self) -> str:
        host, port = self.address
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}/"

    # -- running ----------------------------------------------------------------------------

    def __enter__(self) -> Preview:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def run(self, on_ready: Callable[[], None] | None = None) -> None:
        """Serve and watch until stop() (or KeyboardInterrupt, which is raised again);
        `on_ready` is called once the server answers and the watcher is in place."""
        serving = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                   name="preview-server", daemon=True)
        self._threads.append(serving)
        serving.start()
        try:
            if on_ready is not None:
                on_ready()
            self.ready.set()
            self._loop()
        finally:
            self._stopping.set()
            with self._changed:
                self._changed.notify_all()
            self.server.shutdown()

    def stop(self) -> None:
        """End run() from another thread."""
        self._stopping.set()
        self._jobs.put(("stop", None))

    def close(self) -> None:
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=2)

    def _watch(self, ready: threading.Event) -> None:
        """The watcher thread: hand each batch of changes to the loop."""
        try:
            for changes in watch(self.root, watch_filter=ProjectFilter(self.root),
                                 debounce=DEBOUNCE_MS, step=STEP_MS, rust_timeout=100,
                                 yield_on_timeout=True, stop_event=self._stopping,
                                 raise_interrupt=False, ignore_permission_denied=True):
                ready.set()  # the first yield, a timeout, comes once the watch is in place
                if changes:
                    self._jobs.put(("changed", changes))
        except Exception as err:  # noqa: BLE001 - the watcher must not die silently
            self.log(f"preview: watching {self.root} stopped: {err}")
        finally:
            ready.set()

    def _loop(self) -> None:
        """Rebuild on changes, draw pages asked for; all in this thread, one at a time."""
        while not self._stopping.is_set():
            try:
                job, payload = self._jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            if job == "changed":
                changes = set(payload)
                with contextlib.suppress(queue.Empty):
                    while True:  # changes that came meanwhile count as one rebuild
                        more = self._jobs.get_nowait()
                        if more[0] == "changed":
                            changes |= more[1]
                        else:
                            self._jobs.put(more)
                            break
                started = time.perf_counter()
                self._load()
                self.log(self._summary(changes, time.perf_counter() - started))
            elif job == "draw":
                path, future = payload
                if future.set_running_or_notify_cancel():
                    future.set_result(self._draw(path))

    def _summary(self, changes: set[tuple[Change, str]], seconds: float) -> str:
        names = sorted({os.path.relpath(path, self.root) for _, path in changes})
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        problem = self.state.problem
        result = "OK" if problem is None else \
            f"{len(problem_lines(problem))} problem(s), shown in the browser"
        return f"changed {shown}: build {self.state.build} in {seconds:.2f} s: {result}"

    def _load(self) -> None:
        """Read and validate the project again; a new build number, pages drawn anew."""
        from . import api

        state = State(self.state.build + 1)
        try:
            state.project = api.open_project(self.root)
            state.targets = _targets(state.project, self.pack, self.period)
        except CspReportError as err:
            state.problem, state.project = err, None
        except Exception as err:  # noqa: BLE001 - a bug shown in the page, not the end
            self.log("".join(traceback.format_exception(err)))
            state.problem, state.project = err, None
        with self._changed:
            self.state = state
            self._changed.notify_all()

    def _draw(self, path: str) -> Page:
        """A pack's page for the current build (drawn once per build)."""
        state = self.state
        if path in state.pages:
            return state.pages[path]
        if state.problem is not None or state.project is None:
            return problem_page(state.problem or RuntimeError("not loaded"), state.build)
        for target in state.targets:
            printed, web = page_paths(target)
            if path in (printed, web):
                break
        else:
            return not_found()
        try:
            item = state.prepared.get(target)
            if item is None:
                item = state.prepared[target] = prepare(state.project, target)
            text = item.html if path == printed else draw_web(state.project, item)
            page = Page(200, with_reload(text, state.build).encode("utf-8"))
        except CspReportError as err:
            page = problem_page(err, state.build, path.lstrip("/"))
        except Exception as err:  # noqa: BLE001 - a bug shown in the page, not the end
            self.log("".join(traceback.format_exception(err)))
            page = problem_page(err, state.build, path.lstrip("/"))
        state.pages[path] = page
        return page

    # -- what the request threads call --------------------------------------------------------

    def page(self, path: str) -> Page:
        """A pack's page, drawn by the loop (a request thread waits for it)."""
        cached = self.state.pages.get(path)
        if cached is not None:
            return cached
        future: Future[Page] = Future()
        self._jobs.put(("draw", (path, future)))
        try:
            return future.result(timeout=RENDER_WAIT_SECONDS)
        except Exception:  # noqa: BLE001 - a timeout, or the preview stopping
            future.cancel()
            return Page(503, b"The preview is busy or stopping; reload to try again.\n",
                        "text/plain; charset=utf-8")

    def builds(self) -> Iterator[int]:
        """The build number now, then each new one (-1 between them when KEEPALIVE_SECONDS
        pass without one), until the preview stops."""
        with self._changed:
            current = self.state.build
        yield current
        while not self._stopping.is_set():
            with self._changed:
                self._changed.wait_for(self._newer_than(current), timeout=KEEPALIVE_SECONDS)
                if self._stopping.is_set():
                    return
                if self.state.build == current:
                    yield -1
                    continue
                current = self.state.build
            yield current


    def _newer_than(self, build: int) -> Callable[[], bool]:
        return lambda: self.state.build != build or self._stopping.is_set()


def _targets(project: Project, pack: str | None, period: str | None) -> list[Target]:
    """The packs and periods to serve: with --period as `build` chooses them; without, every
    period of each pack (or of --pack), newest first."""
    chosen = choose_targets(project, pack, period)
    if period is not None:
        return chosen
    return [Target(t.pack_id, p) for t in chosen for p in reversed(project.periods(t.pack_id))]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], handler: type[_Handler],
                 preview: Preview) -> None:
        self.preview = preview
        with contextlib.suppress(ValueError):  # a host name: as http.server binds it
            self.address_family = _family(address[0])
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away before its reply was written (a browser cancelling a
        reload or leaving the page) is dropped without a word: only a real failure is
        printed, with its traceback, as socketserver prints it."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def _family(host: str) -> Any:
    import socket

    return socket.AF_INET6 if ip_address(host).version == 6 else socket.AF_INET


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


class _Handler(http.server.BaseHTTPRequestHandler):
    server: _Server
    server_version = "csp-report-preview"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Requests are not logged (a page and its fonts would be several lines a save)."""

    def _host_allowed(self) -> bool:
        """On a loopback address, only requests naming this machine (a web page elsewhere
        cannot reach the preview through a DNS name it rebinds to 127.0.0.1)."""
        host, port = self.server.preview.address
        if not _is_loopback(host):
            return True
        # Exactly one Host: with two, this checks one while a proxy or cache on the way may
        # act on the other (HTTP/1.1 says a request with two is to be refused).
        named = [value.strip().lower() for value in self.headers.get_all("Host") or []]
        allowed = {f"{name}:{port}" for name in ("127.0.0.1", "localhost", "[::1]", host)}
        return len(named) == 1 and named[0] in allowed

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's name
        self._respond(head=True)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self._respond(head=False)

    def _respond(self, head: bool) -> None:
        preview = self.server.preview
        if not self._host_allowed():
            self._send(Page(421, b"Misdirected request\n", "text/plain; charset=utf-8"), head)
            return
        target = self.path
        if not target.startswith("/"):  # an absolute-form request line names another server
            self._send(not_found(), head)
            return
        path = urlsplit(target).path
        if path == EVENTS and not head:
            self._events()
        elif path == "/":
            self._send(index_page(preview.state), head)
        elif path == SCRIPT:
            self._send(Page(200, RELOAD_SCRIPT.encode("utf-8"),
                            "text/javascript; charset=utf-8"), head)
        elif path.endswith(".html") and "/" not in path[1:]:
            self._send(preview.page(path), head)
        else:
            self._send(resource(path, preview.root), head)

    def _send(self, page: Page, head: bool) -> None:
        self.send_response(page.status)
        self.send_header("Content-Type", page.kind)
        self.send_header("Content-Length", str(len(page.body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if not head:
            self.wfile.write(page.body)

    def _events(self) -> None:
        """The build number as Server-Sent Events: now, and each time it changes."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.close_connection = True
        try:
            for build in self.server.preview.builds():
                message = ": keep-alive\n\n" if build < 0 else \
                    f"retry: 500\nevent: build\ndata: {build}\n\n"
                self.wfile.write(message.encode("ascii"))
                self.wfile.flush()
        except OSError:
            return  # the page went away


def serve(project_dir: Path, *, host: str = LOOPBACK, port: int = 0, pack: str | None = None,
          period: str | None = None, echo: Callable[[str], None] = print,
          log: Callable[[str], None] | None = None) -> None:
    """What `csp-report preview` runs: serve until Ctrl-C (KeyboardInterrupt is raised)."""
    with Preview(project_dir, host=host, port=port, pack=pack, period=period,
                 log=log or (lambda message: print(message, file=sys.stderr))) as preview:
        preview.run(on_ready=lambda: echo(f"Serving {preview.url} - Ctrl-C to stop"))
