"""Run the whole pipeline over inputs: documents -> claims -> comparisons."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .claims import extract_claims
from .compare import compare_claims
from .documents import TRUNCATED, read_inputs
from .model import Claim, Conflict, Document, Skipped
from .rules import Rules


@dataclass
class RunResult:
    """What one run read, found and flagged."""

    documents: list[Document] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    warnings: list[Skipped] = field(default_factory=list)


def run_pipeline(paths: Sequence[str], rules: Rules, max_bytes: int | None = None,
                 on_skip: object = None, result: RunResult | None = None) -> RunResult:
    """Read every input, extract claims and compare them; bad inputs are recorded.

    ``result`` is filled as the run goes, so that a caller interrupted halfway can say how
    far it got.
    """
    result = result if result is not None else RunResult()
    for item in read_inputs(paths, max_bytes=max_bytes):
        if isinstance(item, Skipped):
            if item.reason.startswith(TRUNCATED):
                result.warnings.append(item)
            else:
                result.skipped.append(item)
            if callable(on_skip):
                on_skip(item)
            continue
        result.documents.append(item)
        result.claims.extend(extract_claims(item, rules))
    result.conflicts = compare_claims(result.claims, rules)
    return result
