"""Score a run against a gold folder (the format of shared/gold/README.md).

A predicted claim matches a gold row when it is in the same document and its span
overlaps the gold ``number`` (for negatives: the whole anchor). The metrics are the
ones the gold README names: claim precision and recall, value, counted and claimant
accuracy, subject pair precision and recall, conflict precision and recall.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .model import Claim, Conflict, Document
from .rules import Rules
from .subjects import fold_counted


class GoldError(Exception):
    """The gold folder is missing a file or holds a row that cannot be scored."""


@dataclass
class Score:
    """The metrics of one evaluation, and the rows behind the misses."""

    metrics: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    false_positives: list[str] = field(default_factory=list)
    wrong: dict[str, list[str]] = field(default_factory=dict)


def _ratio(num: int, den: int) -> float:
    return num / den if den else 1.0


def _floats(cell: Any) -> list[float]:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)) or str(cell).strip() == "":
        return []
    return [float(x) for x in str(cell).split(";") if x.strip()]


def load_gold(gold_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The gold claims and conflicts tables of a gold folder."""
    claims_path, conflicts_path = gold_dir / "claims.csv", gold_dir / "conflicts.csv"
    for p in (claims_path, conflicts_path):
        if not p.is_file():
            raise GoldError(f"{p}: missing gold file")
    claims = pd.read_csv(claims_path, dtype=str, keep_default_na=False)
    conflicts = pd.read_csv(conflicts_path, dtype=str, keep_default_na=False)
    return claims, conflicts


def _gold_spans(gold: pd.DataFrame, docs: dict[str, Document]) -> dict[str, tuple[str, int, int]]:
    """gold_id -> (doc_id, start, end) of the span a prediction must overlap."""
    spans: dict[str, tuple[str, int, int]] = {}
    for row in gold.itertuples():
        doc = docs.get(row.doc_id)
        if doc is None:
            raise GoldError(f"gold row {row.gold_id}: no document {row.doc_id!r} in the input")
        at = doc.text.find(row.anchor)
        if at < 0:
            raise GoldError(f"gold row {row.gold_id}: anchor not found in {row.doc_id}")
        if row.status == "negative":
            spans[row.gold_id] = (row.doc_id, at, at + len(row.anchor))
        else:
            off = row.anchor.find(row.number)
            if off < 0:
                raise GoldError(f"gold row {row.gold_id}: number not inside its anchor")
            spans[row.gold_id] = (row.doc_id, at + off, at + off + len(row.number))
    return spans


def _counted_ok(pred: str, accepted: str, rules: Rules) -> bool:
    names = [n.strip().lower() for n in accepted.split("|") if n.strip()]
    if not names:
        return True
    p = pred.lower()
    return p in names or fold_counted(p, rules) in {fold_counted(n, rules) for n in names}


def _value_ok(c: Claim, row: Any) -> bool:
    lo, hi = _floats(row.value_min), _floats(row.value_max)
    if lo and c.value < lo[0] - 1e-9:
        return False
    if hi and c.value > hi[0] + 1e-9:
        return False
    if any(not (c.low <= x <= c.high) for x in _floats(row.must_contain)):
        return False
    return not any(c.low <= x <= c.high for x in _floats(row.must_exclude))


