"""Read input files and folders into Documents; a bad file gives a Skipped, never an exception.

- ``.txt``, ``.md``: one article. Optional front matter between ``---`` lines at the very top
  (``source:``, ``url:``, ``published:``, ``title:``, ``story:``; values may be quoted; other keys
  ignored). A block never closed, or with a line that is not ``key: value``, is body text.
- ``.jsonl`` (an object a line), ``.csv`` (with a header): fields ``id``, ``source``, ``url``,
  ``published``, ``title``, ``text``, ``story``; only ``text`` is required. A bad line or row gives
  ``Skipped("file:LINE", reason)`` and the rest is still read. Blank lines are ignored.
- ``.html``, ``.htm``: the main text, by trafilatura (precision mode, with its fallbacks).

``doc_id``: the path relative to the input folder without extension (a file given by itself: its
name). For ``.jsonl``/``.csv``, the ``id`` field, else that base, ":" and the line number (JSONL)
or data row number (CSV, 1-based, header and blank rows not counted). ``source`` defaults to it.

Bytes are decoded as UTF-8 (BOM or not), UTF-16/32 with a BOM, else Windows-1252 (which covers
Latin-1; text that is mostly non-ASCII that way goes to charset-normalizer). ftfy then repairs
mojibake (keeping curly quotes) and line endings become "\\n". **Offsets of claims index
``Document.text``: the decoded, repaired text after the front matter, not the bytes on disk.**

With ``max_bytes``, a longer file is read up to that many bytes, cut at a character (JSONL/CSV:
at the last whole line); ``read_file`` returns what it read, then
``Skipped(path, "truncated: read only the first N bytes")``. A reason starting ``"truncated:"``
is a warning about a document that was returned, not a skipped file.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import charset_normalizer
import ftfy
from ftfy import badness, chardata

from checker.model import Document, Skipped

FIELDS = ("source", "url", "published", "title", "story")
TRUNCATED = "truncated:"

# Article texts exceed the csv module's default field limit of 128 KiB.
csv.field_size_limit(2**31 - 1)

_REPAIR = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=False, explain=False)
# Windows-1252, with its five unassigned bytes read as Latin-1 so that no byte fails.
_CP1252 = "".join(bytes([i]).decode("cp1252", errors="ignore") or chr(i) for i in range(256))
_BOMS = [  # UTF-32 before UTF-16: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
]
_SAMPLE = 65536
_BINARY_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f]")
_NOT_PLAIN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# what ftfy changes besides mojibake: C1 controls, full-width forms, ligatures, surrogates,
# odd line breaks and terminal escapes
# Every pattern of ftfy's mojibake test (ftfy.badness) holds two non-ASCII characters in a row
# ("Ã©", "â€™", "¬ß", "Ð¾") or one of Ã, Â, Œ, œ (its C1 controls are _FTFY_WORK's): text
# with neither is not checked further (ftfy's own test costs about 0.2 s per MB). Two
# searches, not one alternation, which the re module runs several times slower.
_MOJIBAKE_HINT = re.compile("[^\x00-\x7f][^\x00-\x7f]")
_MOJIBAKE_LEAD = re.compile("[ÃÂŒœ]")
_FTFY_WORK = re.compile(
    "[\x80-\x9f\u2028\u2029\u0085\ufffd\ud800-\udfff\u3000\x1b\ufeff"
    + "".join(re.escape(chr(c)) for c in sorted(chardata.CONTROL_CHARS))
    + "".join(re.escape(chr(c)) for c in sorted(chardata.WIDTH_MAP))
    + "".join(re.escape(chr(c) if isinstance(c, int) else str(c)) for c in chardata.LIGATURES)
    + "]")
# any character that takes text off the fast path of _repair: _NOT_PLAIN's, _FTFY_WORK's or
# _MOJIBAKE_LEAD's, in one search
_SUSPECT = re.compile(_FTFY_WORK.pattern[:-1] + "\x00-\x08\x0b\x0c\x0e-\x1f\x7fÃÂŒœ]")
_FRONT_MATTER = re.compile(r"---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.DOTALL)
_META_LINE = re.compile(r"([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.*)")
_DATES = {"extensive_search": False, "original_date": True}  # metadata only, no guessing from text


class InputError(Exception):
    """A usage error, such as an input path that does not exist."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode and repair the bytes of a file; return ``(text, note)``.

    ``note`` names the encoding ("utf-8", "utf-16 with BOM", "cp1252", ...), with ", repaired"
    when ftfy changed more than line endings. For data that is not text, ``text`` is "" and
    ``note`` says why ("empty file", "binary file (NUL bytes)", ...).

    >>> decode_bytes("It\u2019s \u201cfine\u201d".encode("cp1252"))
    ('It’s “fine”', 'cp1252')
    >>> decode_bytes("It\u00e2\u20ac\u2122s".encode())
    ('It’s', 'utf-8, repaired')
    """
    text, note = _decode(data)
    if not text:
        return text, note
    fixed = _repair(text)
    if fixed != text.replace("\r\n", "\n").replace("\r", "\n"):
        note += ", repaired"
    return fixed, note


def _decode(data: bytes) -> tuple[str, str]:
    """Decode bytes without repairing them; ``("", reason)`` when they are not text."""
    if not data:
        return "", "empty file"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(codec), f"{codec.removesuffix('-sig')} with BOM")
            except UnicodeDecodeError:
                return "", f"not valid {codec.removesuffix('-sig').upper()}"
    if b"\x00" in data:
        return "", "binary file (NUL bytes)"
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    text = codecs.charmap_decode(data, "strict", _CP1252)[0]
    sample = text[:_SAMPLE]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    # Western text is a few percent accents; far more means another code page (cp1251, ...).
    if non_ascii >= 16 and non_ascii > 0.3 * len(sample):
        best = charset_normalizer.from_bytes(data).best()
        if best is not None:
            return _checked(str(best), best.encoding)
    return _checked(text, "cp1252")


def _checked(text: str, note: str) -> tuple[str, str]:
    """Return ``(text, note)``, or ``("", reason)`` when control characters say it is binary."""
    sample = text[:_SAMPLE]
    if len(_BINARY_CONTROLS.findall(sample)) > 0.05 * len(sample):
        return "", "binary file (control characters)"
    return text, note


def _repair(text: str) -> str:
    """Repair mojibake and line endings. Text that ftfy would leave alone (plain ASCII, or
    text with no mojibake, control, full-width or ligature characters) takes a fast path
    that gives the same result; ftfy's full pass costs about 1 s per MB."""
    if text.isascii() and not _NOT_PLAIN.search(text):
        return text.replace("\r\n", "\n").replace("\r", "\n")
    if _SUSPECT.search(text) is None:  # most other text: two searches instead of four
        if _MOJIBAKE_HINT.search(text) and badness.is_bad(text):
            return ftfy.fix_text(text, _REPAIR)
        return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    # a control character, other work for ftfy or a mojibake lead: the full checks
    if _NOT_PLAIN.search(text) or _FTFY_WORK.search(text) or (
            (_MOJIBAKE_HINT.search(text) or _MOJIBAKE_LEAD.search(text)) and badness.is_bad(text)):
        return ftfy.fix_text(text, _REPAIR)
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_inputs(
    paths: Sequence[str], max_bytes: int | None = None
) -> Iterator[Document | Skipped]:
    """Read every input file or folder; yield Documents and, for what could not be read, Skipped.

    Raises InputError at once (before anything is read) for a path that does not exist.
    """
    _check_paths(paths, max_bytes)
    return (
        record
        for found in _walk(paths)
        for record in ([found] if isinstance(found, Skipped) else read_file(*found, max_bytes))
    )


