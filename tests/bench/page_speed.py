"""Page speed of the dashboards in headless Chromium: first render and one filter change per page.

    python tests/bench/page_speed.py --warehouse DIR [--screenshots DIR] [--runs N]

DIR must hold a published snapshot (`peerwh run`). The app runs in demo mode (a state analyst,
who sees every page). Timings come from the browser: Streamlit marks its root element with the
script's run state (`data-test-script-state`), and a MutationObserver stamps, with
`performance.now()`, when a run triggered by the filter change starts and ends. A page's first
render ends when its script has finished and every Plotly chart has drawn. Targets (issue 4):
first render at most 2 s, a filter change at most 0.5 s; each figure is the median of `--runs`
loads of the page (a fresh browser session each), and "cold" is the page's first load, before
its queries are in Streamlit's cache.

Also writes one full-page screenshot per page when `--screenshots` is given (the ones in
dashboards/screenshots/ that the docs link to).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.e2e.conftest import APP, CHROMIUM, CHROMIUM_ARGS, _free_port, _healthy, _stop  # noqa: E402
from tests.e2e.helpers import screenshot  # noqa: E402

# (url path, the page's title in the navigation) in navigation order; the default page is "/".
PAGES: tuple[tuple[str, str], ...] = (
    ("", "Overview"),
    ("workforce", "Peer workforce"),
    ("utilization", "Utilization"),
    ("integrity", "Program integrity"),
    ("complaints", "Complaints"),
    ("waiver_metrics", "Waiver metrics"),
    ("data_quality", "Data quality"),
)
FIRST_RENDER_TARGET_S = 2.0
FILTER_CHANGE_TARGET_S = 0.5
TIMEOUT_MS = 120_000

# True once the script has run to the end, no element is still a loading skeleton (Plotly's
# component loads lazily) and every chart container holds a drawn Plotly plot.
_RENDERED = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning') return false;
    if (document.querySelector('[data-testid="stSkeleton"]')) return false;
    return [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .every(chart => chart.querySelector('.main-svg') !== null);
}"""

# Stamps the next run: window.__run = {start, end} in performance.now() milliseconds.
_WATCH_NEXT_RUN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    window.__run = {start: null, end: null};
    const observer = new MutationObserver(() => {
        const state = app.dataset.testScriptState;
        if (state === 'running' && window.__run.start === null) {
            window.__run.start = performance.now();
        } else if (state === 'notRunning' && window.__run.start !== null) {
            window.__run.end = performance.now();
            observer.disconnect();
        }
    });
    observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
    window.__clicked = performance.now();
}"""


@dataclass(frozen=True)
class PageTiming:
    path: str
    title: str
    cold_render_s: float  # the page's first load: its queries not yet in Streamlit's cache
    first_render_s: float  # median of the loads
    filter_change_s: float | None  # None: the page has no select box to change
    filter_label: str


def _serve(warehouse: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PEERWH_WAREHOUSE_DIR": str(warehouse),
        "PEERWH_AUTH": "none",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    command = [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true", "--server.port", str(port),
        "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
        "--server.enableStaticServing", "true",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.perf_counter() + 60
    while not _healthy(url):
        if process.poll() is not None or time.perf_counter() > deadline:
            _stop(process)
            raise SystemExit("the Streamlit server did not start")
        time.sleep(0.1)
    return process, url


def first_render_s(page: Page, url: str) -> float:
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_function(_RENDERED, timeout=TIMEOUT_MS)
    return time.perf_counter() - start


def filter_change_s(page: Page) -> tuple[float | None, str]:
    """Pick another option of the page's first select box; seconds until that rerun ends."""
    boxes = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
    for index in range(boxes.count()):
        box = boxes.nth(index)
        if box.locator("input[disabled]").count():
            continue
        label = (box.locator("label").first.text_content() or "").strip()
        box.click()
        options = page.get_by_role("option")
        if options.count() < 2:
            page.keyboard.press("Escape")
            continue
        target = options.nth(1)
        page.evaluate(_WATCH_NEXT_RUN)
        target.click()
        page.wait_for_function(
            "() => window.__run && window.__run.end !== null", timeout=TIMEOUT_MS
        )
        page.wait_for_function(_RENDERED, timeout=TIMEOUT_MS)
        elapsed_ms = page.evaluate("() => window.__run.end - window.__clicked")
        return float(elapsed_ms) / 1000, label
    return None, ""


def measure(warehouse: Path, runs: int = 3, screenshots: Path | None = None) -> list[PageTiming]:
    process, url = _serve(warehouse)
    timings: list[PageTiming] = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            page = context.new_page()
            first_render_s(page, url)  # warm the server: imports, first snapshot read
            offered = set(
                page.eval_on_selector_all(
                    '[data-testid="stSidebarNav"] a',
                    "links => links.map(a => new URL(a.href).pathname.replace(/^\\//, ''))",
                )
            )
            for path, title in PAGES:
                if path not in offered:
                    print(f"  (no page at /{path} in this app; skipped)")
                    continue
                renders, changes, label = [], [], ""
                for _ in range(runs):
                    renders.append(first_render_s(page, f"{url}/{path}"))
                    change, label = filter_change_s(page)
                    if change is not None:
                        changes.append(change)
                timings.append(
                    PageTiming(
                        path,
                        title,
                        renders[0],
                        statistics.median(renders),
                        statistics.median(changes) if changes else None,
                        label,
                    )
                )
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    first_render_s(page, f"{url}/{path}")
                    screenshot(page, screenshots / f"{path or 'overview'}.png")
            browser.close()
    finally:
        _stop(process)
    return timings


def report(timings: list[PageTiming]) -> str:
    lines = [
        f"  {'page':<22}{'cold render':>13}{'first render':>14}{'filter change':>15}  filter",
        *(
            f"  {t.title:<22}{t.cold_render_s:>11.2f} s{t.first_render_s:>12.2f} s"
            + (f"{t.filter_change_s:>13.2f} s" if t.filter_change_s is not None else f"{'-':>15}")
            + f"  {t.filter_label}"
            for t in timings
        ),
        f"  targets: first render <= {FIRST_RENDER_TARGET_S} s, "
        f"filter change <= {FILTER_CHANGE_TARGET_S} s (medians)",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--screenshots", type=Path)
    args = parser.parse_args()
    print(report(measure(args.warehouse.resolve(), args.runs, args.screenshots)))


if __name__ == "__main__":
    main()
