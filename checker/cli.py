"""The numcheck command line: ``numcheck run`` and ``numcheck eval``.

Exit status: 0 every input read; 1 some inputs skipped (reports for the rest are
still written); 2 usage error, or nothing readable.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .batch import add_batch_commands, run_batch_command, run_report_command
from .documents import InputError
from .model import Skipped
from .pipeline import RunResult, run_pipeline
from .reports import summary, write_reports
from .review import add_review_command, run_review_command
from .rules import RulesError, load_rules

EXIT_OK, EXIT_SKIPPED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

EPILOG = """exit status:
  0  every input was read
  1  some inputs were skipped (each named on stderr and in skipped.csv);
     the reports for the rest were written
  2  usage error, or nothing readable
  130 interrupted (Ctrl-C): the previous reports are left whole
"""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(
        prog="numcheck",
        description="Find quantified claims in news articles and flag figures that cannot "
                    "both be right.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="article files or folders (read recursively): .txt, .md, .html, "
                             ".jsonl, .csv")
    common.add_argument("--rules", metavar="DIR",
                        help="a folder of rule files that add to or override the defaults")
    common.add_argument("--max-bytes", type=int, metavar="N",
                        help="read at most N bytes of each file (the rest is ignored, with a "
                             "warning)")
    common.add_argument("--quiet", action="store_true", help="print errors only")
    run = sub.add_parser("run", parents=[common], epilog=EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         help="extract claims, flag conflicts, write reports")
    run.add_argument("--out", default="reports/latest", metavar="DIR",
                     help="folder for claims.csv, conflicts.csv, report.md, skipped.csv "
                          "(default: reports/latest)")
    ev = sub.add_parser("eval", parents=[common], epilog=EPILOG,
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        help="score a run against a gold folder")
    ev.add_argument("--gold", required=True, metavar="DIR",
                    help="gold folder with claims.csv and conflicts.csv")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    add_batch_commands(sub)
    add_review_command(sub)
    return p


_CONTROL = str.maketrans({c: f"\\x{c:02x}" for c in range(32)} | {127: "\\x7f"})


def _err(msg: str) -> None:
    """One line on stderr: control characters in file names cannot break it."""
    print(f"numcheck: {msg.translate(_CONTROL)}", file=sys.stderr)


def _run(args: argparse.Namespace) -> tuple[RunResult | None, int]:
    try:
        rules = load_rules(args.rules)
    except RulesError as exc:
        _err(f"bad rules: {exc}")
        return None, EXIT_USAGE

    def on_skip(item: Skipped) -> None:
        what = "warning" if item.reason.startswith("truncated") else "skipped"
        _err(f"{what} {item.path}: {item.reason}")

    result = RunResult()
    try:
        run_pipeline(args.inputs, rules, max_bytes=args.max_bytes, on_skip=on_skip,
                     result=result)
    except InputError as exc:
        _err(str(exc))
        return None, EXIT_USAGE
    except KeyboardInterrupt:
        _err(f"interrupted after reading {len(result.documents)} articles "
             f"({len(result.claims)} claims, {len(result.skipped)} skipped); no reports "
             f"written, the previous reports are kept")
        return None, EXIT_INTERRUPTED
    if not result.documents:
        _err("nothing readable in the inputs")
        return result, EXIT_USAGE
    return result, EXIT_SKIPPED if result.skipped else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else EXIT_USAGE
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return _dispatch(args)
    except KeyboardInterrupt:
        _err("interrupted: stopped before writing new reports; the previous reports are kept")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # "numcheck run ... | head": the reader has gone, nothing is lost
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        except OSError:
            pass
        return EXIT_OK


def _dispatch(args: argparse.Namespace) -> int:
    """Run one subcommand."""
    if args.command == "review":
        return run_review_command(args)
    if args.command == "batch":
        return run_batch_command(args)
    if args.command == "report":
        return run_report_command(args)
    result, status = _run(args)
    if result is None or status in (EXIT_USAGE, EXIT_INTERRUPTED):
        return status
    if args.command == "run":
        out = Path(args.out)
        try:
            cdf, fdf = write_reports(out, result.claims, result.conflicts,
                                     len(result.documents), result.skipped)
        except OSError as exc:
            _err(f"cannot write reports to {out}: {exc}")
            return EXIT_USAGE
        if not args.quiet:
            print(summary(cdf, fdf, len(result.documents), result.skipped, out))
        return status
    from .evaluate import GoldError, format_score, score  # here: it needs pandas, batch does not

    try:
        s = score(result.claims, result.conflicts, result.documents, Path(args.gold),
                  load_rules(args.rules))
    except GoldError as exc:
        _err(str(exc))
        return EXIT_USAGE
    if args.json:
        print(json.dumps({"metrics": s.metrics, "counts": s.counts, "missed": s.missed,
                          "false_positives": s.false_positives, "wrong": s.wrong}, indent=2))
    else:
        print(format_score(s))
    return status


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
