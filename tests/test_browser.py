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
import urllib.error
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
def app_server(log_path: Path, *extra: str, timeout: float = 90.0) -> Iterator[tuple[str, subprocess.Popen]]:
    """``careersim app --no-browser`` (the console command) on a free loopback port; yields
    the base URL and the process."""
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "careersim.cli", "app", "explorer", "--no-browser", f"--port={port}", *extra],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/voila/static/voila.js", timeout=2)  # a static file: starts no kernel
                break
            except urllib.error.HTTPError:
                break  # the server answers
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(f"careersim app did not start:\n{log_path.read_text()}")
                time.sleep(0.2)
        yield url, proc
    finally:
        proc.terminate()  # SIGTERM: voila shuts its kernels down
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # our own process group only: voila and its kernels
            proc.wait(10)
        log.close()


def kernels_of(proc: subprocess.Popen) -> list[int]:
    """Process ids of the kernels the server started (its children running ipykernel)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            cmd = (entry / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == proc.pid and b"ipykernel" in cmd:
            pids.append(int(entry.name))
    return pids


def wait_for_kernels(proc: subprocess.Popen, count: int, timeout_s: float = 90.0) -> int:
    deadline = time.monotonic() + timeout_s
    while True:
        n = len(kernels_of(proc))
        if n == count or time.monotonic() > deadline:
            return n
        time.sleep(0.5)


@pytest.fixture(scope="module")
def app() -> Iterator[tuple[str, subprocess.Popen]]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # a short cull, so that the test sees an abandoned page's kernel go
    with app_server(ARTIFACTS / "voila.log", "--cull-idle=8", "--cull-interval=2") as (url, proc):
        yield url, proc


@pytest.fixture(scope="module")
def server(app) -> str:
    return app[0]


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
    m = re.search(r"(-?)\$([\d,.]+)([kMB]?)", text)
    assert m, text
    value = float(m.group(2).replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9}[m.group(3)]
    return -value if m.group(1) else value


def test_slider_moves_change_numbers_and_figure(server, browser):
    from playwright.sync_api import expect

    page = open_app(browser, f"{server}/")
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
    open_section(page, "Money")
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
    # ipympl's per-frame copy of its canvas as a data URL is skipped in the app; any other
    # call of toDataURL is untouched
    assert page.evaluate("() => window.__csLazyDataUrl") is True
    assert page.evaluate("() => { const c = document.createElement('canvas'); c.width = c.height = 4; return c.toDataURL(); }").startswith("data:image/png;base64,")
    page.close(run_before_unload=True)


# -- helpers for the app's own features ---------------------------------------------------------

SECTIONS = ("PhD details", "Money", "Market and risk (advanced)", "Simulation", "Share and save")


def open_section(page, title: str) -> None:
    """Open one of the collapsed groups of controls (an accordion section) by its title."""
    header = page.locator(".cs-sections .jupyter-widget-Collapse-header, .cs-sections .lm-AccordionPanel-title, .cs-sections .p-Collapse-header").filter(has_text=title).first
    header.click()
    page.wait_for_timeout(300)


def press_right(page, css: str, times: int = 1) -> float:
    handle = page.locator(f"{css} .noUi-handle")
    handle.scroll_into_view_if_needed()
    handle.focus()
    for _ in range(times):
        page.keyboard.press("ArrowRight")
    return float(handle.get_attribute("aria-valuenow"))


def app_page(ctx, url: str, width: int, height: int):
    page = open_app(ctx, url)
    page.set_viewport_size({"width": width, "height": height})
    return page


SECTION_CONTROLS = {
    "PhD details": [".cs-funding", ".cs-phd-years", ".cs-advisor-sd"],
    "Money": [".cs-place", ".cs-spending-rule", ".cs-savings-rate", ".cs-living-cost-usd", ".cs-net-worth"],
    "Market and risk (advanced)": [".cs-market-model", ".cs-return-mean", ".cs-layoff-hazard", ".cs-bust-probability"],
    "Simulation": [".cs-horizon-years", ".cs-worlds", ".cs-seed"],
    "Share and save": [".cs-link-text", ".cs-copy-link", ".cs-download-link", ".cs-upload"],
}
SIZES = [(390, 844), (1024, 768), (1366, 768), (1440, 900)]
CONTROL_CSS = [".cs-" + n.replace("_", "-") for n in (
    "offer_usd", "residency_pay_usd", "stipend_usd", "grant_usd", "real_raise", "funding", "phd_years", "advisor_sd",
    "place", "spending_rule", "savings_rate", "living_cost_usd", "net_worth", "market_model", "return_mean",
    "layoff_hazard", "bust_probability", "horizon_years", "worlds", "seed", "age", "baseline", "bands", "fan_scale")]


def figure_not_clipped(page) -> None:
    """The figure's canvas is shown whole and unscaled: no element around it (up to the
    results column) cuts it off."""
    geo = page.evaluate("""() => {
      const c = document.querySelector('.cs-figure canvas');
      if (!c) return null;
      const b = c.getBoundingClientRect(), cut = [];
      for (let e = c.parentElement; e && !e.classList.contains('cs-results'); e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
        const r = e.getBoundingClientRect();
        if (b.top < r.top - 1 || b.bottom > r.bottom + 1 || b.left < r.left - 1 || b.right > r.right + 1)
          cut.push([e.className.toString().slice(0, 60), [r.top, r.bottom, r.left, r.right]]);
      }
      return {cut, css: [b.width, b.height], pixels: [c.width, c.height]};
    }""")
    assert geo is not None, "no figure canvas"
    assert geo["cut"] == [], f"the figure is cut off by {geo['cut']} ({geo})"
    (cw, ch), (pw, ph) = geo["css"], geo["pixels"]
    assert abs(ch / cw - ph / pw) < 0.01 * ph / pw, f"the figure is drawn squashed: {geo}"


def figure_screenshot(page, path: Path) -> None:
    """An element screenshot of the whole figure. Voila's page scrolls inside an element
    (``#rendered_cells``), and Chromium paints only its visible part: a figure taller than
    the window would come out with its top and bottom blank. The window is made taller for
    the screenshot (same width, so the figure keeps its size) and then restored."""
    fig = page.locator(".cs-figure").first
    size = page.viewport_size
    box = fig.bounding_box()
    tall = box is not None and box["height"] + 40 > size["height"]
    if tall:
        page.set_viewport_size({"width": size["width"], "height": int(box["height"]) + 80})
        page.wait_for_timeout(300)
    try:
        fig.screenshot(path=path)
    finally:
        if tall:
            page.set_viewport_size(size)
            page.wait_for_timeout(300)


# -- 2. kernels freed ---------------------------------------------------------------------------

def test_closed_and_reloaded_pages_release_their_kernels(app, browser):
    from careersim._app import DEFAULT_POOL_SIZE

    url, proc = app
    # earlier tests' pages are closed: their kernels are gone (shut down or culled); the
    # preheated kernels stay (the idle cull never takes a kernel waiting in the pool)
    baseline = wait_for_kernels(proc, DEFAULT_POOL_SIZE, timeout_s=120)
    assert baseline == DEFAULT_POOL_SIZE
    pages = [open_app(browser, f"{url}/") for _ in range(3)]
    assert wait_for_kernels(proc, baseline + 3) == baseline + 3  # one per page, and the pool refilled
    # a reload: the old page's kernel goes, the new page gets one
    pages[0].reload(wait_until="commit")
    pages[0].wait_for_selector(".cs-summary table", timeout=90_000)
    assert wait_for_kernels(proc, baseline + 3) == baseline + 3
    # closed like a person closes a tab: the page asks Voila to shut its kernel down
    pages[0].close(run_before_unload=True)
    pages[1].close(run_before_unload=True)
    assert wait_for_kernels(proc, baseline + 1) == baseline + 1, "closed pages kept their kernels"
    # a page that vanishes without a word (no beforeunload): its idle kernel is culled
    pages[2].close(run_before_unload=False)
    assert wait_for_kernels(proc, baseline, timeout_s=120) == baseline, "an abandoned kernel was never culled"
    log = (ARTIFACTS / "voila.log").read_text()
    assert "_xsrf' argument missing" not in log
    # the pooled kernel outlived the cull (idle longer than --cull-idle): the next page uses it
    used = log.count("Using pre-heated kernel")
    page = open_app(browser, f"{url}/")
    assert (ARTIFACTS / "voila.log").read_text().count("Using pre-heated kernel") == used + 1
    assert page.locator(".cs-error").count() == 0
    page.close(run_before_unload=True)


def test_kernels_run_with_the_malloc_settings(app):
    from careersim._app import KERNEL_MALLOC_ENV

    url, proc = app
    deadline = time.monotonic() + 120
    while not kernels_of(proc) and time.monotonic() < deadline:  # the pool's kernel, at least
        time.sleep(0.5)
    pid = kernels_of(proc)[0]
    env = dict(x.split(b"=", 1) for x in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0") if b"=" in x)
    for key, value in KERNEL_MALLOC_ENV.items():
        assert env.get(key.encode()) == value.encode(), key


# -- 3. any screen ------------------------------------------------------------------------------

@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_any_screen(server, browser, width, height):
    page = app_page(browser, f"{server}/", width, height)
    page.wait_for_timeout(1500)  # the figure is redrawn at the results' width
    settled_figure(page, None)
    name = f"screen_{width}x{height}"
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=False)
    page.screenshot(path=ARTIFACTS / f"{name}_full.png", full_page=True)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}x{height}"
    geo = page.evaluate("""() => {
      const r = e => e.getBoundingClientRect();
      const res = r(document.querySelector('.cs-results')), ctl = r(document.querySelector('.cs-controls'));
      const fig = document.querySelector('.cs-figure canvas') || document.querySelector('.cs-figure');
      const table = r(document.querySelector('.cs-table'));
      return {res: [res.left, res.right, res.top], ctl: [ctl.left, ctl.right, ctl.bottom, ctl.top], fig: [r(fig).left, r(fig).right, r(fig).width],
              table: [table.left, table.right]};
    }""")
    res_left, res_right, res_top = geo["res"]
    assert geo["fig"][1] <= res_right + 1 and geo["fig"][1] <= width, geo
    figure_not_clipped(page)
    figure_screenshot(page, ARTIFACTS / f"{name}_figure.png")
    assert geo["fig"][2] >= 0.9 * (res_right - res_left), f"the figure does not follow its container: {geo}"
    if width < 800:
        assert geo["ctl"][2] <= res_top + 1, f"controls do not stack above the results: {geo}"
    # the most used controls are within the first screen (after the page's short introduction)
    for css in (".cs-offer-usd", ".cs-residency-pay-usd", ".cs-stipend-usd", ".cs-grant-usd"):
        box = page.locator(css).bounding_box()
        assert box["y"] + box["height"] <= height and box["x"] >= 0 and box["x"] + box["width"] <= width, (css, box)
    # every control reachable: inside the page's width (in its section, opened one at a time)
    def reachable(css: str) -> None:
        loc = page.locator(css)
        loc.scroll_into_view_if_needed()
        box = loc.bounding_box()
        assert box is not None and box["x"] >= -1 and box["x"] + box["width"] <= width + 1, (css, box)

    for css in CONTROL_CSS[:5] + CONTROL_CSS[-4:]:
        reachable(css)
    for title, names in SECTION_CONTROLS.items():
        open_section(page, title)
        for css in names:
            reachable(css)
        assert page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0, title
        page.screenshot(path=ARTIFACTS / f"{name}_{title.split()[0].lower()}.png")
    page.close(run_before_unload=True)


# -- 5. controls for all four roads ---------------------------------------------------------------

def test_controls_of_the_four_roads(server, browser):
    page = open_app(browser, f"{server}/")
    for css, name, career in ((".cs-residency-pay-usd", "residency_pay_usd", "residency"), (".cs-grant-usd", "grant_usd", "independent"),
                              (".cs-stipend-usd", "stipend_usd", "phd")):
        before = money(cell(page, career, "cs-median"))
        value = press_right(page, css, 10)
        wait_for_input(page, name, value)
        after = money(cell(page, career, "cs-median"))
        assert after > before, (name, before, after)
        readout = page.inner_text(f"{css} .widget-readout")
        assert readout.startswith("$") and readout.replace("$", "").replace(",", "").isdigit(), readout
        assert value % 1000 == 0, f"{name} steps land on {value}"  # round steps
    # the career P(ahead) is measured against
    page.select_option(".cs-baseline select", label="ML PhD")
    page.wait_for_function("() => document.querySelector('.cs-summary table').dataset.baseline === 'phd'", timeout=30_000)
    assert "P(ahead of ML PhD)" in page.inner_text(".cs-summary th:last-child")
    # careers shown in the figure
    fig = settled_figure(page, None)
    page.locator(".cs-show-independent input").uncheck()
    settled_figure(page, fig)
    page.screenshot(path=ARTIFACTS / "roads_after.png", full_page=True)
    assert page.locator(".cs-error").count() == 0
    page.close(run_before_unload=True)


# -- 6. share and save ----------------------------------------------------------------------------

def test_link_restores_the_same_numbers(server, browser):
    page = open_app(browser, f"{server}/")
    offer = press_right(page, ".cs-offer-usd", 3)
    wait_for_input(page, "offer_usd", offer)
    page.select_option(".cs-baseline select", label="AI residency")
    page.wait_for_function("() => location.search.includes('baseline=residency') && location.search.includes('offer_usd=')", timeout=30_000)
    open_section(page, "Simulation")
    page.locator(".cs-seed input").fill("7")
    page.locator(".cs-seed input").press("Enter")
    wait_for_input(page, "seed", 7)
    page.wait_for_function("() => location.search.includes('seed=7')", timeout=30_000)
    link = page.url
    open_section(page, "Share and save")
    assert page.evaluate("() => new URL(document.querySelector('.cs-link-text').value, location.href).href") == link
    table, state = page.evaluate(TABLE_TEXT), inputs(page)
    page.close(run_before_unload=True)
    again = open_app(browser, link)
    assert inputs(again) == state
    assert again.evaluate(TABLE_TEXT) == table  # same seed, same worlds: the same numbers
    assert again.locator(".cs-error").count() == 0
    again.close(run_before_unload=True)


@pytest.mark.parametrize("query", ["offer_usd=abc", "offer_usd=1e999", "nosuch=1", "offer_usd=1&offer_usd=2",
                                   "seed=-1", "market_model=crystal_ball", "%ZZ", "offer_usd=" + "9" * 500])
def test_hostile_links_are_refused_in_the_page(server, browser, query):
    page = open_app(browser, f"{server}/?{query}")
    err = page.locator(".cs-error")
    err.wait_for(timeout=30_000)
    text = err.inner_text()
    assert "link" in text and "were not applied" in text, text
    assert "Traceback" not in page.inner_text("body")
    assert inputs(page)["offer_usd"] == 202_000  # the defaults
    page.close(run_before_unload=True)


def upload(page, path: Path) -> None:
    """Choose a file in the "Load inputs" control, as a person would."""
    with page.expect_file_chooser() as chooser:
        page.locator(".cs-upload").click()
    chooser.value.set_files(str(path))


def test_download_and_load_inputs(server, browser, tmp_path):
    import base64
    import tomllib

    page = open_app(browser, f"{server}/")
    open_section(page, "Share and save")
    href = page.get_attribute(".cs-download-link", "href")
    toml = base64.b64decode(href.split(",", 1)[1]).decode()
    assert tomllib.loads(toml)["engineer"]["start_pay_usd"] == inputs(page)["offer_usd"]

    def with_pay(text: str) -> str:
        return re.sub(r"(?m)^start_pay_usd = .*$", f"start_pay_usd = {text}", toml, count=1)

    # a bad file: the loader's own message, naming the key and what is allowed
    bad = tmp_path / "bad.toml"
    bad.write_text(with_pay("-5"))
    upload(page, bad)
    err = page.locator(".cs-error")
    err.wait_for(timeout=30_000)
    assert "start_pay_usd" in err.inner_text() and "bad.toml" in err.inner_text(), err.inner_text()
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 70_000)
    upload(page, big)
    page.wait_for_function("() => document.querySelector('.cs-error') && document.querySelector('.cs-error').innerText.includes('KiB')", timeout=30_000)
    good = tmp_path / "mine.toml"
    good.write_text(with_pay("300000"))
    upload(page, good)
    wait_for_input(page, "offer_usd", 300_000)
    assert page.locator(".cs-error").count() == 0
    page.close(run_before_unload=True)


# -- 8. JupyterLab ---------------------------------------------------------------------------------

@contextlib.contextmanager
def lab_server(root: Path, log_path: Path, timeout: float = 120.0) -> Iterator[str]:
    port = free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--ServerApp.port={port}", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.root_dir={root}", "--IdentityProvider.token=", "--ServerApp.password=", "--allow-root",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url + "/api/status", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(f"jupyter lab did not start:\n{log_path.read_text()}")
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)
        log.close()


def test_explorer_in_jupyterlab(browser, tmp_path):
    import shutil

    work = tmp_path / "notebooks"  # a copy: JupyterLab autosaves outputs
    work.mkdir()
    shutil.copy(NOTEBOOKS / "explorer.ipynb", work / "explorer.ipynb")
    with lab_server(work, ARTIFACTS / "lab.log") as url:
        page = browser.new_page()
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{url}/lab/tree/explorer.ipynb", wait_until="domcontentloaded")
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        page.wait_for_timeout(3000)  # the kernel starts
        page.locator(".jp-Notebook").first.click()
        page.keyboard.press("Escape")
        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).first.click()
        page.wait_for_selector(".cs-summary table", timeout=180_000)
        fig0 = settled_figure(page, None, timeout_s=120)
        page.screenshot(path=ARTIFACTS / "lab_0.png")
        geo = page.evaluate("""() => {
          const out = document.querySelector('.cs-explorer').closest('.jp-OutputArea-output') || document.querySelector('.cs-explorer');
          const c = document.querySelector('.cs-figure canvas');
          return [out.getBoundingClientRect().right, c.getBoundingClientRect().right, c.getBoundingClientRect().width];
        }""")
        assert geo[1] <= geo[0] + 1, f"the figure is clipped by the output area: {geo}"
        offer = press_right(page, ".cs-offer-usd", 2)
        wait_for_input(page, "offer_usd", offer, timeout_ms=60_000)
        fig1 = settled_figure(page, fig0, timeout_s=60)
        page.screenshot(path=ARTIFACTS / "lab_1_after_offer.png")
        assert fig1 != fig0
        assert page.evaluate("() => window.__csLazyDataUrl") is None  # JupyterLab keeps ipympl's data URL (a saved notebook's image)
        page.close()


# -- named paths, the lens menu and the assumptions toggle (issue 16 item 9) -----------------------

def open_paths_section(page) -> None:
    header = page.locator(".cs-paths-section .jupyter-widget-Collapse-header, .cs-paths-section .lm-AccordionPanel-title, "
                          ".cs-paths-section .p-Collapse-header").first
    header.click()
    page.locator(".cs-new-path-name input").wait_for(state="visible", timeout=30_000)


def no_sideways_scroll(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_add_a_path_then_change_lens_and_assumptions(server, browser, width, height):
    from playwright.sync_api import expect

    page = app_page(browser, f"{server}/", width, height)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.wait_for_timeout(1000)  # the figure is redrawn at the results' width
    fig0 = settled_figure(page, None)
    name = f"paths_{width}x{height}"

    # a bad name: the library's message in the page, no path added
    open_paths_section(page)
    page.fill(".cs-new-path-name input", "Bad Name")
    page.click(".cs-add-path")
    expect(page.locator(".cs-message .cs-error")).to_contain_text("lower-case letters", timeout=30_000)
    assert page.locator(".cs-path").count() == 0

    # add an engineer offer in Seattle
    page.fill(".cs-new-path-name input", "offer-b")
    page.locator(".cs-new-path-kind select").select_option(label="Research engineer")
    page.click(".cs-add-path")
    expect(page.locator(".cs-summary tr[data-career='offer-b']")).to_be_visible(timeout=60_000)
    expect(page.locator(".cs-path")).to_have_count(1)
    fig1 = settled_figure(page, fig0)
    assert fig1 != fig0
    page.locator(".cs-path .cs-path-place select").select_option(label="Seattle")
    page.wait_for_function("() => { const t = document.querySelector('.cs-summary'); return t && /seattle/.test(document.querySelector('.cs-link-text').value); }",
                           timeout=60_000)
    fig1 = settled_figure(page, fig1)
    assert page.locator(".cs-baseline select option", has_text="offer-b").count() == 1  # "compare with" lists the path
    page.screenshot(path=ARTIFACTS / f"{name}_1_path.png", full_page=False)
    page.locator(".cs-path").screenshot(path=ARTIFACTS / f"{name}_1_path_row.png")

    # the lens: present value of after-tax income
    page.locator(".cs-lens select").select_option(label="PV of after-tax income")
    expect(page.locator(".cs-summary table[data-lens='income_pv']")).to_have_count(1, timeout=60_000)
    expect(page.locator(".cs-summary th").nth(1)).to_contain_text("present value of after-tax income")
    fig2 = settled_figure(page, fig1)
    assert fig2 != fig1

    # the assumptions: uncertain (priors drawn per world); the heading says what the intervals contain
    page.locator(".cs-assumptions select").select_option(label="uncertain (drawn per world)")
    expect(page.locator(".cs-uncertainty[data-assumptions='uncertain']")).to_have_count(1, timeout=90_000)
    expect(page.locator(".cs-uncertainty")).to_contain_text("uncertain assumptions drawn from their priors")
    fig3 = settled_figure(page, fig2)
    assert fig3 != fig2
    page.screenshot(path=ARTIFACTS / f"{name}_2_lens_assumptions.png", full_page=False)
    page.screenshot(path=ARTIFACTS / f"{name}_2_full.png", full_page=True)
    figure_not_clipped(page)
    figure_screenshot(page, ARTIFACTS / f"{name}_3_figure.png")
    for end in ("start", "end"):  # what a person sees scrolling to the figure's top and bottom
        page.evaluate("end => document.querySelector('.cs-figure').scrollIntoView({block: end})", end)
        page.wait_for_timeout(200)
        page.screenshot(path=ARTIFACTS / f"{name}_3_figure_{end}.png")
    page.locator(".cs-summary").screenshot(path=ARTIFACTS / f"{name}_3_table.png")
    assert no_sideways_scroll(page) <= 0
    box = page.locator(".cs-path").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, box
    link = page.locator(".cs-link-text").input_value()
    assert "path1=offer-b~engineer~" in link and "lens=income_pv" in link and "assumptions=uncertain" in link
    assert page.locator(".cs-error").count() == 0
    assert not errors, errors
    page.close(run_before_unload=True)
