"""Read the articles folder: decode and repair each file, parse it, and reject what cannot be loaded.

Every file ends up either as a raw article (with the repairs made to it) or as a rejection with a reason,
so nothing in the folder is silently dropped.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import ftfy
import polars as pl
from charset_normalizer import from_bytes

from wiredesk.tables import REJECTED_SCHEMA
from wiredesk.wirecopy import dateline_date

ARTICLE_SUFFIXES = (".txt", ".jsonl")

RAW_ARTICLE_SCHEMA = {
    "source_path": pl.String,
    "external_id": pl.String,
    "title": pl.String,
    "body": pl.String,
    "published_at": pl.Datetime("us", "UTC"),
    "source": pl.String,
    "url": pl.String,
    "repairs": pl.List(pl.String),
    "size_bytes": pl.Int64,
}


# C0 controls other than tab, newline, carriage return and form feed, and DEL: never in real text.
_C0_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# C1 controls are left by a wrong decoding; ftfy turns most back into text, the rest are dropped.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# Above this share of control characters a file is binary, not text with a stray control byte.
_MAX_CONTROL_SHARE = 0.01

# ftfy repairs mojibake only: quotes, widths, ligatures and line breaks are left as the author wrote them.
_FTFY_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False,
    uncurl_quotes=False,
    fix_character_width=False,
    fix_latin_ligatures=False,
    fix_line_breaks=False,
    remove_control_chars=False,
    normalization=None,
    explain=False,
)


class RejectedInput(Exception):
    """Input that cannot become an article; `reason` is a stable code, `detail` says why in words."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class IngestResult:
    articles: pl.DataFrame  # RAW_ARTICLE_SCHEMA
    rejected: pl.DataFrame  # REJECTED_SCHEMA
    blank_lines: int = 0  # blank lines between JSONL records: no article and no rejection, but counted


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode bytes to text, repairing what can be repaired; returns the text and the repairs made."""
    repairs: list[str] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise RejectedInput("undecodable", f"UTF-16 byte-order mark but invalid UTF-16: {err}") from err
        repairs.append("decoded_utf16")
    else:
        if b"\x00" in data:
            raise RejectedInput("binary", "contains NUL bytes: not a text file")
        if data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]
            repairs.append("removed_byte_order_mark")
        text = _decode_8bit(data, repairs)

    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        repairs.append("normalised_line_endings")

    controls = len(_C0_CONTROLS.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise RejectedInput("binary", f"{controls} control characters in {len(text)}: not a text file")

    # Pure ASCII cannot hold mojibake: skip ftfy, the costliest step, for most wire text.
    fixed = text if text.isascii() else ftfy.fix_text(text, _FTFY_CONFIG)
    if fixed != text:
        repairs.append("fixed_mojibake")
        text = fixed

    if _CONTROL_CHARS.search(text):
        text = _CONTROL_CHARS.sub("", text)
        repairs.append("removed_control_characters")
    return text, repairs


def _decode_8bit(data: bytes, repairs: list[str]) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: a maintained detector (charset-normalizer) tells the legacy encodings apart (KOI8-R, cp1251,
    # Shift-JIS, ...). Windows-1252 decodes almost any bytes into something, so it stays the reading for Western
    # text: whenever the detector finds its reading no more garbled ("chaos") than its own best guess.
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    candidates = from_bytes(data)
    best = candidates.best()
    if western is not None and (best is None or _no_worse(western, candidates, best)):
        repairs.append("decoded_cp1252")
        return western
    if best is None:
        raise RejectedInput("undecodable", "not UTF-8 and no known text encoding fits")
    repairs.append(f"decoded_{best.encoding}")
    return str(best)


# The languages Windows-1252 was made for, as charset-normalizer names them: text the detector finds in one of
# them is read as cp1252, whichever Latin code page it guessed (short Western texts read as cleanly in several).
_WESTERN_LANGUAGES = frozenset(
    ["English", "French", "German", "Dutch", "Italian", "Spanish", "Portuguese", "Danish", "Norwegian", "Swedish",
     "Finnish", "Indonesian"]
)  # fmt: skip


def _no_worse(western: str, candidates, best) -> bool:
    """Whether `western` (the bytes read as cp1252) is the right reading. A wrong code page puts symbols inside
    words ("Z³rich", "zwiêkszy³y"), so the reading with fewer of them wins; when they tie, cp1252 stays where the
    detector finds a Western language, or ranks that reading no lower than its best guess (less garbled; as
    garbled and as coherent)."""
    ours, theirs = _symbols_inside_words(western), _symbols_inside_words(str(best))
    if ours != theirs:
        return ours < theirs
    if best.language in _WESTERN_LANGUAGES:
        return True
    same = next((candidate for candidate in candidates if str(candidate) == western), None)
    return same is not None and (same.chaos, -same.coherence) <= (best.chaos, -best.coherence)


def _symbols_inside_words(text: str) -> int:
    """How many characters that are not letters ("³", "õ" is a letter) stand between two letters."""
    return sum(
        1
        for match in re.finditer(r"[^\sA-Za-z0-9'’.\-&/]", text)
        if not match.group().isalpha()
        and 0 < match.start() < len(text) - 1
        and text[match.start() - 1].isalpha()
        and text[match.start() + 1].isalpha()
    )


_HEADER_LINE = re.compile(r"^(date|published|published_at|source|url)\s*:\s*(.*\S)\s*$", re.IGNORECASE)
_HEADER_KEYS = {"date": "published_at", "published": "published_at", "published_at": "published_at"}


def split_header(text: str) -> tuple[dict[str, str], str, list[str]]:
    """Take an optional header off a plain-text article: `Date:`, `Source:` or `URL:` lines before the title,
    with or without `---` front-matter fences (a closing `---` alone ends the header too). Returns
    ({published_at, source, url}, the rest, repairs): an opening fence that never closes is noted as
    `unclosed_front_matter`, and the header ends at its last field."""
    lines = text.split("\n")
    start = 0
    while start < len(lines) and not lines[start].strip():
        start += 1
    fenced = start < len(lines) and lines[start].strip() == "---"
    position = start + 1 if fenced else start
    header: dict[str, str] = {}
    while position < len(lines):
        match = _HEADER_LINE.match(lines[position])
        if not match:
            break
        key = match.group(1).lower()
        header[_HEADER_KEYS.get(key, key)] = match.group(2)
        position += 1
    if not header:
        return {}, text, []
    closed = position < len(lines) and lines[position].strip() == "---"
    rest = "\n".join(lines[position + 1 if closed else position :])
    return header, rest, [] if closed or not fenced else ["unclosed_front_matter"]


def parse_text_article(text: str) -> tuple[str, str]:
    """Split a plain-text article into (title, body): the first non-blank line is the title."""
    lines = text.split("\n")
    non_blank = [i for i, line in enumerate(lines) if line.strip()]
    if not non_blank:
        raise RejectedInput("empty", "the file holds only whitespace")
    first = non_blank[0]
    title = lines[first].strip()
    if not any(character.isalnum() for character in title):
        raise RejectedInput("no_title", f"the first line, {title[:40]!r}, has no letter or digit: no headline")
    body = "\n".join(lines[first + 1 :]).strip()
    if not body:
        raise RejectedInput("title_only", "a title line but no body")
    return title, body


class DateOutOfRange(ValueError):
    """A well-formed date no news story can carry (year 1 or 9999)."""


# News older than the telegraph or dated more than a year ahead is a typo or a placeholder, not a filing date.
EARLIEST_PUBLISHED = datetime(1800, 1, 1, tzinfo=UTC)
LATEST_PUBLISHED_AHEAD = timedelta(days=366)


def parse_published_at(value: object) -> datetime | None:
    """An ISO-8601 date or timestamp as UTC; None when absent. Naive times are taken as UTC.

    Raises ValueError when the value is not a date and DateOutOfRange when it is one no story can carry."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published_at must be a string, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.strip())
        parsed = parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError as err:  # "9999-12-31T23:59:59-05:00" is past the last representable instant in UTC
        raise DateOutOfRange(f"{value!r} is outside the calendar in UTC") from err
    if not EARLIEST_PUBLISHED <= parsed <= datetime.now(UTC) + LATEST_PUBLISHED_AHEAD:
        raise DateOutOfRange(f"{value!r} is not a plausible publication date")
    return parsed