def score(claims: list[Claim], conflicts: list[Conflict], docs: list[Document],
          gold_dir: Path, rules: Rules) -> Score:
    """Score predicted claims and flags against the gold folder."""
    gold, gold_pairs = load_gold(gold_dir)
    by_doc = {d.doc_id: d for d in docs}
    spans = _gold_spans(gold, by_doc)
    rows = {r.gold_id: r for r in gold.itertuples()}
    s = Score()
    match: dict[str, str] = {}  # claim_id -> gold_id
    fp: set[str] = set()
    for c in claims:
        hit = None
        for gid, (doc_id, gs, ge) in spans.items():
            if doc_id == c.doc_id and c.start < ge and gs < c.end:
                if rows[gid].status != "negative":
                    hit = gid
                    break
                hit = hit or gid
        if hit is None or rows[hit].status == "negative":
            fp.add(c.claim_id)
            s.false_positives.append(f"{c.doc_id}:{c.surface}" + (f" ({hit})" if hit else ""))
        else:
            match[c.claim_id] = hit
    matched_gold = set(match.values())
    required = [g for g, r in rows.items() if r.status == "required"]
    s.missed = [g for g in required if g not in matched_gold]
    by_id = {c.claim_id: c for c in claims}
    value_ok = counted_ok = claimant_ok = claimant_n = 0
    for cid, gid in match.items():
        c, r = by_id[cid], rows[gid]
        if _value_ok(c, r):
            value_ok += 1
        else:
            s.wrong.setdefault("value", []).append(f"{gid}: {c.value:g} [{c.low:g}, {c.high:g}]")
        if _counted_ok(c.counted, r.counted, rules):
            counted_ok += 1
        else:
            s.wrong.setdefault("counted", []).append(f"{gid}: {c.counted!r}")
        if r.claimant.strip():
            claimant_n += 1
            if r.claimant.strip().lower() in c.claimant.lower():
                claimant_ok += 1
            else:
                s.wrong.setdefault("claimant", []).append(f"{gid}: {c.claimant!r}")
    # subject pairs over matched rows
    pairs_same_pred = pairs_same_both = pairs_same_gold = 0
    items = [(by_id[c], rows[g]) for c, g in match.items() if rows[g].group]
    for i, (ca, ra) in enumerate(items):
        for cb, rb in items[i + 1:]:
            same_gold = ra.group.split("/")[0] == rb.group.split("/")[0]
            same_pred = ca.subject == cb.subject and bool(ca.counted)
            pairs_same_gold += same_gold
            pairs_same_pred += same_pred
            pairs_same_both += same_gold and same_pred
            if same_pred != same_gold:
                s.wrong.setdefault("subject", []).append(
                    f"{ra.gold_id}~{rb.gold_id}: {'merged' if same_pred else 'split'}")
    # conflicts
    labels = {frozenset((p.a, p.b)): p.label for p in gold_pairs.itertuples()}
    flagged_gold: set[frozenset[str]] = set()
    flagged_scored = flagged_right = 0
    for f in conflicts:
        if f.kind != "conflict":
            continue
        ga, gb = match.get(f.claim_a), match.get(f.claim_b)
        key = frozenset((ga, gb)) if ga and gb else None
        label = labels.get(key) if key else None
        touches_fp = f.claim_a in fp or f.claim_b in fp
        if label is not None or touches_fp:
            flagged_scored += 1
            if label == "conflict":
                flagged_right += 1
                flagged_gold.add(key)  # type: ignore[arg-type]
            else:
                s.wrong.setdefault("conflict", []).append(
                    f"{ga or f.figure_a}~{gb or f.figure_b}: flagged, gold says "
                    f"{label or 'false-positive claim'}")
    conflict_pairs = [k for k, v in labels.items() if v == "conflict"]
    for k in conflict_pairs:
        if k not in flagged_gold:
            s.wrong.setdefault("conflict", []).append("~".join(sorted(k)) + ": not flagged")
    n_pred = len(claims)
    s.metrics = {
        "claim_precision": _ratio(len(match), n_pred),
        "claim_recall": _ratio(len(required) - len(s.missed), len(required)),
        "value_accuracy": _ratio(value_ok, len(match)),
        "counted_accuracy": _ratio(counted_ok, len(match)),
        "claimant_accuracy": _ratio(claimant_ok, claimant_n),
        "subject_pair_precision": _ratio(pairs_same_both, pairs_same_pred),
        "subject_pair_recall": _ratio(pairs_same_both, pairs_same_gold),
        "conflict_precision": _ratio(flagged_right, flagged_scored),
        "conflict_recall": _ratio(len(flagged_gold), len(conflict_pairs)),
    }
    s.counts = {"predicted": n_pred, "matched": len(match), "required": len(required),
                "false_positives": len(fp), "gold_conflicts": len(conflict_pairs),
                "flagged_conflicts": sum(1 for f in conflicts if f.kind == "conflict")}
    return s


def format_score(s: Score) -> str:
    """The metrics and the missed and wrong rows, for the terminal."""
    lines = [f"{k:24} {v:.3f}" for k, v in s.metrics.items()]
    lines.append("counts: " + ", ".join(f"{k} {v}" for k, v in s.counts.items()))
    if s.missed:
        lines.append("missed required: " + ", ".join(s.missed))
    if s.false_positives:
        lines.append("false positives: " + ", ".join(s.false_positives))
    for kind, items in s.wrong.items():
        lines.append(f"wrong {kind}: " + "; ".join(items))
    return "\n".join(lines)
