"""Write the reports: claims.csv, conflicts.csv, report.md and the terminal summary.

Tables are pandas frames with the columns fixed by DESIGN.md. Every file is written
to a temporary file in the same folder and renamed into place, so a run killed at any
moment leaves the previous report whole.
"""
from __future__ import annotations

import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from .model import Claim, Conflict, Skipped

CLAIM_COLUMNS = ["claim_id", "doc_id", "source", "published", "start", "end", "surface", "value",
                 "low", "high", "qualifier", "unit", "counted", "subject", "scope", "claimant",
                 "flag", "conflicts_with", "sentence"]
CONFLICT_COLUMNS = ["subject", "kind", "claim_a", "claim_b", "source_a", "source_b",
                    "claimant_a", "claimant_b", "figure_a", "figure_b", "ratio", "reason"]


def _num(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


def claims_table(claims: Sequence[Claim], conflicts: Sequence[Conflict]) -> pd.DataFrame:
    """One row per claim, with its flag and the claims it conflicts with."""
    flags: dict[str, str] = {}
    partners: dict[str, list[str]] = {}
    for c in conflicts:
        for mine, other in ((c.claim_a, c.claim_b), (c.claim_b, c.claim_a)):
            if c.kind == "conflict":
                flags[mine] = "conflict"
                partners.setdefault(mine, []).append(other)
            elif flags.get(mine) != "conflict":
                flags[mine] = "scope"
    rows = [{
        "claim_id": c.claim_id, "doc_id": c.doc_id, "source": c.source, "published": c.published,
        "start": c.start, "end": c.end, "surface": c.surface, "value": _num(c.value),
        "low": _num(c.low), "high": _num(c.high), "qualifier": c.qualifier, "unit": c.unit,
        "counted": c.counted, "subject": c.subject, "scope": c.scope, "claimant": c.claimant,
        "flag": flags.get(c.claim_id, "ok"),
        "conflicts_with": ";".join(sorted(set(partners.get(c.claim_id, [])))),
        "sentence": c.sentence,
    } for c in claims]
    return pd.DataFrame(rows, columns=CLAIM_COLUMNS)


def conflicts_table(conflicts: Sequence[Conflict]) -> pd.DataFrame:
    """One row per flagged pair, conflicts before scope differences."""
    rows = [{k: getattr(c, k) for k in CONFLICT_COLUMNS} for c in conflicts]
    df = pd.DataFrame(rows, columns=CONFLICT_COLUMNS)
    if len(df):
        df["ratio"] = df["ratio"].map(lambda r: "inf" if math.isinf(r) else f"{r:.3g}")
    return df


def write_atomic(path: Path, data: str) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _md(text: object) -> str:
    """Text made safe inside a Markdown table cell."""
    s = str(text)
    for ch, rep in (("\\", "\\\\"), ("|", "\\|"), ("`", "\\`"), ("<", "&lt;"), (">", "&gt;"),
                    ("\r", " "), ("\n", " ")):
        s = s.replace(ch, rep)
    return s


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


def render_markdown(claims_df: pd.DataFrame, conflicts_df: pd.DataFrame, n_docs: int,
                    skipped: Sequence[Skipped] = ()) -> str:
    """report.md: a summary line, then a section per subject, conflicts first."""
    n_conf = int((conflicts_df["kind"] == "conflict").sum()) if len(conflicts_df) else 0
    n_scope = int((conflicts_df["kind"] == "scope").sum()) if len(conflicts_df) else 0
    subjects = claims_df[claims_df["counted"] != ""]["subject"].unique() if len(claims_df) else []
    lines = ["# numcheck report", "",
             f"{n_docs} articles, {len(claims_df)} claims, {len(subjects)} subjects, "
             f"{n_conf} conflicts, {n_scope} scope differences.", ""]
    if skipped:
        lines += [f"{len(skipped)} inputs skipped: " +
                  "; ".join(f"{_md(s.path)} ({_md(s.reason)})" for s in skipped[:20]), ""]
    order = []
    for subj in subjects:
        sub_conf = conflicts_df[conflicts_df["subject"] == subj] if len(conflicts_df) else \
            conflicts_df
        k = int((sub_conf["kind"] == "conflict").sum()) if len(sub_conf) else 0
        s = int((sub_conf["kind"] == "scope").sum()) if len(sub_conf) else 0
        order.append((-k, -s, subject_label(subj), subj, sub_conf))
    order.sort(key=lambda t: (t[0], t[1], t[2]))
    for negk, negs, label, subj, sub_conf in order:
        rows = claims_df[claims_df["subject"] == subj]
        lines += [f"## {_md(label)}", "",
                  f"{-negk} conflicts, {-negs} scope differences, {len(rows)} claims.", "",
                  "| figure | low | high | qualifier | scope | source | claimant | flag |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in rows.itertuples():
            lines.append(f"| {_md(r.surface)} | {r.low} | {r.high} | {r.qualifier} | "
                         f"{_md(r.scope)} | {_md(r.source)} | {_md(r.claimant)} | {r.flag} |")
        flagged = rows[rows["flag"] != "ok"]
        if len(flagged):
            lines += ["", "Quotes:", ""]
            for r in flagged.itertuples():
                lines.append(f"- `{r.claim_id}` {_md(r.source)}: “{_md(r.sentence)}”")
        if len(sub_conf):
            lines += ["", "Flagged pairs:", ""]
            for r in sub_conf.itertuples():
                lines.append(f"- **{r.kind}** {_md(r.figure_a)} vs {_md(r.figure_b)}: "
                             f"{_md(r.reason)}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_reports(out_dir: Path, claims: Sequence[Claim], conflicts: Sequence[Conflict],
                  n_docs: int, skipped: Sequence[Skipped] = ()) -> tuple[pd.DataFrame,
                                                                        pd.DataFrame]:
    """Write claims.csv, conflicts.csv, report.md (and skipped.csv) into ``out_dir``."""
    cdf = claims_table(claims, conflicts)
    fdf = conflicts_table(conflicts)
    write_atomic(out_dir / "claims.csv", cdf.to_csv(index=False))
    write_atomic(out_dir / "conflicts.csv", fdf.to_csv(index=False))
    write_atomic(out_dir / "report.md", render_markdown(cdf, fdf, n_docs, skipped))
    sdf = pd.DataFrame([{"path": s.path, "reason": s.reason} for s in skipped],
                       columns=["path", "reason"])
    write_atomic(out_dir / "skipped.csv", sdf.to_csv(index=False))
    return cdf, fdf


def summary(claims_df: pd.DataFrame, conflicts_df: pd.DataFrame, n_docs: int,
            skipped: Sequence[Skipped], out_dir: Path, limit: int = 8) -> str:
    """The one-screen summary printed after a run."""
    n_conf = int((conflicts_df["kind"] == "conflict").sum()) if len(conflicts_df) else 0
    n_scope = len(conflicts_df) - n_conf
    lines = [f"numcheck: {n_docs} articles, {len(claims_df)} claims, "
             f"{claims_df['subject'].nunique() if len(claims_df) else 0} subjects, "
             f"{n_conf} conflicts, {n_scope} scope differences"
             + (f", {len(skipped)} inputs skipped" if skipped else "")]
    if n_conf:
        lines.append("conflicts:")
        conf = conflicts_df[conflicts_df["kind"] == "conflict"]
        for r in conf.head(limit).itertuples():
            lines.append(f"  {subject_label(r.subject)}: {r.figure_a} ({r.claimant_a or r.source_a})"
                         f" vs {r.figure_b} ({r.claimant_b or r.source_b})")
        if len(conf) > limit:
            lines.append(f"  ... and {len(conf) - limit} more in conflicts.csv")
    lines.append(f"reports written to {out_dir}/ (claims.csv, conflicts.csv, report.md)")
    return "\n".join(lines)
