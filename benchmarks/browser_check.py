"""Open a claimbench ``report.html`` in headless Chromium: take a screenshot, fail on any console message.

    python benchmarks/browser_check.py [REPORT_HTML] [--screenshot PNG] [--window-size W,H]

What ``nox -s browser`` runs after the default benchmark. The report runs no script and loads nothing,
so every message Chromium writes to the page's console is a problem: a Content-Security-Policy
violation (something tried to load or run), an uncaught error, a failed resource. Chromium is started
with ``--enable-logging=stderr --v=0``, which copies each console message to stderr as a ``CONSOLE``
line; before the report, a canary page that logs an error checks that this capture works, so a
Chromium that stops logging cannot make the check pass silently. Name resolution is disabled, so the
page cannot reach the network even if it tried.

Exit status: 0 clean, 1 console messages or no screenshot, 2 no browser or no report.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL = "apt-get install -y chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
)
TIMEOUT_S = 120
CANARY = "claimbench-console-canary"
# e.g. [123:123:1125/091349.277835:INFO:CONSOLE:1] "message", source: file:///x.html (1)
#  or  [123:123:1125/091349.277835:INFO:CONSOLE(12)] "message", source: file:///x.html (12)
_CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\]\s*(?P<message>.*)$")


def find_browser() -> str | None:
    """The first Chromium-like browser on PATH."""
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(
    browser: str, page: Path, screenshot: Path, window: str, profile: Path
) -> tuple[list[str], str]:
    """Load ``page`` once: screenshot it, and return its console lines and Chromium's whole log."""
    command = [
        browser,
        *FLAGS,
        f"--user-data-dir={profile}",
        f"--screenshot={screenshot}",
        f"--window-size={window}",
        page.resolve().as_uri(),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, errors="replace", timeout=TIMEOUT_S, check=False
    )
    log = done.stdout + done.stderr
    console = [m.group("message") for line in log.splitlines() if (m := _CONSOLE.search(line))]
    return console, log


def _canary_works(browser: str, work: Path, window: str) -> bool:
    page = work / "canary.html"
    page.write_text(
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>canary</title></head>'
        f'<body><p>canary</p><script>console.error("{CANARY}")</script></body></html>',
        encoding="utf-8",
    )
    console, _ = run_browser(browser, page, work / "canary.png", window, work / "profile-canary")
    return any(CANARY in line for line in console)


def main(argv: list[str] | None = None) -> int:
    """Check one report; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "report", nargs="?", type=Path, default=Path("reports/latest/report.html"), help="the report.html"
    )
    parser.add_argument("--screenshot", type=Path, help="where to write the PNG (default: beside the report)")
    parser.add_argument("--window-size", default="1280,2000", help="viewport W,H (default: 1280,2000)")
    args = parser.parse_args(argv)

    report: Path = args.report
    if not report.is_file():
        print(f"browser_check: {report}: no such file; run the benchmark first", file=sys.stderr)
        return 2
    browser = find_browser()
    if browser is None:
        print(
            f"browser_check: no Chromium on PATH (looked for {', '.join(BROWSERS)}).\n"
            f"Install it (Debian/Ubuntu, as root) with:\n\n    {INSTALL}\n",
            file=sys.stderr,
        )
        return 2
    screenshot: Path = args.screenshot or report.with_suffix(".png")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)

    with tempfile.TemporaryDirectory(prefix="claimbench-browser-") as tmp:
        work = Path(tmp)
        if not _canary_works(browser, work, args.window_size):
            print(
                f"browser_check: {browser} did not report the canary page's console.error on stderr "
                "(--enable-logging=stderr --v=0); console errors cannot be checked with this browser",
                file=sys.stderr,
            )
            return 1
        console, log = run_browser(browser, report, screenshot, args.window_size, work / "profile")

    problems = [f"console: {line}" for line in console]
    if not screenshot.is_file() or screenshot.stat().st_size == 0:
        problems.append(f"no screenshot was written; chromium said:\n{log[-2000:]}")
    for problem in problems:
        print(f"browser_check: {problem}", file=sys.stderr)
    if problems:
        print(f"browser_check: {report}: FAILED, {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"browser_check: {report}: rendered in {Path(browser).name} with no console message")
    print(f"screenshot: {screenshot.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
