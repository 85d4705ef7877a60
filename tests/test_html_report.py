"""Tests for report.html: the page, its pictures, and the page as headless Chromium shows it."""
from __future__ import annotations

import csv
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.cli import main
from checker.html_report import (
    SubjectView,
    _lanes,
    choose_axis,
    interval_svg,
    render_html,
    run_html,
)
from checker.model import Claim, Conflict

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from screenshots import dump_dom, find_chromium, page_errors, run_chromium  # noqa: E402 - from bench/


class Page(HTMLParser):
    """What a test needs of the page: per subject section, its conflicts and intervals."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: dict[str, dict[str, int]] = {}
        self.current = ""
        self.anchors: set[str] = set()
        self.links: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.anchors.add(a["id"] or "")
        if tag == "section" and "subject" in (a.get("class") or ""):
            self.current = a.get("data-subject") or ""
            self.sections[self.current] = {"conflicts": int(a.get("data-conflicts") or 0),
                                           "intervals": 0, "svgs": 0}
        elif tag == "svg" and self.current:
            self.sections[self.current]["svgs"] += 1
        elif tag == "a" and "interval" in (a.get("class") or "").split():
            self.sections[self.current]["intervals"] += 1
            self.links.append((a.get("href") or "").lstrip("#"))
        elif tag == "title" and not self.title:
            self._in_title = True

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title, self._in_title = data, False


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    return page


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``numcheck run examples/`` once, into a temporary folder."""
    out = tmp_path_factory.mktemp("demo")
    assert main(["run", str(ROOT / "examples"), "--out", str(out), "--quiet"]) == 0
    return out


def expected(out: Path) -> tuple[set[str], Counter[str]]:
    """(subjects with a conflict, claims per subject) from the run's CSVs."""
    with (out / "conflicts.csv").open(encoding="utf-8") as fh:
        conflicting = {r["subject"] for r in csv.DictReader(fh) if r["kind"] == "conflict"}
    with (out / "claims.csv").open(encoding="utf-8") as fh:
        claims = Counter(r["subject"] for r in csv.DictReader(fh) if r["counted"])
    return conflicting, claims


def check_page(page: Page, out: Path) -> None:
    """Every conflicting subject shown, with one SVG and one interval per claim, each linking
    to a quote on the page; subjects with conflicts come first."""
    conflicting, claims = expected(out)
    assert conflicting and set(page.sections) == set(claims)
    assert {s for s, v in page.sections.items() if v["conflicts"]} == conflicting
    for subject, v in page.sections.items():
        assert v["svgs"] == 1 and v["intervals"] == claims[subject], subject
    assert page.links and all(link in page.anchors for link in page.links)
    order = [v["conflicts"] > 0 for v in page.sections.values()]
    assert order == sorted(order, reverse=True)


def test_run_writes_report_html(demo: Path) -> None:
    """report.html sits next to report.md and shows what the CSVs hold."""
    text = (demo / "report.html").read_text(encoding="utf-8")
    check_page(parse(text), demo)


def test_page_is_self_contained(demo: Path) -> None:
    """No script, no external resource, and a policy that forbids both."""
    text = (demo / "report.html").read_text(encoding="utf-8").lower()
    assert "<script" not in text and "<link" not in text and " src=" not in text
    assert "default-src 'none'" in text
    # the SVG namespace is a name, not a fetch; no other address is on the page
    assert "://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_scale_is_log_when_figures_span_orders_of_magnitude(demo: Path) -> None:
    """workers (100 to 9,999) and cost (up to £25m against £250m) are drawn on log axes,
    protesters (1,500 against 5,000) on a linear one."""
    text = (demo / "report.html").read_text(encoding="utf-8")
    scales = {}
    for part in text.split('<section class="subject"')[1:]:
        subject = part.split('data-subject="', 1)[1].split('"', 1)[0]
        scales[subject] = part.split('data-scale="', 1)[1].split('"', 1)[0]
    assert scales["workers||count"] == "log" and scales["cost||money"] == "log"
    assert scales["protesters||count"] == "linear"


def _claim(cid: str, low: float, high: float, **kw: object) -> Claim:
    base: dict[str, object] = {
        "claim_id": cid, "doc_id": "d", "source": "S", "published": "", "start": 0, "end": 1,
        "surface": "x", "value": low, "low": low, "high": high, "qualifier": "exact",
        "unit": "count", "counted": "people", "subject": "people||count", "scope": "",
        "claimant": "", "sentence": "x"}
    base.update(kw)
    return Claim(**base)  # type: ignore[arg-type]


def test_article_text_is_escaped() -> None:
    """Sources, claimants and quotes cannot add markup to the page or the picture."""
    evil = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    c = _claim("a1", 10, 10, source=evil, claimant=evil, sentence=evil + " x", surface="x",
               start=len(evil) + 1, end=len(evil) + 2)
    d = _claim("b2", 100, float("inf"), source="T")
    f = Conflict("people||count", "conflict", "a1", "b2", evil, "T", evil, "", evil, "y", 10.0,
                 evil)
    page = run_html([c, d], [f], 2)
    assert "<script" not in page and "<img" not in page
    assert page.count("&lt;script&gt;") >= 5


def test_open_ends_and_lanes() -> None:
    """An interval without an upper bound gets an arrow; overlapping figures of one source
    and claimant go in separate lanes, so every interval is drawn."""
    claims = [_claim("a", 100, 200), _claim("b", 150, 300), _claim("c", 250, float("inf"))]
    svg = interval_svg(SubjectView("people||count", claims, []))
    assert svg.count('class="interval ') == 3 and svg.count("<path") == 1
    axis = choose_axis(claims)
    assert not axis.log and len(_lanes(claims, axis)) == 2


def test_empty_report() -> None:
    """A run without claims still writes a valid page."""
    assert "<h1>numcheck report</h1>" in render_html("numcheck report", "0 claims.", [])


chromium = find_chromium()
needs_chromium = pytest.mark.skipif(chromium is None, reason="no chromium binary (apt-get "
                                    "install chromium, or set NUMCHECK_CHROMIUM)")


@needs_chromium
def test_headless_chromium_shows_every_conflicting_subject(demo: Path) -> None:
    """The page loads in headless Chromium without console errors; the DOM it builds shows
    every conflicting subject with the expected number of intervals."""
    assert chromium is not None
    dom, errors = dump_dom(chromium, demo / "report.html")
    assert errors == []
    page = parse(dom)
    assert page.title == "numcheck report"
    check_page(page, demo)


@needs_chromium
def test_console_error_detection_works(tmp_path: Path) -> None:
    """The check above would see an error: a page with a failing script reports one."""
    assert chromium is not None
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><title>x</title><script>no_such_function()</script>")
    proc = run_chromium(chromium, bad.as_uri(), "--dump-dom")
    assert any("no_such_function" in e for e in page_errors(proc.stderr))