def published_at_or_repair(value: object, repairs: list[str]) -> datetime | None:
    """`parse_published_at`, with a date it cannot use dropped and the repair noted instead of an error."""
    try:
        return parse_published_at(value)
    except DateOutOfRange:
        repairs.append("dropped_out_of_range_published_at")
    except ValueError:
        repairs.append("dropped_unparseable_published_at")
    return None


# Longer ids are not ids: a key an analyst joins on fits on a line.
MAX_ID_CHARS = 200
# A lone UTF-16 surrogate ("\\ud800" in JSON) is not a character: no file or database can store it.
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _integer_text(digits: str) -> int | str:
    # Python refuses to convert integers over 4,300 digits; such a number is kept as its text (and then refused
    # as an id by length), never an exception out of the parser.
    return int(digits) if len(digits) <= 100 else digits


def parse_jsonl_record(line: str) -> dict:
    """One JSON Lines record as an article dict (title, body, external_id, published_at, source, url)."""
    try:
        record = json.loads(line, parse_int=_integer_text)
    except json.JSONDecodeError as err:
        raise RejectedInput("malformed_json", f"not valid JSON: {err.msg} at column {err.colno}") from err
    except RecursionError as err:
        raise RejectedInput("malformed_json", "nested too deeply to be an article record") from err
    except ValueError as err:  # a float or number the parser cannot represent
        raise RejectedInput("malformed_json", f"not valid JSON: {err}") from err
    if not isinstance(record, dict):
        raise RejectedInput("malformed_json", f"a JSON {type(record).__name__}, not an object")
    repairs: list[str] = []
    record = {key: _without_lone_surrogates(value, repairs) for key, value in record.items()}
    for field in ("title", "body"):
        value = record.get(field)
        if not isinstance(value, str) or not value.strip():
            raise RejectedInput(f"missing_{field}", f"the record has no non-empty string '{field}'")
    published_at = published_at_or_repair(record.get("published_at"), repairs)
    return {
        "external_id": _external_id(record.get("id")),
        "title": record["title"].strip(),
        "body": record["body"].strip(),
        "published_at": published_at,
        "source": _optional_str(record.get("source")),
        "url": _optional_str(record.get("url")),
        "repairs": repairs,
    }


