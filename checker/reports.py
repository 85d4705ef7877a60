"""Write the reports: claims.csv, conflicts.csv, report.md and the terminal summary.

Tables are pandas frames with the columns fixed by DESIGN.md. Every file is written
to a temporary file in the same folder and renamed into place, so a run killed at any
moment leaves the previous report whole.

**Safe to open.** The CSVs are opened in spreadsheets, so in the columns meant for people
a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a formula to
Excel, LibreOffice, Google Sheets), or with ``'``, gets one leading ``'`` (``csv_text``).
The quote is hidden by spreadsheets and the encoding is reversible: ``raw_cell`` drops it.
Left raw, because programs read them and a spreadsheet reads them as ids or numbers: the
ids (``claim_id``, ``conflicts_with``, ``claim_a``, ``claim_b``) and the numbers
(``start``, ``end``, ``value``, ``low``, ``high``, ``ratio``). Neutralised: every other
column (``NEUTRALISED`` lists them per file). The tables that ``claims_table`` and
``conflicts_table`` return hold raw values; only the CSV text is neutralised.

report.md quotes article text; ``_md`` escapes it so that ``|``, backticks, ``<script>``,
links (``[x](javascript:...)``) and line breaks of any kind cannot break a table or run
anything. The terminal summary drops control characters (escape sequences).
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where a table is built: batch and review need no pandas
    import pandas as pd

from .model import Claim, Conflict, Skipped

CLAIM_COLUMNS = ["claim_id", "doc_id", "source", "published", "start", "end", "surface", "value",
                 "low", "high", "qualifier", "unit", "counted", "subject", "scope", "claimant",
                 "flag", "conflicts_with", "sentence"]
CONFLICT_COLUMNS = ["subject", "kind", "claim_a", "claim_b", "source_a", "source_b",
                    "claimant_a", "claimant_b", "figure_a", "figure_b", "ratio", "reason"]


# Columns left raw for programs (ids and numbers); every other column is neutralised.
RAW_COLUMNS = frozenset({"claim_id", "conflicts_with", "claim_a", "claim_b", "start", "end",
                         "value", "low", "high", "ratio"})
SKIPPED_COLUMNS = ["path", "reason"]
NEUTRALISED = {
    "claims.csv": [c for c in CLAIM_COLUMNS if c not in RAW_COLUMNS],
    "conflicts.csv": [c for c in CONFLICT_COLUMNS if c not in RAW_COLUMNS],
    "skipped.csv": SKIPPED_COLUMNS,
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def neutralise(cell: object) -> str:
    """A cell a spreadsheet shows as text: a leading ``'`` before what would start a formula.

    >>> neutralise("=SUM(A1)"), neutralise("-3"), neutralise("3,000")
    ("'=SUM(A1)", "'-3", '3,000')
    >>> neutralise("'quoted")
    "''quoted"
    """
    text = "" if cell is None else str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


def raw_cell(cell: str) -> str:
    """The value ``neutralise`` was given: drops the one leading ``'`` it adds.

    >>> raw_cell(neutralise("=1+1")), raw_cell(neutralise("'a")), raw_cell("plain")
    ('=1+1', "'a", 'plain')
    """
    return cell.removeprefix("'")


def csv_text(df: pd.DataFrame, header: bool = True) -> str:
    """The CSV text of a report table, with the columns meant for people neutralised."""
    safe = df.copy()
    for col in safe.columns:
        if col not in RAW_COLUMNS:
            safe[col] = safe[col].map(neutralise)
    return str(safe.to_csv(index=False, header=header))


def _num(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def claim_rows(claims: Sequence[Claim], conflicts: Sequence[Conflict]) -> list[list[Any]]:
    """The rows of ``claims_table``, values in ``CLAIM_COLUMNS`` order."""
    flags: dict[str, str] = {}
    partners: dict[str, list[str]] = {}
    for c in conflicts:
        for mine, other in ((c.claim_a, c.claim_b), (c.claim_b, c.claim_a)):
            if c.kind == "conflict":
                flags[mine] = "conflict"
                partners.setdefault(mine, []).append(other)
            elif flags.get(mine) != "conflict":
                flags[mine] = "scope"
    return [[c.claim_id, c.doc_id, c.source, c.published, c.start, c.end, c.surface,
             _num(c.value), _num(c.low), _num(c.high), c.qualifier, c.unit, c.counted, c.subject,
             c.scope, c.claimant, flags.get(c.claim_id, "ok"),
             ";".join(sorted(set(partners.get(c.claim_id, [])))), c.sentence] for c in claims]


def claims_table(claims: Sequence[Claim], conflicts: Sequence[Conflict]) -> pd.DataFrame:
    """One row per claim, with its flag and the claims it conflicts with."""
    import pandas as pd

    return pd.DataFrame(claim_rows(claims, conflicts), columns=CLAIM_COLUMNS)


def _ratio_text(r: float) -> str:
    return "inf" if math.isinf(r) else f"{r:.3g}"


def conflict_rows(conflicts: Sequence[Conflict]) -> list[list[Any]]:
    """The rows of ``conflicts_table``, values in ``CONFLICT_COLUMNS`` order."""
    return [[c.subject, c.kind, c.claim_a, c.claim_b, c.source_a, c.source_b, c.claimant_a,
             c.claimant_b, c.figure_a, c.figure_b, _ratio_text(c.ratio), c.reason]
            for c in conflicts]


def conflicts_table(conflicts: Sequence[Conflict]) -> pd.DataFrame:
    """One row per flagged pair, conflicts before scope differences."""
    import pandas as pd

    return pd.DataFrame(conflict_rows(conflicts), columns=CONFLICT_COLUMNS)


def csv_rows(columns: Sequence[str], rows: Iterable[Sequence[Any]], header: bool = True) -> str:
    """The CSV text of report rows (values in ``columns`` order), written as ``csv_text``
    writes the same table (the same bytes), without building a DataFrame."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(columns)
    safe = [i for i, col in enumerate(columns) if col not in RAW_COLUMNS]
    for row in rows:
        out = list(row)
        for i in safe:
            v = out[i]
            if type(v) is not str:
                out[i] = neutralise(v)
            elif v.startswith(_FORMULA_START):
                out[i] = "'" + v
        writer.writerow(out)
    return buf.getvalue()


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half.

    The data goes to a temporary file in the same folder, is flushed to disk, and is renamed
    over ``path``; a process killed at any moment leaves the previous file whole (and at worst
    a stray hidden ``.NAME.*.tmp``). The new file keeps the old one's permissions (else the
    umask's). Text that is not valid Unicode (lone surrogates from a JSON escape or a file
    name) is written backslash-escaped rather than failing the run.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = _mode_for(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace", newline="") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_folder(path.parent)


def _mode_for(path: Path) -> int:
    """The permissions for a report: the old file's, else what the umask allows."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def _sync_folder(folder: Path) -> None:
    """Flush the rename to disk where the system allows it (a power cut keeps it too)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_MD_SPECIAL = re.compile(r"([\\`|]|\](?=[(\[]))")
_MD_BREAKS = re.compile(r"[\r\n\x0b\x0c\x85\u2028\u2029]+")


def _md(text: object) -> str:
    r"""Text made safe inside a Markdown table cell or list item.

    ``<`` and ``>`` become entities (``<script>`` shows as text, no tag or autolink), the
    backslash, backticks, ``|`` and a ``]`` before ``(`` or ``[`` are backslashed (no code
    span, cell break, link or image), line breaks of every kind become spaces and other control characters go.

    >>> _md("a|b <script>`x`</script>\n[l](javascript:alert(1))")
    'a\\|b &lt;script&gt;\\`x\\`&lt;/script&gt; [l\\](javascript:alert(1))'
    """
    s = "" if text is None else str(text)
    s = s.replace("<", "&lt;").replace(">", "&gt;")
    s = _MD_SPECIAL.sub(r"\\\1", s)
    s = _MD_BREAKS.sub(" ", s)
    return _CONTROL.sub(" ", s)


def _plain(text: object) -> str:
    """Text safe to print on a terminal: control characters (escape sequences) dropped."""
    return _CONTROL.sub("", _MD_BREAKS.sub(" ", str(text)))


def _n(count: int, noun: str) -> str:
    """ "1 conflict", "3 conflicts"."""
    return f"{count} {noun}" + ("" if count == 1 else "s")


def subject_label(subject: str) -> str:
    """A readable label for a subject key: "troops (north korea)"."""
    counted, _, rest = subject.partition("|")
    whose, _, unit = rest.partition("|")
    label = counted or "(unknown)"
    if whose:
        label += f" ({whose})"
    if unit and unit != "count":
        label += f" [{unit}]"
    return label


def _table_rows(df: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """The values of ``columns`` row by row (``itertuples`` builds a class on every call)."""
    return list(zip(*(df[c].tolist() for c in columns))) if len(df) else []


def render_markdown(claims_df: pd.DataFrame, conflicts_df: pd.DataFrame, n_docs: int,
                    skipped: Sequence[Skipped] = ()) -> str:
    """report.md: a summary line, then a section per subject, conflicts first."""
    statuses = conflicts_df["status"].tolist() if "status" in conflicts_df else None
    return markdown_report(_table_rows(claims_df, CLAIM_COLUMNS),
                           _table_rows(conflicts_df, CONFLICT_COLUMNS), n_docs, skipped, statuses)


_CLAIM_AT = {c: i for i, c in enumerate(CLAIM_COLUMNS)}
_CONFLICT_AT = {c: i for i, c in enumerate(CONFLICT_COLUMNS)}


def markdown_report(claims: Sequence[Sequence[Any]], conflicts: Sequence[Sequence[Any]],
                    n_docs: int, skipped: Sequence[Skipped] = (),
                    statuses: Sequence[str] | None = None) -> str:
    """``render_markdown`` from the rows of ``claim_rows`` and ``conflict_rows`` (no
    DataFrame), with each pair's review status when ``statuses`` is given."""
    subject, counted, flag = (_CLAIM_AT[c] for c in ("subject", "counted", "flag"))
    kind, conf_subject = _CONFLICT_AT["kind"], _CONFLICT_AT["subject"]
    n_conf = sum(r[kind] == "conflict" for r in conflicts)
    n_scope = sum(r[kind] == "scope" for r in conflicts)
    subjects = list(dict.fromkeys(r[subject] for r in claims if r[counted] != ""))
    lines = ["# numcheck report", "",
             f"{n_docs} articles, {len(claims)} claims, {len(subjects)} subjects, "
             f"{_n(n_conf, 'conflict')}, {_n(n_scope, 'scope difference')}.", ""]
    if skipped:
        lines += [f"{len(skipped)} inputs skipped: " +
                  "; ".join(f"{_md(s.path)} ({_md(s.reason)})" for s in skipped[:20]), ""]
    by_subject: dict[Any, list[Sequence[Any]]] = {}
    for r in claims:
        by_subject.setdefault(r[subject], []).append(r)
    conf_by_subject: dict[Any, list[tuple[Sequence[Any], str]]] = {}
    for r, status in zip(conflicts, statuses if statuses is not None else [""] * len(conflicts)):
        conf_by_subject.setdefault(r[conf_subject], []).append((r, status))
    order = []
    for subj in subjects:
        sub_conf = conf_by_subject.get(subj, [])
        k = sum(r[kind] == "conflict" for r, _ in sub_conf)
        s = sum(r[kind] == "scope" for r, _ in sub_conf)
        order.append((-k, -s, subject_label(subj), subj, sub_conf))
    order.sort(key=lambda t: (t[0], t[1], t[2]))
    shown = [_CLAIM_AT[c] for c in ("surface", "low", "high", "qualifier", "scope", "source",
                                    "claimant", "flag")]
    quoted = [_CLAIM_AT[c] for c in ("claim_id", "source", "sentence")]
    paired = [_CONFLICT_AT[c] for c in ("kind", "figure_a", "figure_b", "reason")]
    for negk, negs, label, subj, sub_conf in order:
        rows = by_subject[subj]
        lines += [f"## {_md(label)}", "",
                  f"{_n(-negk, 'conflict')}, {_n(-negs, 'scope difference')}, "
                  f"{_n(len(rows), 'claim')}.", "",
                  "| figure | low | high | qualifier | scope | source | claimant | flag |",
                  "|---|---|---|---|---|---|---|---|"]
        for row in rows:
            lines.append("| " + " | ".join(_md(row[i]) for i in shown) + " |")
        flagged = [row for row in rows if row[flag] != "ok"]
        if flagged:
            lines += ["", "Quotes:", ""]
            for claim_id, source, sentence in ([row[i] for i in quoted] for row in flagged):
                lines.append(f"- `{_md(claim_id)}` {_md(source)}: “{_md(sentence)}”")
        if sub_conf:
            lines += ["", "Flagged pairs:", ""]
            for row, status in sub_conf:
                k_, fig_a, fig_b, reason = (row[i] for i in paired)
                status = f" ({_md(status)})" if status else ""
                lines.append(f"- **{_md(k_)}**{status} {_md(fig_a)} vs "
                             f"{_md(fig_b)}: {_md(reason)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def skipped_table(skipped: Sequence[Skipped]) -> pd.DataFrame:
    """One row per input that could not be read: its path (``file:LINE`` for a row) and why."""
    import pandas as pd

    return pd.DataFrame([{"path": s.path, "reason": s.reason} for s in skipped],
                        columns=SKIPPED_COLUMNS)


def write_reports(out_dir: Path, claims: Sequence[Claim], conflicts: Sequence[Conflict],
                  n_docs: int, skipped: Sequence[Skipped] = ()) -> tuple[pd.DataFrame,
                                                                        pd.DataFrame]:
    """Write claims.csv, conflicts.csv, report.md, report.html (and skipped.csv) into
    ``out_dir``."""
    cdf = claims_table(claims, conflicts)
    fdf = conflicts_table(conflicts)
    write_atomic(out_dir / "claims.csv", csv_text(cdf))
    write_atomic(out_dir / "conflicts.csv", csv_text(fdf))
    write_atomic(out_dir / "report.md", render_markdown(cdf, fdf, n_docs, skipped))
    # Imported here: html_report builds on this module (subject_label).
    from .html_report import run_html
    write_atomic(out_dir / "report.html", run_html(claims, conflicts, n_docs, skipped))
    write_atomic(out_dir / "skipped.csv", csv_text(skipped_table(skipped)))
    return cdf, fdf


def summary(claims_df: pd.DataFrame, conflicts_df: pd.DataFrame, n_docs: int,
            skipped: Sequence[Skipped], out_dir: Path, limit: int = 8) -> str:
    """The one-screen summary printed after a run."""
    n_conf = int((conflicts_df["kind"] == "conflict").sum()) if len(conflicts_df) else 0
    n_scope = len(conflicts_df) - n_conf
    lines = [f"numcheck: {n_docs} articles, {len(claims_df)} claims, "
             f"{claims_df['subject'].nunique() if len(claims_df) else 0} subjects, "
             f"{_n(n_conf, 'conflict')}, {_n(n_scope, 'scope difference')}"
             + (f", {len(skipped)} inputs skipped" if skipped else "")]
    if n_conf:
        lines.append("conflicts:")
        conf = conflicts_df[conflicts_df["kind"] == "conflict"]
        for r in conf.head(limit).itertuples():
            lines.append(_plain(f"  {subject_label(r.subject)}: {r.figure_a} "
                                f"({r.claimant_a or r.source_a}) vs {r.figure_b} "
                                f"({r.claimant_b or r.source_b})"))
        if len(conf) > limit:
            lines.append(f"  ... and {len(conf) - limit} more in conflicts.csv")
    lines.append(f"reports written to {out_dir}/ (claims.csv, conflicts.csv, report.md, "
                 "report.html)")
    return "\n".join(lines)
