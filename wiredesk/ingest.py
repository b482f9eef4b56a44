"""Read the articles folder: decode and repair each file, parse it, and reject what cannot be loaded.

Every file ends up either as a raw article (with the repairs made to it) or as a rejection with a reason,
so nothing in the folder is silently dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ftfy
import polars as pl
from charset_normalizer import from_bytes

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

REJECTED_SCHEMA = {
    "source_path": pl.String,
    "reason": pl.String,
    "detail": pl.String,
    "size_bytes": pl.Int64,
    "detected_at": pl.Datetime("us", "UTC"),
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
    # Legacy Western news text is almost always Windows-1252 (a superset of Latin-1's printable range);
    # charset-normalizer guesses poorly on short texts, so it only decides when cp1252 cannot decode.
    try:
        text = data.decode("cp1252")
        repairs.append("decoded_cp1252")
        return text
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise RejectedInput("undecodable", "not UTF-8 and no known text encoding fits")
    repairs.append(f"decoded_{best.encoding}")
    return str(best)


_HEADER_LINE = re.compile(r"^(date|published|published_at|source|url)\s*:\s*(.*\S)\s*$", re.IGNORECASE)
_HEADER_KEYS = {"date": "published_at", "published": "published_at", "published_at": "published_at"}


def split_header(text: str) -> tuple[dict[str, str], str]:
    """Take an optional header off a plain-text article: `Date:`, `Source:` or `URL:` lines before the title,
    with or without `---` front-matter fences (a closing `---` alone ends the header too). Returns
    ({published_at, source, url}, the rest)."""
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
    closed = position < len(lines) and lines[position].strip() == "---"
    if fenced:
        return (header, "\n".join(lines[position + 1 :])) if closed and header else ({}, text)
    if header and closed:  # header lines closed by a `---` that opened nothing: the fence still ends the header
        position += 1
    return (header, "\n".join(lines[position:])) if header else ({}, text)


def parse_text_article(text: str) -> tuple[str, str]:
    """Split a plain-text article into (title, body): the first non-blank line is the title."""
    lines = text.split("\n")
    non_blank = [i for i, line in enumerate(lines) if line.strip()]
    if not non_blank:
        raise RejectedInput("empty", "the file holds only whitespace")
    first = non_blank[0]
    title = lines[first].strip()
    body = "\n".join(lines[first + 1 :]).strip()
    if not body:
        raise RejectedInput("title_only", "a title line but no body")
    return title, body


def parse_published_at(value: object) -> datetime | None:
    """An ISO-8601 date or timestamp as UTC; None when absent. Naive times are taken as UTC."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published_at must be a string, got {type(value).__name__}")
    parsed = datetime.fromisoformat(value.strip())
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_jsonl_record(line: str) -> dict:
    """One JSON Lines record as an article dict (title, body, external_id, published_at, source, url)."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise RejectedInput("malformed_json", f"not valid JSON: {err.msg} at column {err.colno}") from err
    if not isinstance(record, dict):
        raise RejectedInput("malformed_json", f"a JSON {type(record).__name__}, not an object")
    for field in ("title", "body"):
        value = record.get(field)
        if not isinstance(value, str) or not value.strip():
            raise RejectedInput(f"missing_{field}", f"the record has no non-empty string '{field}'")
    repairs = []
    try:
        published_at = parse_published_at(record.get("published_at"))
    except ValueError:
        published_at = None
        repairs.append("dropped_unparseable_published_at")
    external_id = record.get("id")
    return {
        "external_id": None if external_id is None else str(external_id),
        "title": record["title"].strip(),
        "body": record["body"].strip(),
        "published_at": published_at,
        "source": _optional_str(record.get("source")),
        "url": _optional_str(record.get("url")),
        "repairs": repairs,
    }


def _optional_str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def list_article_files(folder: Path) -> list[Path]:
    """Every file under `folder`, sorted, skipping hidden files and folders (editor and OS litter)."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts)
    )


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

    for path in list_article_files(folder):
        source_path = path.relative_to(folder).as_posix()
        size = path.stat().st_size
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
                if isinstance(outcome, RejectedInput):
                    reject(line_path, outcome, line_size)
                else:
                    articles.append(outcome)

    return IngestResult(
        articles=pl.DataFrame(articles, schema=RAW_ARTICLE_SCHEMA),
        rejected=pl.DataFrame(rejected, schema=REJECTED_SCHEMA),
    )


def _read_text_file(path: Path, source_path: str, size: int, max_bytes: int) -> dict:
    if size > max_bytes:
        raise RejectedInput("too_large", f"{size} bytes is over the {max_bytes}-byte limit")
    data = _read_bytes(path)
    if not data.strip():
        raise RejectedInput("empty", "the file is empty" if not data else "the file holds only whitespace")
    text, repairs = decode_text(data)
    header, text = split_header(text)
    title, body = parse_text_article(text)
    try:
        published_at = parse_published_at(header.get("published_at"))
    except ValueError:
        published_at = None
        repairs.append("dropped_unparseable_published_at")
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
    """Yield (source_path with line number, size, article dict or RejectedInput) for each non-blank line."""
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
