"""A real browser for the tests: Debian's headless Chromium driven through Selenium and Debian's
chromedriver (no browser download), with axe-core from npm installed into the project by
scripts/setup.sh --tests (.cache/axe)."""

from __future__ import annotations

import base64
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / ".cache/axe/node_modules/axe-core/axe.min.js"
# WCAG 2.0, 2.1 and 2.2, levels A and AA (axe-core's tags; 2.2 added AA rules only).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromedriver_path() -> str | None:
    return shutil.which("chromedriver") or (
        "/usr/lib/chromium/chromedriver" if Path("/usr/lib/chromium/chromedriver").is_file()
        else None)


def missing() -> list[str]:
    """What the browser tests need and this machine lacks (setup.sh --tests installs it)."""
    needs = []
    if chromium_path() is None:
        needs.append("chromium (Debian package)")
    if chromedriver_path() is None:
        needs.append("chromedriver (Debian package chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        needs.append("selenium (pip install -e '.[test]')")
    if not AXE.is_file():
        needs.append(f"axe-core ({AXE.relative_to(REPO)}; run scripts/setup.sh --tests)")
    return needs


@dataclass(frozen=True)
class Axe:
    """One axe-core run: the violations (rule id, impact, help, nodes' targets) and how many
    rules passed or need a person to review them."""

    violations: list[dict[str, Any]]
    passes: int
    incomplete: list[str]
    version: str

    def summary(self) -> str:
        if not self.violations:
            return (f"axe-core {self.version}: 0 violations, {self.passes} rules passed"
                    + (f", needs review: {', '.join(self.incomplete)}" if self.incomplete
                       else ""))
        lines = [f"axe-core {self.version}: {len(self.violations)} violations"]
        for v in self.violations:
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            lines.append(f"  {v['id']} ({v['impact']}): {v['help']} [{len(v['nodes'])}: "
                         f"{targets}]")
        return "\n".join(lines)


class Browser:
    """One headless Chromium for a whole test session."""

    def __init__(self) -> None:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        options = webdriver.ChromeOptions()
        options.binary_location = chromium_path() or "chromium"
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                         "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                         "--no-first-run", "--disable-extensions", "--disable-sync",
                         "--disable-background-networking", "--lang=en-GB"):
            options.add_argument(argument)
        service = Service(chromedriver_path() or "chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        self.driver.set_script_timeout(60)
        self.axe_source = AXE.read_text(encoding="utf-8")

    def close(self) -> None:
        self.driver.quit()

    def open(self, path: Path, width: int, height: int = 800) -> None:
        """Load a local file in a viewport `width` CSS pixels wide (a phone at 360: mobile
        emulation, so the page's viewport meta is honoured as a phone would)."""
        self.viewport(width, height)
        self.driver.get(path.resolve().as_uri())

    def viewport(self, width: int, height: int = 800) -> None:
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1,
            "mobile": width < 600})

    def run(self, script: str, *args: Any) -> Any:
        return self.driver.execute_script(script, *args)

    def axe(self, tags: tuple[str, ...] = WCAG_TAGS) -> Axe:
        """Inject axe-core into the page and run it with these rule tags."""
        self.driver.execute_script(self.axe_source)
        result = self.driver.execute_async_script(
            """
            const done = arguments[arguments.length - 1];
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]},
                               resultTypes: ['violations']})
              .then(r => done({
                  violations: r.violations.map(v => ({id: v.id, impact: v.impact,
                      help: v.help, nodes: v.nodes.map(n => ({target: n.target,
                      html: n.html}))})),
                  passes: r.passes.length,
                  incomplete: r.incomplete.map(v => v.id),
                  version: axe.version}))
              .catch(e => done({error: String(e)}));
            """, list(tags))
        if "error" in result:
            raise RuntimeError(f"axe-core failed: {result['error']}")
        return Axe(result["violations"], result["passes"], result["incomplete"],
                   result["version"])

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """A PNG of the page (the whole length of it, at the viewport's width)."""
        shot = self.driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": full_page, "fromSurface": True})
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    def requests(self) -> list[str]:
        """Every resource the page asked for after the document itself."""
        return self.run("return performance.getEntriesByType('resource').map(e => e.name)")


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def require(what: str) -> None:
    """Skip a browser test where the browser is not installed, but fail it in CI (where
    setup.sh installs it): a browser test must never pass by being skipped there."""
    import pytest

    needs = missing()
    if needs:
        message = f"{what} need{'s' if what.endswith('test') else ''} " + ", ".join(needs)
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