def walk_inputs(paths: Sequence[str], max_bytes: int | None = None
                ) -> Iterator[tuple[Path, Path] | Skipped]:
    """``(file, root)`` for every input file in ``read_inputs``' order, and Skipped for what
    cannot be walked; read each with ``read_file``. Raises InputError as ``read_inputs``."""
    _check_paths(paths, max_bytes)
    return _walk(paths)


def iter_input_files(paths: Sequence[str]) -> Iterator[tuple[Path, Path]]:
    """Yield ``(file, root)`` for every file under the inputs, in a deterministic order.

    Folders are walked recursively in name order, hidden names (".x") skipped; a file given by
    itself has its own folder as root. Folders that loop or cannot be read are left out here;
    ``read_inputs`` reports them. Raises InputError at once for a path that does not exist.
    """
    _check_paths(paths, None)
    return (found for found in _walk(paths) if not isinstance(found, Skipped))


def _check_paths(paths: Sequence[str], max_bytes: int | None) -> None:
    """Raise InputError for no inputs, a missing path or a max_bytes below 1."""
    if not paths:
        raise InputError("no input given")
    if max_bytes is not None and max_bytes < 1:
        raise InputError(f"max_bytes must be at least 1, not {max_bytes}")
    for given in paths:
        if not os.path.exists(given):
            raise InputError(f"no such file or folder: {given}")


