"""The explorer as a web app: Voila serves notebooks/explorer.ipynb on a free loopback port,
Debian's headless Chromium (driven by Playwright) moves sliders like a person would, and the
test checks that the displayed numbers and the figure change.

Screenshots before and after each move, and Voila's log, are saved under artifacts/browser/
(git-ignored). The test skips only when /usr/bin/chromium is absent (CI installs it as root).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run the browser test"),
]

# Fingerprint of the figure: ipympl draws into a <canvas>; the fallback backend shows an <img>.
FIGURE_FP = """() => {
  const root = document.querySelector('.cs-figure');
  if (!root) return null;
  const img = root.tagName === 'IMG' ? root : root.querySelector('img');
  if (img && img.src && img.src.length > 100) return img.src;
  const c = root.querySelector('canvas');
  return (c && c.width > 0) ? c.toDataURL() : null;
}"""
TABLE_TEXT = "() => { const t = document.querySelector('.cs-summary'); return t ? t.innerText : null; }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def voila_server(root: Path, log_path: Path, timeout: float = 90.0) -> Iterator[str]:
    """Voila serving the folder ``root`` on a free loopback port; yields the base URL."""
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "voila", "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
         "--show_tracebacks=True", str(root)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/", timeout=2)  # the tree page: starts no kernel
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(f"voila did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()  # SIGTERM: voila shuts its kernels down
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # our own process group only: voila and its kernels
            proc.wait(10)
        log.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with voila_server(NOTEBOOKS, ARTIFACTS / "voila.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=CHROMIUM, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1300, "height": 1500},
        )
        # offline machine: fail every request that is not to the local server at once
        ctx.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]|data:|blob:).*"), lambda route: route.abort())
        try:
            yield ctx
        finally:
            ctx.close()


def open_app(ctx, url: str, attempts: int = 3, ready_ms: int = 60_000):
    """Open the app; reload with a fresh kernel if Voila's rendering gets stuck (voila#1428).

    Each retry is reported as a warning, so a real failure still fails after ``attempts``.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    for attempt in range(1, attempts + 1):
        page = ctx.new_page()
        page.goto(url, wait_until="commit")
        try:
            expect(page.locator(".cs-summary")).to_contain_text("median net worth", timeout=ready_ms)
            page.wait_for_function(f"({FIGURE_FP})() !== null", timeout=ready_ms)
            return page
        except (AssertionError, PlaywrightTimeout):
            page.screenshot(path=ARTIFACTS / f"stuck_{attempt}.png")
            page.close()
            warnings.warn(f"Voila did not render the explorer (attempt {attempt}); reloading", stacklevel=2)
    pytest.fail(f"Voila never rendered the explorer in {attempts} attempts; see {ARTIFACTS}")


def settled_figure(page, before: str | None, quiet_ms: int = 700, timeout_s: float = 30.0) -> str:
    """Wait until the figure differs from ``before`` and then stays unchanged for ``quiet_ms``."""
    page.wait_for_function(f"prev => ({FIGURE_FP})() !== prev", arg=before, timeout=timeout_s * 1000)
    last, t_last, deadline = page.evaluate(FIGURE_FP), time.monotonic(), time.monotonic() + timeout_s
    while time.monotonic() - t_last < quiet_ms / 1000:
        assert time.monotonic() < deadline, "the figure never stopped changing"
        page.wait_for_timeout(50)
        cur = page.evaluate(FIGURE_FP)
        if cur != last:
            last, t_last = cur, time.monotonic()
    return last


def inputs(page) -> dict:
    """The control values the displayed table was computed from."""
    return page.evaluate("() => JSON.parse(document.querySelector('.cs-summary table').dataset.inputs)")


def wait_for_input(page, name: str, value: float, timeout_ms: int = 30_000) -> None:
    """Wait until the displayed numbers are those computed with control ``name`` = ``value``."""
    page.wait_for_function(
        "([name, value]) => { const t = document.querySelector('.cs-summary table');"
        " return t && Math.abs(JSON.parse(t.dataset.inputs)[name] - value) < 1e-9; }",
        arg=[name, value], timeout=timeout_ms)


def cell(page, career: str, cls: str) -> str:
    return page.inner_text(f".cs-summary tr[data-career='{career}'] .{cls}")


def money(text: str) -> float:
    """'$2.61M ± $0.03M' -> 2.61e6, '-$273k to ...' -> -2.73e5 (the first amount)."""
    m = re.search(r"(-?)\$([\d,.]+)([kM]?)", text)
    assert m, text
    value = float(m.group(2).replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6}[m.group(3)]
    return -value if m.group(1) else value


def test_slider_moves_change_numbers_and_figure(server, browser):
    from playwright.sync_api import expect

    page = open_app(browser, f"{server}/voila/render/explorer.ipynb")
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    table0 = page.evaluate(TABLE_TEXT)
    eng0 = money(cell(page, "engineer", "cs-median"))
    fig0 = settled_figure(page, None)
    page.screenshot(path=ARTIFACTS / "explorer_0_before.png", full_page=True)
    assert "5,000 worlds" in page.inner_text(".cs-status")

    # 1) keyboard on the offer slider: 4 steps up
    handle = page.locator(".cs-offer-usd .noUi-handle")
    offer0 = float(handle.get_attribute("aria-valuenow"))
    assert inputs(page)["offer_usd"] == offer0
    handle.focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    offer1 = float(handle.get_attribute("aria-valuenow"))
    assert offer1 > offer0
    wait_for_input(page, "offer_usd", offer1)  # the table now shows the numbers for the new offer
    fig1 = settled_figure(page, fig0)
    table1 = page.evaluate(TABLE_TEXT)
    eng1 = money(cell(page, "engineer", "cs-median"))
    page.screenshot(path=ARTIFACTS / "explorer_1_after_offer.png", full_page=True)
    assert fig1 != fig0
    assert table1 != table0
    assert eng1 > eng0, (eng0, eng1)  # a better offer: the engineer's median net worth rises

    # 2) type into the readout of the living-costs slider: $25,000 a year more
    handle = page.locator(".cs-living-cost-usd .noUi-handle")
    living = float(handle.get_attribute("aria-valuenow")) + 25_000
    page.locator(".cs-living-cost-usd .widget-readout").click()
    page.keyboard.press("Control+A")
    page.keyboard.type(f"{living:.0f}")
    page.keyboard.press("Enter")
    expect(handle).to_have_attribute("aria-valuenow", re.compile(rf"^{living:.0f}(\.0*)?$"))
    wait_for_input(page, "living_cost_usd", living)
    fig2 = settled_figure(page, fig1)
    table2 = page.evaluate(TABLE_TEXT)
    eng2 = money(cell(page, "engineer", "cs-median"))
    page.screenshot(path=ARTIFACTS / "explorer_2_after_living_cost.png", full_page=True)
    assert table2 != table1
    assert fig2 not in (fig0, fig1)
    assert eng2 < eng1, (eng1, eng2)  # higher living costs: less saved
    assert page.locator(".cs-error").count() == 0
    assert not errors, errors
    page.close()