def _without_lone_surrogates(value: object, repairs: list[str]) -> object:
    if isinstance(value, str) and _LONE_SURROGATE.search(value):
        if "replaced_lone_surrogates" not in repairs:
            repairs.append("replaced_lone_surrogates")
        return _LONE_SURROGATE.sub("\ufffd", value)
    return value


def _external_id(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RejectedInput("invalid_id", f"'id' is a JSON {type(value).__name__}, not a string or number")
    text = str(value)
    if len(text) > MAX_ID_CHARS:
        raise RejectedInput("invalid_id", f"'id' is {len(text)} characters long; the limit is {MAX_ID_CHARS}")
    return text


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


@dataclass(frozen=True)
class FolderListing:
    files: list[Path]  # regular files to read, in path order
    refused: list[tuple[Path, RejectedInput]]  # entries that are not files inside the folder, with the reason


def source_path_of(path: Path, folder: Path) -> str:
    """The path relative to the folder, as text any table can hold: bytes of a file name that are not UTF-8
    are written as `\\xNN` escapes instead of failing the run."""
    relative = os.fsencode(path.relative_to(folder).as_posix())
    return relative.decode("utf-8", errors="backslashreplace")


def _kind_of(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def list_article_files(folder: Path) -> FolderListing:
    """Every regular file under `folder`, and every entry that cannot be one with its reason.

    The folder is a boundary: a symbolic link is followed only to a file inside it (a link to `/etc/passwd` is
    refused as `outside_folder`); links that loop or lead nowhere, pipes, sockets and devices are `not_a_file`;
    a subfolder that cannot be listed is `unreadable`. Hidden files and folders (drafts, editor and OS litter)
    are not read and are listed as `hidden` (a folder once, not its contents). Nothing is opened here, so a FIFO
    cannot block the run."""
    root = folder.resolve()
    files: list[Path] = []
    refused: list[tuple[Path, RejectedInput]] = []

    def visit(directory: Path) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: os.fsencode(entry.name))
        except OSError as err:
            refused.append((directory, RejectedInput("unreadable", f"could not list the folder: {err.strerror}")))
            return
        for entry in entries:
            path = Path(entry.path)
            if entry.name.startswith("."):
                what = "folder" if entry.is_dir(follow_symlinks=False) else "file"
                refused.append((path, RejectedInput("hidden", f"a hidden {what} (its name starts with '.'): not read")))
                continue
            try:
                if entry.is_symlink():
                    try:
                        target = path.resolve(strict=True)
                    except FileNotFoundError:
                        refused.append((path, RejectedInput("not_a_file", "a symbolic link to nothing")))
                        continue
                    except (RuntimeError, OSError):  # ELOOP ("Symlink loop" before Python 3.13)
                        refused.append((path, RejectedInput("not_a_file", "a symbolic link that loops")))
                        continue
                    if not target.is_relative_to(root):
                        refused.append(
                            (path, RejectedInput("outside_folder", "a symbolic link to a path outside the folder"))
                        )
                        continue
                    if target.is_dir():
                        refused.append(
                            (path, RejectedInput("not_a_file", "a link to a folder: its files are read where they are"))
                        )
                        continue
                if entry.is_dir(follow_symlinks=False):
                    visit(path)
                    continue
                mode = entry.stat(follow_symlinks=True).st_mode
            except OSError as err:
                refused.append((path, RejectedInput("unreadable", f"could not inspect the entry: {err.strerror}")))
                continue
            if stat.S_ISREG(mode):
                files.append(path)
            else:
                refused.append((path, RejectedInput("not_a_file", _kind_of(mode))))

    visit(folder)
    files.sort(key=lambda path: os.fsencode(path))
    return FolderListing(files, refused)


def read_articles_folder(folder: Path, max_bytes: int) -> IngestResult:
    """Read every article file under `folder` into raw articles and rejections."""
    if not folder.is_dir():
        raise FileNotFoundError(f"articles folder {folder} does not exist or is not a folder")
    detected_at = datetime.now(UTC)
    articles: list[dict] = []
    rejected: list[dict] = []

    def reject(source_path: str, err: RejectedInput, size: int | None) -> None:
        rejected.append(
            {
                "source_path": source_path,
                "reason": err.reason,
                "detail": err.detail,
                "size_bytes": size,
                "detected_at": detected_at,
            }
        )

    blank_lines = 0
    listing = list_article_files(folder)
    for path, err in listing.refused:
        reject(source_path_of(path, folder), err, None)
    for path in listing.files:
        source_path = source_path_of(path, folder)
        try:
            size = path.stat().st_size
        except OSError as err:
            reject(source_path, RejectedInput("unreadable", f"could not inspect the file: {err.strerror}"), None)
            continue
        suffix = path.suffix.lower()
        if suffix not in ARTICLE_SUFFIXES:
            reject(source_path, RejectedInput("unsupported_type", f"'{suffix}' is not .txt or .jsonl"), size)
        elif suffix == ".txt":
            try:
                articles.append(_read_text_file(path, source_path, size, max_bytes))
            except RejectedInput as err:
                reject(source_path, err, size)
        else:
            for line_path, line_size, outcome in _read_jsonl_file(path, source_path, max_bytes):
                if outcome is None:
                    blank_lines += 1
                elif isinstance(outcome, RejectedInput):
                    reject(line_path, outcome, line_size)
                else:
                    articles.append(outcome)

    note_duplicate_ids(articles)
    return IngestResult(
        articles=pl.DataFrame(articles, schema=RAW_ARTICLE_SCHEMA),
        rejected=pl.DataFrame(rejected, schema=REJECTED_SCHEMA),
        blank_lines=blank_lines,
    )


def note_duplicate_ids(articles: list[dict]) -> None:
    """A JSONL `id` given to records with different texts: each is loaded, under its own path, and its repairs
    say `duplicate_id: <the other paths>`. (Records with the same text are one article: see `duplicate`.)"""
    paths_of: dict[str, list[dict]] = {}
    for article in articles:
        if article["external_id"] is not None:
            paths_of.setdefault(article["external_id"], []).append(article)
    for same_id in paths_of.values():
        if len({(article["title"], article["body"]) for article in same_id}) < 2:
            continue
        for article in same_id:
            others = ", ".join(other["source_path"] for other in same_id if other is not article)
            article["repairs"] = [*article["repairs"], f"duplicate_id: {others}"]


def _read_text_file(path: Path, source_path: str, size: int, max_bytes: int) -> dict:
    if size > max_bytes:
        raise RejectedInput("too_large", f"{size} bytes is over the {max_bytes}-byte limit")
    data = _read_bytes(path)
    if not data.strip():
        raise RejectedInput("empty", "the file is empty" if not data else "the file holds only whitespace")
    text, repairs = decode_text(data)
    header, text, header_repairs = split_header(text)
    repairs += header_repairs
    title, body = parse_text_article(text)
    published_at = published_at_or_repair(header.get("published_at"), repairs)
    if published_at is None and (dated := dateline_date(body, source_path)) is not None:
        published_at = datetime(dated.year, dated.month, dated.day, tzinfo=UTC)
        repairs.append("published_at_from_dateline")
    return {
        "source_path": source_path,
        "external_id": None,
        "title": title,
        "body": body,
        "published_at": published_at,
        "source": header.get("source"),
        "url": header.get("url"),
        "repairs": repairs,
        "size_bytes": size,
    }


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise RejectedInput("unreadable", f"could not read the file: {err.strerror}") from err


def _read_jsonl_file(path: Path, source_path: str, max_bytes: int):
    """Yield (source_path with line number, size, article dict or RejectedInput) for each line; a blank line
    yields None in place of either."""
    try:
        handle = path.open("rb")
    except OSError as err:
        yield source_path, None, RejectedInput("unreadable", f"could not read the file: {err.strerror}")
        return
    with handle:
        seen_any = False
        for number, raw_line in enumerate(handle, start=1):
            line_path = f"{source_path}:{number}"
            if not raw_line.strip():
                yield line_path, len(raw_line), None
                continue
            seen_any = True
            size = len(raw_line)
            if size > max_bytes:
                yield line_path, size, RejectedInput("too_large", f"{size}-byte line is over {max_bytes}")
                continue
            try:
                text, repairs = decode_text(raw_line)
                record = parse_jsonl_record(text)
            except RejectedInput as err:
                yield line_path, size, err
                continue
            record["repairs"] = repairs + record["repairs"]
            yield line_path, size, {"source_path": line_path, "size_bytes": size, **record}
        if not seen_any:
            yield source_path, path.stat().st_size, RejectedInput("empty", "the JSONL file has no records")