def _walk(paths: Sequence[str]) -> Iterator[tuple[Path, Path] | Skipped]:
    """Yield ``(file, root)`` for each input file, or Skipped for what cannot be walked."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk_folder(path, path, frozenset({_identity(path)}))
        else:
            yield path, path.parent


def _walk_folder(
    folder: Path, root: Path, ancestors: frozenset[tuple[int, int]]
) -> Iterator[tuple[Path, Path] | Skipped]:
    """Walk one folder in name order; ``ancestors`` are the folders above it, to detect loops."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield Skipped(str(folder), f"cannot read folder: {_why(error)}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            if entry.is_dir():
                identity = _identity(path)
                if identity in ancestors:
                    yield Skipped(str(path), "folder symlink loop")
                else:
                    yield from _walk_folder(path, root, ancestors | {identity})
            elif entry.is_file():
                yield path, root
            else:
                yield Skipped(str(path), "broken symlink" if entry.is_symlink() else "not a file")
        except OSError as error:  # e.g. a symlink to itself: too many levels of symbolic links
            yield Skipped(str(path), f"cannot read: {_why(error)}")


def _identity(path: Path) -> tuple[int, int]:
    """The (device, inode) of what a path points to, following symlinks."""
    info = path.stat()
    return info.st_dev, info.st_ino


def _why(error: OSError) -> str:
    """A short lower-case reason for an OS error."""
    return (error.strerror or str(error)).lower()


def read_file(
    path: Path, root: Path | None = None, max_bytes: int | None = None
) -> list[Document | Skipped]:
    """Read one file into its Documents, or a Skipped saying why it cannot be read.

    ``root`` is the input folder the file was found under (None: the file was given by itself).
    With ``max_bytes`` (at least 1), a cut file also gives ``Skipped(path, "truncated: ...")``.
    """
    reader = _READERS.get(path.suffix.lower())
    if reader is None:
        return [Skipped(str(path), f"unknown extension {path.suffix or '(none)'}")]
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return [Skipped(str(path), "not a file")]
        with path.open("rb") as handle:
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as error:
        return [Skipped(str(path), f"cannot read: {_why(error)}")]
    cut = max_bytes is not None and len(data) > max_bytes
    if cut:
        data = _cut(data[:max_bytes])
    text, note = _decode(data)
    if not text or text.isspace():
        return [Skipped(str(path), note if not text else "empty file")]
    if cut and reader is not _text_docs and reader is not _html_docs and "\n" in text:
        text = text[: text.rfind("\n") + 1]  # drop the part-line the cut left
    found = reader(path, _base_id(path, root), text)
    if cut:
        found.append(Skipped(str(path), f"{TRUNCATED} read only the first {max_bytes} bytes"))
    return found


