"""``make screenshots``: PNGs of report.html for the README, taken with headless Chromium.

Runs ``numcheck run examples/`` into a temporary folder and photographs its report.html with
Debian's ``chromium`` (or ``$NUMCHECK_CHROMIUM``): ``docs/report.png`` (the top of the page:
summary, contents and the first subject) and ``docs/report-subjects.png`` (the next subjects,
one on a log axis with an open end). Exits 2 with a message when no Chromium is found.

The helpers here (``find_chromium``, ``run_chromium``, ``dump_dom``, ``screenshot``) are also
what ``tests/test_html_report.py`` drives the browser with.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# A quiet, offline browser: no first-run pages, no updates, no sync, no network of its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
         "--run-all-compositor-stages-before-draw",
         "--enable-logging=stderr", "--v=0")
# What a page's own errors look like in Chromium's log (not the browser's dbus chatter).
PAGE_ERRORS = ("Uncaught", "ERROR:CONSOLE", ":CONSOLE(")


def find_chromium() -> str | None:
    """The Chromium binary to use: ``$NUMCHECK_CHROMIUM``, else the first on PATH; or None."""
    given = os.environ.get("NUMCHECK_CHROMIUM")
    if given:
        return given if Path(given).exists() or shutil.which(given) else None
    return next((p for p in map(shutil.which, NAMES) if p), None)


def run_chromium(binary: str, url: str, *extra: str,
                 timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on ``url`` with a fresh profile; returns the finished process."""
    with tempfile.TemporaryDirectory(prefix="numcheck-chromium-") as profile:
        return subprocess.run(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--virtual-time-budget=3000",
             *extra, url], capture_output=True, text=True, timeout=timeout, check=False,
            env={**os.environ, "HOME": profile})


def page_errors(log: str) -> list[str]:
    """The lines of a Chromium log that report an error of the page (console, script)."""
    return [line for line in log.splitlines() if any(p in line for p in PAGE_ERRORS)]


def dump_dom(binary: str, page: Path) -> tuple[str, list[str]]:
    """(the DOM after load, the page's console errors) of a local file."""
    proc = run_chromium(binary, page.resolve().as_uri(), "--dump-dom")
    return proc.stdout, page_errors(proc.stderr)


def screenshot(binary: str, page: Path, png: Path, width: int = 1000,
               height: int = 1200) -> list[str]:
    """Write a PNG of the top of the page; returns its console errors."""
    png.parent.mkdir(parents=True, exist_ok=True)
    proc = run_chromium(binary, page.resolve().as_uri(), f"--window-size={width},{height}",
                        f"--screenshot={png.resolve()}")
    if not png.is_file():
        raise RuntimeError(f"chromium wrote no screenshot: {proc.stderr[-500:]}")
    return page_errors(proc.stderr)


def main(argv: list[str] | None = None) -> int:
    """Write the README's screenshots; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", default=str(ROOT / "docs"), help="folder for the PNGs (docs/)")
    args = ap.parse_args(argv)
    binary = find_chromium()
    if binary is None:
        print("screenshots: no chromium found (apt-get install chromium, or set "
              "NUMCHECK_CHROMIUM)", file=sys.stderr)
        return 2
    sys.path.insert(0, str(ROOT))
    from checker.cli import main as numcheck

    with tempfile.TemporaryDirectory() as tmp:
        if numcheck(["run", str(ROOT / "examples"), "--out", tmp, "--quiet"]) not in (0, 1):
            print("screenshots: numcheck run failed", file=sys.stderr)
            return 2
        page = Path(tmp) / "report.html"
        out = Path(args.out)
        errors = screenshot(binary, page, out / "report.png", 1000, 1150)
        # Chromium's --screenshot does not scroll to a #fragment: photograph a copy of the page
        # that hides its top and first subject instead.
        rest = page.with_name("report-rest.html")
        rest.write_text(page.read_text(encoding="utf-8").replace(
            "</head>", "<style>body>h1,body>p,nav,#s-1{display:none}</style></head>", 1),
            encoding="utf-8")
        errors += screenshot(binary, rest, out / "report-subjects.png", 1000, 1000)
    for e in errors:
        print(f"screenshots: page error: {e}", file=sys.stderr)
    print(f"screenshots: wrote {out / 'report.png'} and {out / 'report-subjects.png'}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
