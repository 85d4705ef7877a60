"""The command line: usage errors, exit codes, and the README's usage against --help."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("argv, code", [
    ([], 2),
    (["run"], 2),
    (["run", "does/not/exist"], 2),
    (["eval", str(ROOT / "examples")], 2),
    (["nonsense"], 2),
])
def test_usage_errors_exit_2(argv: list[str], code: int, tmp_path: Path) -> None:
    """A usage error exits 2 and writes nothing."""
    assert main(argv) == code


def test_run_on_empty_folder_exits_2(tmp_path: Path) -> None:
    """Nothing readable is a usage error."""
    (tmp_path / "in").mkdir()
    assert main(["run", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 2


def test_run_with_a_bad_file_exits_1_and_writes_reports(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """One unreadable input: exit 1, a one-line error naming it, reports for the rest."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text("Police said 2,000 people marched.", encoding="utf-8")
    (src / "bad.txt").write_bytes(b"\x00\x01\x02binary")
    out = tmp_path / "out"
    assert main(["run", str(src), "--out", str(out), "--quiet"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.txt" in err[0]
    assert (out / "claims.csv").read_text(encoding="utf-8").count("\n") == 2
    assert "bad.txt" in (out / "skipped.csv").read_text(encoding="utf-8")


def test_readme_documents_every_command_and_option() -> None:
    """Every subcommand and option of --help appears in the README."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():  # type: ignore[union-attr]
        assert f"numcheck {name}" in readme, name
        for action in p._actions:
            for opt in action.option_strings:
                if opt.startswith("--") and opt != "--help":
                    assert opt in readme, f"{name} {opt}"
    assert re.search(r"make demo", readme) and re.search(r"make test", readme)


def test_ctrl_c_says_how_far_it_got(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Ctrl-C in the middle of a run: exit 130, one line saying how far it got, old reports kept."""
    from checker import pipeline

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"a{i}.txt").write_text("Police said 2,000 people marched.", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.md").write_text("old report\n", encoding="utf-8")
    real = pipeline.extract_claims
    calls = {"n": 0}

    def interrupting(doc, rules):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real(doc, rules)

    monkeypatch.setattr(pipeline, "extract_claims", interrupting)
    assert main(["run", str(src), "--out", str(out)]) == 130
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "interrupted after reading 2 articles" in err[0]
    assert (out / "report.md").read_text(encoding="utf-8") == "old report\n"
