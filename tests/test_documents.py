"""Tests for checker.documents: reading inputs into Documents, or Skipped with a reason."""
from __future__ import annotations

import os
from pathlib import Path

import ftfy
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.documents import (
    InputError,
    decode_bytes,
    iter_input_files,
    read_file,
    read_inputs,
)
from checker.model import Document, Skipped

FEED = Path(__file__).parent / "fixtures" / "documents" / "feed"

ARTICLE = "About 3,000 troops arrived, officials said.\n"
HTML_ARTICLE = (
    "<html><head><title>Fire</title></head><body><nav><a href='/'>Home</a></nav>"
    "<article><p>At least 40 people were killed in the fire, according to police.</p>"
    "</article></body></html>"
)
HTML_BOILERPLATE = (
    "<html><body><nav><a href='/'>Home</a> <a href='/about'>About us</a></nav>"
    "<footer>Copyright 2024. All rights reserved.</footer></body></html>"
)

# (id, file name, bytes, expected): "text:..." must be in Document.text, "skip:..." in the reason.
CASES = [
    ("txt", "a.txt", ARTICLE.encode(), "text:About 3,000 troops"),
    ("txt front matter", "a.txt", b"---\nsource: X\n---\n" + ARTICLE.encode(), "text:About 3"),
    ("md", "a.md", b"# Title\n\n" + ARTICLE.encode(), "text:# Title\n\nAbout 3,000"),
    ("utf-8 BOM", "a.txt", b"\xef\xbb\xbf" + "caf\u00e9 3,000".encode(), "text:caf\u00e9 3,000"),
    ("utf-16 LE BOM", "a.txt", "\ufeff\u201c3,000\u201d caf\u00e9".encode("utf-16-le"),
     "text:\u201c3,000\u201d caf\u00e9"),
    ("utf-16 BE BOM", "a.txt", "\ufeff\u201c3,000\u201d".encode("utf-16-be"),
     "text:\u201c3,000\u201d"),
    ("cp1252 curly quotes", "a.txt", "He said \u201cabout 3,000\u201d \u2013 it\u2019s \u20ac4bn"
     .encode("cp1252"), "text:He said \u201cabout 3,000\u201d \u2013 it\u2019s \u20ac4bn"),
    ("latin-1 accented", "a.txt", "Le ministère a annoncé 2 000 soldats à Orléans".encode("latin1"),
     "text:ministère a annoncé 2 000 soldats à Orléans"),
    ("cp1251 cyrillic", "a.txt", "Министерство обороны сообщило о 3000".encode("cp1251"),
     "text:Министерство обороны"),
    ("mojibake apostrophe", "a.txt", "the ministry\u00e2\u20ac\u2122s figure".encode(),
     "text:the ministry\u2019s figure"),
    ("mojibake ellipsis", "a.txt", "and so on\u0101\u20ac\u00a6".encode(), "text:and so on\u2026"),
    ("crlf line endings", "a.txt", b"one\r\ntwo\rthree", "text:one\ntwo\nthree"),
    ("front matter never closed", "a.txt", b"---\nsource: X\nAbout 3,000.", "text:---\nsource: X"),
    ("markdown rule is not front matter", "a.md", b"---\nA rule, then text.\n---\nMore.",
     "text:---\nA rule, then text."),
    ("html article", "a.html", HTML_ARTICLE.encode(), "text:At least 40 people were killed"),
    ("htm article", "a.HTM", HTML_ARTICLE.encode(), "text:At least 40 people"),
    ("empty", "a.txt", b"", "skip:empty file"),
    ("whitespace only", "a.md", b" \n\t\r\n", "skip:empty file"),
    ("front matter only", "a.txt", b"---\ntitle: T\n---\n\n", "skip:no text after front matter"),
    ("binary NUL bytes", "a.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "skip:binary file"),
    ("binary control bytes", "a.txt", bytes(range(1, 32)) * 4, "skip:binary file"),
    ("bad utf-16", "a.txt", b"\xff\xfe\x00", "skip:not valid UTF-16"),
    ("unknown extension", "a.xyz", ARTICLE.encode(), "skip:unknown extension .xyz"),
    ("no extension", "README", ARTICLE.encode(), "skip:unknown extension (none)"),
    ("boilerplate-only html", "a.html", HTML_BOILERPLATE.encode(), "skip:no article text in HTML"),
    ("html without markup", "a.html", b"   ", "skip:empty file"),
]


@pytest.mark.parametrize(
    ("name", "data", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_read_one_file(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    """Each kind of file gives a Document with the expected text, or a Skipped with the reason."""
    path = tmp_path / name
    path.write_bytes(data)
    found = read_file(path, tmp_path)
    assert len(found) == 1
    kind, _, want = expected.partition(":")
    if kind == "text":
        assert isinstance(found[0], Document), found
        assert want in found[0].text
        assert "\r" not in found[0].text
    else:
        assert isinstance(found[0], Skipped), found
        assert found[0].path == str(path)
        assert want in found[0].reason


def test_front_matter_fields() -> None:
    """Front matter fills source, url, published, title, story; quotes go; other keys ignored."""
    [doc] = read_file(FEED / "a.txt", FEED)
    assert doc == Document(
        doc_id="a",
        text="About 3,000 North Korean troops have arrived in Kursk, officials said.\n",
        source="Daily Planet",
        url="https://example.com/a",
        published="2024-11-05",
        title="Troops arrive",
        path=str(FEED / "a.txt"),
        story="kursk-troops",
    )


def test_jsonl_good_and_malformed_lines() -> None:
    """A malformed JSONL line is skipped with its line number and the rest is still read."""
    found = read_file(FEED / "articles.jsonl", FEED)
    where = f"{FEED / 'articles.jsonl'}:"
    assert [(f.doc_id, f.source) for f in found if isinstance(f, Document)] == [
        ("wire-1", "Wire"), ("articles:3", "Wire"), ("wire-5", "wire-5")
    ]
    assert [(s.path, s.reason.split(":")[0]) for s in found if isinstance(s, Skipped)] == [
        (where + "4", "malformed JSON"), (where + "5", "no text")
    ]


def test_jsonl_values_that_are_not_objects(tmp_path: Path) -> None:
    """A JSONL line that is valid JSON but not an object, or nested too deep, is skipped."""
    path = tmp_path / "x.jsonl"
    path.write_text('[1, 2]\n' + "[" * 100_000 + '\n{"text": "ok 5", "id": 7}\n')
    found = read_file(path, tmp_path)
    assert found[0] == Skipped(f"{path}:1", "not a JSON object")
    assert isinstance(found[1], Skipped) and found[1].path == f"{path}:2"
    assert found[2] == Document(doc_id="7", text="ok 5", source="7", path=str(path))


def test_csv_good_and_missing_text() -> None:
    """CSV rows become Documents; a row without text is skipped by line; ids default to row."""
    found = read_file(FEED / "rows.csv", FEED)
    assert found[0] == Document(
        doc_id="rows:1", text="Officials put the number at 2,000.", source="Gazette",
        title="First", path=str(FEED / "rows.csv"),
    )
    assert found[1] == Skipped(f"{FEED / 'rows.csv'}:3", "no text")
    assert isinstance(found[2], Document)
    assert found[2].doc_id == "g-3"
    assert found[2].text == "A figure of 7,500 was given.\nAnother source said 9,000."


def test_csv_without_text_column(tmp_path: Path) -> None:
    """A CSV whose header has no text column is skipped as a whole."""
    path = tmp_path / "x.csv"
    path.write_text("id,body\n1,About 3,000\n")
    assert read_file(path, tmp_path) == [Skipped(str(path), "no text column in CSV header")]


def test_html_metadata() -> None:
    """An HTML article gives its main text without navigation; title, date and URL from metadata."""
    [doc] = read_file(FEED / "page.html", FEED)
    assert isinstance(doc, Document)
    assert "more than 10,000 soldiers" in doc.text
    assert "Home" not in doc.text and "Copyright" not in doc.text
    assert (doc.doc_id, doc.source, doc.title) == ("page", "page", "Troops arrive in Kursk")
    assert (doc.published, doc.url) == ("2024-11-05", "https://news.example.com/world/troops-kursk")


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ([str(FEED)], {"a", "sub/b", "wire-1", "articles:3", "wire-5", "rows:1", "g-3", "page"}),
        ([str(FEED / "sub")], {"b"}),
        ([str(FEED / "sub" / "b.md")], {"b"}),
        ([str(FEED / ".hidden.txt")], {".hidden"}),
    ],
    ids=["folder-relative, jsonl id, csv row", "subfolder as root", "single file", "hidden file"],
)
def test_doc_ids(paths: list[str], expected: set[str]) -> None:
    """doc_id is the folder-relative path without extension, or the record's id or number."""
    assert {d.doc_id for d in read_inputs(paths) if isinstance(d, Document)} == expected


def test_order_is_sorted_and_skips_hidden(tmp_path: Path) -> None:
    """Files come in name order, folder by folder, whatever order they were created in."""
    for name in ["b.txt", "a/z.txt", "a/b/c.txt", "A.txt", ".git/x.txt", "a/.h.txt", "c.csv"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(ARTICLE)
    files = [f.relative_to(tmp_path).as_posix() for f, _ in iter_input_files([str(tmp_path)])]
    assert files == ["A.txt", "a/b/c.txt", "a/z.txt", "b.txt", "c.csv"]
    assert list(iter_input_files([str(tmp_path)])) == list(iter_input_files([str(tmp_path)]))
    assert {root for _, root in iter_input_files([str(tmp_path)])} == {tmp_path}


def test_symlink_loop(tmp_path: Path) -> None:
    """A folder symlink back to an ancestor, or a symlink to itself, is skipped; the walk ends."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_text(ARTICLE)
    (tmp_path / "sub" / "up").symlink_to("..", target_is_directory=True)
    (tmp_path / "self").symlink_to("self")
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    found = list(read_inputs([str(tmp_path)]))
    assert [d.doc_id for d in found if isinstance(d, Document)] == ["sub/a"]
    reasons = {Path(s.path).name: s.reason for s in found if isinstance(s, Skipped)}
    assert reasons["up"] == "folder symlink loop"
    assert reasons["gone.txt"] == "broken symlink"
    assert reasons["self"].startswith("cannot read: too many levels")


def test_unreadable_file(tmp_path: Path) -> None:
    """A file without read permission is skipped, not raised."""
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod does not stop reading")
        assert read_file(path, tmp_path) == [Skipped(str(path), "cannot read: permission denied")]
    finally:
        path.chmod(0o644)


def test_read_error_is_skipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An OS error while reading (here faked, so it also holds as root) gives a Skipped."""
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE)

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    assert read_file(path, tmp_path) == [Skipped(str(path), "cannot read: permission denied")]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    """A path that does not exist raises InputError at once, before anything is read."""
    with pytest.raises(InputError, match="no such file or folder"):
        read_inputs([str(FEED), str(tmp_path / "missing")])
    with pytest.raises(InputError):
        iter_input_files([])


@pytest.mark.parametrize(
    ("name", "data", "limit", "text"),
    [
        ("a.txt", "ab\u20ac".encode(), 4, "ab"),  # the euro sign's third byte is cut
        ("a.txt", "\ufeffab\U0001f600".encode("utf-16-le"), 8, "ab"),  # half a surrogate pair
        ("a.txt", "\u201ccaf\u00e9\u201d".encode("cp1252"), 5, "\u201ccaf\u00e9"),
        ("a.jsonl", b'{"text": "one 1"}\n{"text": "two 2"}\n', 25, "one 1"),
    ],
    ids=["utf-8", "utf-16", "cp1252", "jsonl drops the part-line"],
)
def test_max_bytes_truncation(
    tmp_path: Path, name: str, data: bytes, limit: int, text: str
) -> None:
    """A file longer than max_bytes gives the Document cut at a character, then a note."""
    path = tmp_path / name
    path.write_bytes(data)
    *docs, note = read_file(path, tmp_path, max_bytes=limit)
    assert [d.text for d in docs if isinstance(d, Document)] == [text]
    assert note == Skipped(str(path), f"truncated: read only the first {limit} bytes")


def test_max_bytes_not_reached(tmp_path: Path) -> None:
    """A file exactly max_bytes long is read whole, with no truncated note."""
    path = tmp_path / "a.txt"
    path.write_bytes(ARTICLE.encode())
    assert read_file(path, tmp_path, max_bytes=len(ARTICLE)) == [
        Document(doc_id="a", text=ARTICLE, source="a", path=str(path))
    ]


@pytest.mark.parametrize(
    ("data", "note"),
    [
        (b"plain", "utf-8"),
        (b"\xef\xbb\xbfplain", "utf-8 with BOM"),
        ("\ufeffplain".encode("utf-16-le"), "utf-16 with BOM"),
        ("caf\u00e9".encode("latin-1"), "cp1252"),
        ("it\u00e2\u20ac\u2122s".encode(), "utf-8, repaired"),
        (b"", "empty file"),
    ],
)
def test_decode_notes(data: bytes, note: str) -> None:
    """decode_bytes names the encoding it used and says when it repaired the text."""
    assert decode_bytes(data)[1] == note


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_decode_any_bytes(data: bytes) -> None:
    """decode_bytes never raises; it gives text without carriage returns, or "" and a reason."""
    text, note = decode_bytes(data)
    assert isinstance(text, str) and note
    assert "\r" not in text


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=300))
def test_ascii_fast_path_matches_ftfy(text: str) -> None:
    """Plain ASCII skips ftfy only where ftfy would give the same text."""
    decoded, _ = decode_bytes(text.encode())
    if decoded:
        assert decoded == ftfy.fix_text(text, uncurl_quotes=False, unescape_html=False)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.one_of(
        st.binary(max_size=1500),
        st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.sampled_from([b"---\n", b"{", b"<html>", b"text\n", b'"a,b"\n', b"\xff\xfe"]).flatmap(
            lambda head: st.binary(max_size=300).map(lambda tail: head + tail)
        ),
    ),
    suffix=st.sampled_from([".txt", ".md", ".jsonl", ".csv", ".html", ".htm"]),
    max_bytes=st.one_of(st.none(), st.integers(1, 2000)),
)
def test_read_any_bytes(tmp_path: Path, data: bytes, suffix: str, max_bytes: int | None) -> None:
    """read_file never raises on any bytes with any extension; Documents have text."""
    path = tmp_path / f"x{suffix}"
    path.write_bytes(data)
    for found in read_file(path, tmp_path, max_bytes):
        assert isinstance(found, (Document, Skipped))
        if isinstance(found, Document):
            assert found.text.strip() and "\r" not in found.text


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=300))
def test_repair_fast_path_matches_ftfy(text: str) -> None:
    """Any text the fast path keeps comes out exactly as ftfy's full pass would give it."""
    from checker.documents import _repair

    expected = ftfy.fix_text(text, uncurl_quotes=False, unescape_html=False)
    assert _repair(text) == expected
