"""report.html: the report as one self-contained page, with a picture of each subject's figures.

For each subject, the figures are drawn as intervals on one axis (a log axis when they span
orders of magnitude), one row per source and claimant, so that intervals that cannot overlap
are seen at a glance; each interval links to its quote further down the page. The pictures are
plain SVG written at build time: the page loads nothing (a Content-Security-Policy forbids any
fetch and any script), needs no JavaScript and prints. Every piece of article text is escaped.
"""
from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .model import Claim, Conflict, Skipped
from .reports import subject_label

# (claim_a, claim_b, kind) -> review status ("new", "open", "confirmed", ...)
Statuses = Mapping[tuple[str, str, str], str]

WIDTH, LABEL_W, PAD_R = 940, 300, 24
LANE_H, ROW_GAP, AXIS_H, TOP = 18, 8, 34, 8
LOG_SPAN = 10.0  # draw on a log axis when the largest figure is this many times the smallest
COLOURS = {"conflict": "#c62828", "scope": "#e08a00", "ok": "#78849a"}


@dataclass(frozen=True)
class SubjectView:
    """One subject of the report: its claims (in document order) and flagged pairs."""

    subject: str
    claims: Sequence[Claim]
    conflicts: Sequence[Conflict]
    statuses: Statuses = field(default_factory=dict)

    @property
    def label(self) -> str:
        return subject_label(self.subject)

    @property
    def n_conflicts(self) -> int:
        return sum(c.kind == "conflict" for c in self.conflicts)

    @property
    def n_scope(self) -> int:
        return sum(c.kind == "scope" for c in self.conflicts)


def claim_flags(conflicts: Iterable[Conflict]) -> dict[str, str]:
    """claim_id -> "conflict" or "scope" for the claims in flagged pairs (others are "ok")."""
    flags: dict[str, str] = {}
    for c in conflicts:
        for mine in (c.claim_a, c.claim_b):
            if c.kind == "conflict" or flags.get(mine) != "conflict":
                flags[mine] = "conflict" if c.kind == "conflict" else "scope"
    return flags


def subject_views(claims: Sequence[Claim], conflicts: Sequence[Conflict],
                  statuses: Statuses | None = None) -> list[SubjectView]:
    """A view per subject (claims with something counted), conflicts first, as report.md."""
    by_subject: dict[str, list[Claim]] = {}
    for c in claims:
        if c.counted:
            by_subject.setdefault(c.subject, []).append(c)
    pairs: dict[str, list[Conflict]] = {}
    for f in conflicts:
        pairs.setdefault(f.subject, []).append(f)
    views = [SubjectView(s, cl, pairs.get(s, []), statuses or {}) for s, cl in by_subject.items()]
    views.sort(key=lambda v: (-v.n_conflicts, -v.n_scope, v.label))
    return views


# --- the picture -------------------------------------------------------------------------------

def _finite(claims: Sequence[Claim]) -> list[float]:
    return [x for c in claims for x in (c.low, c.high, c.value) if math.isfinite(x)]


@dataclass(frozen=True)
class Axis:
    """Maps a figure to an x position; ``log`` for a log10 axis."""

    lo: float
    hi: float
    log: bool

    def x(self, v: float) -> float:
        """The x position of ``v``, clamped to the plot (unbounded ends go to its edges)."""
        left, right = LABEL_W, WIDTH - PAD_R
        if math.isinf(v):
            return right if v > 0 else left
        if self.log:
            if v <= 0:
                return left
            t = (math.log10(v) - self.lo) / (self.hi - self.lo)
        else:
            t = (v - self.lo) / (self.hi - self.lo)
        return left + max(0.0, min(1.0, t)) * (right - left)

    def ticks(self) -> list[float]:
        """Round figures to label the axis with (about five)."""
        if self.log:
            decades = list(range(math.ceil(self.lo), math.floor(self.hi) + 1))
            steps = (1, 2, 5) if len(decades) <= 2 else (1,)
            out = [m * 10.0 ** d for d in range(math.floor(self.lo), math.ceil(self.hi) + 1)
                   for m in steps]
            return [t for t in out if self.lo <= math.log10(t) <= self.hi]
        span = self.hi - self.lo
        raw = span / 5
        mag = 10 ** math.floor(math.log10(raw))
        step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
        first = math.ceil(self.lo / step) * step
        return [first + i * step for i in range(int((self.hi - first) / step) + 1)]


def choose_axis(claims: Sequence[Claim]) -> Axis:
    """A log axis when the figures span orders of magnitude (>= LOG_SPAN), else linear.

    >>> choose_axis([]).log
    False
    """
    values = _finite(claims)
    positive = [v for v in values if v > 0]
    if positive and max(positive) / min(positive) >= LOG_SPAN:
        return Axis(math.log10(min(positive) / 1.6), math.log10(max(positive) * 1.6), True)
    if not values:
        return Axis(0.0, 1.0, False)
    lo, hi = min(values), max(values)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    lo = max(0.0, lo - pad) if lo >= 0 else lo - pad
    return Axis(lo, hi + pad, False)