def _cut(data: bytes) -> bytes:
    """Drop a character that the byte limit split at the end of data."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data[: len(data) - len(data) % 4]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        data = data[: len(data) - len(data) % 2]
        last = int.from_bytes(data[-2:], "little" if data[0] == 0xFF else "big")
        return data[:-2] if len(data) > 2 and 0xD800 <= last < 0xDC00 else data  # half a pair
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:  # only a sequence cut at the very end is ours to drop
        if error.reason == "unexpected end of data" and error.end == len(data):
            return data[: error.start]
    return data


def _base_id(path: Path, root: Path | None) -> str:
    """The path relative to its input folder, without extension, with "/" separators."""
    if root is not None and path != root and path.is_relative_to(root):
        return path.relative_to(root).with_suffix("").as_posix()
    return Path(path.name).with_suffix("").as_posix()


def _document(doc_id: str, text: str, fields: dict[str, str], path: Path) -> Document:
    """Build a Document; ``source`` defaults to ``doc_id``."""
    values = {name: fields.get(name, "") for name in FIELDS}
    values["source"] = values["source"] or doc_id
    return Document(doc_id=doc_id, text=text, path=str(path), **values)


def _text_docs(path: Path, base: str, text: str) -> list[Document | Skipped]:
    """One article from a .txt or .md file, with its front matter if any."""
    fields, body = _split_front_matter(_repair(text))
    if not body or body.isspace():
        return [Skipped(str(path), "no text after front matter")]
    return [_document(base, body, fields, path)]


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split ``---`` front matter from the body; ``({}, text)`` when there is none."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return {}, text
    fields: dict[str, str] = {}
    for line in (match.group(1) or "").split("\n"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pair = _META_LINE.fullmatch(line)
        if pair is None:  # e.g. Markdown that opens with a rule: not front matter
            return {}, text
        if pair.group(1).lower() in FIELDS:
            value = pair.group(2).strip()
            quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
            fields[pair.group(1).lower()] = value[1:-1] if quoted else value
    return fields, text[match.end() :].lstrip("\n")


def _jsonl_docs(path: Path, base: str, text: str) -> list[Document | Skipped]:
    """One article per JSON line; a bad line gives Skipped("file:LINE", ...)."""
    found: list[Document | Skipped] = []
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: JSON allows U+2028
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            found.append(Skipped(where, f"malformed JSON: {error.msg} at column {error.colno}"))
        except (ValueError, RecursionError):  # e.g. nesting too deep
            found.append(Skipped(where, "malformed JSON"))
        else:
            if isinstance(record, dict):
                found.append(_record_doc(record, f"{base}:{number}", path, where))
            else:
                found.append(Skipped(where, "not a JSON object"))
    return found


def _csv_docs(path: Path, base: str, text: str) -> list[Document | Skipped]:
    """One article per CSV row after the header; a row without text gives Skipped("file:LINE")."""
    reader = csv.reader(io.StringIO(text, newline=""))
    found: list[Document | Skipped] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        if "text" not in header:
            return [Skipped(str(path), "no text column in CSV header")]
        row_number, line = 0, reader.line_num + 1
        for row in reader:
            if any(cell.strip() for cell in row):
                row_number += 1
                record = dict(zip(header, row, strict=False))  # short rows
                found.append(_record_doc(record, f"{base}:{row_number}", path, f"{path}:{line}"))
            line = reader.line_num + 1
    except csv.Error as error:
        found.append(Skipped(f"{path}:{reader.line_num}", f"malformed CSV: {error}"))
    return found


def _record_doc(
    record: dict[Any, Any], fallback_id: str, path: Path, where: str
) -> Document | Skipped:
    """A Document from a JSONL object or CSV row, or Skipped when it has no text."""
    fields = {str(key).strip().lower(): _field(value) for key, value in record.items()}
    text = fields.get("text", "")
    if not text or text.isspace():
        return Skipped(where, "no text")
    return _document(fields.get("id", "").strip() or fallback_id, text, fields, path)


def _field(value: object) -> str:
    """A record's value as repaired text; "" for null, lists and objects."""
    if isinstance(value, str):
        return _repair(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return ""


def _html_docs(path: Path, base: str, text: str) -> list[Document | Skipped]:
    """The main text of an HTML page, with title, date and URL from its metadata."""
    try:
        import trafilatura  # here: it takes a tenth of a second to import, and only HTML needs it

        page: Any = trafilatura.bare_extraction(
            text, favor_precision=True, with_metadata=True, date_extraction_params=_DATES
        )
    except Exception as error:  # noqa: BLE001 - lxml and trafilatura fail in many ways on odd markup
        return [Skipped(str(path), f"cannot parse HTML: {type(error).__name__}")]
    body = _repair(getattr(page, "text", None) or "")
    if not body or body.isspace():
        return [Skipped(str(path), "no article text in HTML")]
    title, date, url = (getattr(page, name, None) or "" for name in ("title", "date", "url"))
    fields = {"title": _repair(title), "published": date, "url": url}
    return [_document(base, body, fields, path)]


_READERS: dict[str, Callable[[Path, str, str], list[Document | Skipped]]] = {
    ".txt": _text_docs, ".md": _text_docs, ".jsonl": _jsonl_docs, ".csv": _csv_docs,
    ".html": _html_docs, ".htm": _html_docs,
}