def short_number(v: float) -> str:
    """A compact tick label: 950, 1.5k, 20k, 2.5m, 1bn.

    >>> [short_number(v) for v in (950, 1500, 20000, 2.5e6, 1e9, 0.25)]
    ['950', '1.5k', '20k', '2.5m', '1bn', '0.25']
    """
    for size, suffix in ((1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(v) >= size:
            return f"{v / size:.3g}{suffix}"
    return f"{v:.3g}"


def _rows(claims: Sequence[Claim]) -> list[tuple[tuple[str, str], list[Claim]]]:
    """One row per (source, claimant), in the order they first appear."""
    rows: dict[tuple[str, str], list[Claim]] = {}
    for c in claims:
        rows.setdefault((c.source, c.claimant), []).append(c)
    return list(rows.items())


def _row_height(who: str, lanes: Sequence[object]) -> int:
    """A row is as high as its lanes, and has room for a second label line (the claimant)."""
    return max(len(lanes) * LANE_H, 30 if who else LANE_H)


def _lanes(claims: Sequence[Claim], axis: Axis) -> list[list[Claim]]:
    """Intervals of one row in lanes so that none hides another."""
    lanes: list[tuple[float, list[Claim]]] = []
    for c in sorted(claims, key=lambda c: (axis.x(c.low), axis.x(c.high))):
        x0, x1 = axis.x(c.low), max(axis.x(c.high), axis.x(c.low) + 5)
        for i, (end, members) in enumerate(lanes):
            if x0 > end + 3:
                lanes[i] = (x1, members + [c])
                break
        else:
            lanes.append((x1, [c]))
    return [members for _, members in lanes] or [[]]


def _shorten(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def interval_svg(view: SubjectView) -> str:
    """The subject's figures as intervals on one axis: an inline ``<svg>`` element."""
    e = html.escape
    axis = choose_axis(view.claims)
    flags = claim_flags(view.conflicts)
    rows = [(label, _lanes(members, axis)) for label, members in _rows(view.claims)]
    height = TOP + sum(_row_height(who, lanes) + ROW_GAP for (_, who), lanes in rows) + AXIS_H
    unit = view.claims[0].unit if view.claims else ""
    caption = f"{view.label}: {len(view.claims)} figures" + (", log scale" if axis.log else "")
    scale = "log" if axis.log else "linear"
    out = [(f'<svg xmlns="http://www.w3.org/2000/svg" class="intervals" role="img" '
            f'width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" '
            f'data-intervals="{len(view.claims)}" data-scale="{scale}">'),
           f"<title>{e(caption)}</title>"]
    bottom = height - AXIS_H
    for t in axis.ticks():
        x = axis.x(t)
        label = short_number(t) + ("%" if unit == "percent" else "")
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{TOP - 4}" x2="{x:.1f}" '
                   f'y2="{bottom + 4}"/><text class="tick" x="{x:.1f}" y="{bottom + 17}" '
                   f'text-anchor="middle">{e(label)}</text>')
    out.append(f'<text class="tick" x="{WIDTH - PAD_R}" y="{bottom + 31}" text-anchor="end">'
               f'{e(unit)}{" · log scale" if axis.log else ""}</text>')
    y = TOP
    for (source, who), lanes in rows:
        row_h = _row_height(who, lanes)
        x, mid = LABEL_W - 8, y + row_h / 2
        full = source + (f", according to {who}" if who else "")
        label = f'<tspan x="{x}" y="{mid + (-2 if who else 4):.1f}">{e(_shorten(source, 40))}</tspan>'
        if who:
            label += (f'<tspan class="who" x="{x}" y="{mid + 11:.1f}">'
                      f"{e(_shorten(who, 44))}</tspan>")
        out.append(f'<text class="row" text-anchor="end"><title>{e(full)}</title>{label}</text>')
        top = y + (row_h - len(lanes) * LANE_H) / 2
        for i, lane in enumerate(lanes):
            for c in lane:
                out.append(_interval(c, axis, top + i * LANE_H, flags.get(c.claim_id, "ok")))
        y += row_h + ROW_GAP
        out.append(f'<line class="sep" x1="{LABEL_W}" y1="{y - ROW_GAP / 2:.1f}" '
                   f'x2="{WIDTH - PAD_R}" y2="{y - ROW_GAP / 2:.1f}"/>')
    out.append("</svg>")
    return "\n".join(out)


def _interval(c: Claim, axis: Axis, y: float, flag: str) -> str:
    """One claim: a bar from low to high with a tick at the stated value, linking to its
    quote; an open end (no bound, or off a log axis) gets an arrow head."""
    e = html.escape
    x0, x1 = axis.x(c.low), axis.x(c.high)
    if x1 - x0 < 5:
        mid = (x0 + x1) / 2
        x0, x1 = mid - 2.5, mid + 2.5
    colour = COLOURS.get(flag, COLOURS["ok"])
    tip = (f"{c.surface} ({_fmt(c.low)}–{_fmt(c.high)}), {c.source}"
           + (f", {c.claimant}" if c.claimant else "") + f": {flag}")
    h, top = LANE_H - 5, y + 2.5
    parts = [(f'<a class="interval flag-{flag}" href="#q-{e(c.claim_id)}" '
              f'data-claim="{e(c.claim_id)}"><title>{e(tip)}</title>'),
             (f'<rect x="{x0:.1f}" y="{top:.1f}" width="{x1 - x0:.1f}" height="{h}" rx="2" '
              f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>')]
    if math.isfinite(c.value):
        xv = axis.x(c.value)
        parts.append(f'<line x1="{xv:.1f}" y1="{top - 1:.1f}" x2="{xv:.1f}" '
                     f'y2="{top + h + 1:.1f}" stroke="{colour}" stroke-width="2"/>')
    if math.isinf(c.high):
        parts.append(f'<path d="M{x1:.1f},{top + h / 2:.1f} l-7,-5 v10 z" fill="{colour}"/>')
    if axis.log and c.low <= 0:
        parts.append(f'<path d="M{x0:.1f},{top + h / 2:.1f} l7,-5 v10 z" fill="{colour}"/>')
    parts.append("</a>")
    return "".join(parts)


def _fmt(x: float) -> str:
    if math.isinf(x):
        return "no limit" if x > 0 else "-inf"
    return f"{x:,.0f}" if x == int(x) else f"{x:,.4g}"


# --- the page ----------------------------------------------------------------------------------

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;
 max-width:980px;margin:0 auto;padding:16px 20px 60px;background:#fff}
h1{font-size:1.6em;margin:.3em 0}h2{margin-top:1.8em;border-bottom:2px solid #e3e7ee}
h3{margin-top:1.6em}.summary{font-size:1.05em}.muted{color:#5c6673}
nav ol{columns:2;font-size:.95em}
.badge{display:inline-block;font-size:.78em;font-weight:600;padding:0 .45em;border-radius:.6em;
 background:#e3e7ee;color:#1d232b;vertical-align:.08em}
.k-conflict{background:#fbe3e3;color:#8e1b1b}.k-scope{background:#fdf0d9;color:#7a4b00}
.s-new{background:#1f6feb;color:#fff}.s-reopened{background:#8250df;color:#fff}
.s-confirmed{background:#1a7f37;color:#fff}.s-follow-up{background:#9a6700;color:#fff}
svg.intervals{display:block;max-width:100%;height:auto;margin:.6em 0}
svg .tick{font-size:11px;fill:#5c6673}svg .row{font-size:12px;fill:#1d232b}
svg .who{font-size:11px;fill:#5c6673;font-style:italic}
svg .grid{stroke:#e6e9ef}svg .sep{stroke:#f0f2f5}
svg a.interval:hover rect,svg a.interval:focus rect{fill-opacity:.7}
table{border-collapse:collapse;width:100%;font-size:.9em;margin:.5em 0}
th,td{border-bottom:1px solid #e3e7ee;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.quotes li,.pairs li{margin:.35em 0}mark{background:#fff1a8;padding:0 .1em}
li:target{background:#fff6cc;outline:2px solid #e0b400}
.flag-conflict-t{color:#8e1b1b;font-weight:600}.flag-scope-t{color:#7a4b00}
.legend span{margin-right:1em}.sw{display:inline-block;width:1.4em;height:.7em;
 border:1px solid;vertical-align:middle;margin-right:.3em}
@media print{nav{display:none}section{break-inside:avoid}}
"""
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _quote(c: Claim) -> str:
    """The claim's sentence, escaped, with the figure marked."""
    e = html.escape
    s, t = c.start - c.sentence_start, c.end - c.sentence_start
    if 0 <= s <= t <= len(c.sentence) and c.sentence[s:t] == c.surface:
        return (e(c.sentence[:s]) + "<mark>" + e(c.surface) + "</mark>" + e(c.sentence[t:]))
    return e(c.sentence)


def _section(view: SubjectView, anchor: str, level: int) -> str:
    e = html.escape
    flags = claim_flags(view.conflicts)
    by_id = {c.claim_id: c for c in view.claims}
    out = [(f'<section class="subject" id="{anchor}" data-subject="{e(view.subject)}" '
            f'data-conflicts="{view.n_conflicts}" data-claims="{len(view.claims)}">'),
           f"<h{level}>{e(view.label)}</h{level}>",
           (f'<p class="muted">{view.n_conflicts} conflicts, {view.n_scope} scope differences, '
            f"{len(view.claims)} claims.</p>"),
           interval_svg(view),
           ("<table><thead><tr><th>figure</th><th>low</th><th>high</th><th>qualifier</th>"
            "<th>scope</th><th>source</th><th>claimant</th><th>flag</th></tr></thead><tbody>")]
    for c in view.claims:
        flag = flags.get(c.claim_id, "ok")
        out.append(f'<tr><td><a href="#q-{e(c.claim_id)}">{e(c.surface)}</a></td>'
                   f'<td class="num">{e(_fmt(c.low))}</td><td class="num">{e(_fmt(c.high))}</td>'
                   f"<td>{e(c.qualifier)}</td><td>{e(c.scope)}</td><td>{e(c.source)}</td>"
                   f'<td>{e(c.claimant)}</td><td class="flag-{flag}-t">{flag}</td></tr>')
    out.append("</tbody></table>")
    if view.conflicts:
        out.append('<p><b>Flagged pairs</b></p><ul class="pairs">')
        for f in view.conflicts:
            status = view.statuses.get((f.claim_a, f.claim_b, f.kind), "")
            badge = f'<span class="badge s-{e(status)}">{e(status)}</span> ' if status else ""
            out.append(f'<li class="pair">{badge}<span class="badge k-{e(f.kind)}">{e(f.kind)}'
                       f'</span> {_link(f.claim_a, f.figure_a, by_id)} vs '
                       f"{_link(f.claim_b, f.figure_b, by_id)}: {e(f.reason)}</li>")
        out.append("</ul>")
    out.append('<p><b>Quotes</b></p><ol class="quotes">')
    for c in view.claims:
        flag = flags.get(c.claim_id, "ok")
        who = e(c.source) + (f" ({e(c.claimant)})" if c.claimant else "")
        out.append(f'<li id="q-{e(c.claim_id)}"><b>{e(c.surface)}</b> · {who} · '
                   f'<span class="flag-{flag}-t">{flag}</span>: “{_quote(c)}”</li>')
    out.append("</ol></section>")
    return "\n".join(out)


def _link(claim: str, figure: str, by_id: Mapping[str, Claim]) -> str:
    e = html.escape
    return f'<a href="#q-{e(claim)}">{e(figure)}</a>' if claim in by_id else e(figure)


def render_html(title: str, summary: str, parts: Sequence[tuple[str, Sequence[SubjectView]]],
                skipped: Sequence[Skipped] = (), notes: Sequence[str] = ()) -> str:
    """The whole page. ``parts`` is (heading, subject views) per story; an empty heading puts
    the subjects at the top level (``numcheck run``)."""
    e = html.escape
    body, toc = [], []
    n = 0
    for heading, views in parts:
        level = 3 if heading else 2
        if heading:
            body.append(f'<h2 class="story" id="story-{n}">{e(heading)}</h2>')
            toc.append(f'<li><a href="#story-{n}">{e(heading)}</a></li>')
        for v in views:
            n += 1
            body.append(_section(v, f"s-{n}", level))
            if not heading:
                toc.append(f'<li><a href="#s-{n}">{e(v.label)}</a> '
                           f'<span class="muted">({v.n_conflicts} conflicts)</span></li>')
    legend = "".join(f'<span><i class="sw" style="background:{c}55;border-color:{c}"></i>{k}'
                     f"</span>" for k, c in COLOURS.items())
    head = [f"<h1>{e(title)}</h1>", f'<p class="summary">{e(summary)}</p>']
    head += [f'<p class="muted">{e(x)}</p>' for x in notes]
    if skipped:
        head.append(f"<p>{len(skipped)} inputs skipped: " + "; ".join(
            f"{e(s.path)} ({e(s.reason)})" for s in skipped[:20]) + "</p>")
    head.append(f'<p class="legend muted">{legend} Each bar is the interval a figure allows, '
                "the tick its stated value; an arrow marks an open end. Click a bar for its "
                "quote.</p>")
    if toc:
        head.append("<nav><ol>" + "".join(toc) + "</ol></nav>")
    return ("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(head + body) + "\n</body>\n</html>\n")


def run_html(claims: Sequence[Claim], conflicts: Sequence[Conflict], n_docs: int,
             skipped: Sequence[Skipped] = ()) -> str:
    """report.html of ``numcheck run``: the same subjects and order as report.md."""
    views = subject_views(claims, conflicts)
    n_conf = sum(c.kind == "conflict" for c in conflicts)
    summary = (f"{n_docs} articles, {len(claims)} claims, {len(views)} subjects, {n_conf} "
               f"conflicts, {len(conflicts) - n_conf} scope differences.")
    return render_html("numcheck report", summary, [("", views)], skipped)
