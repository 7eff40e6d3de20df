"""Batch review for a content calendar: JSON lines in and out, or a CSV file annotated.

Both stream: one item is read, reviewed and written before the next is read, so a
large calendar needs no more memory than one draft. A bad item never stops the batch:
it gets an `error` (field or column) in its place in the output, nothing is dropped, and
the exit code is 1 when any item had one.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable

from bot.cli.inputs import InputError, Streams, open_output, open_source
from bot.cli.render import top_findings
from bot.cli.terminal import Progress, is_tty
from bot.review.core.model import Review
from bot.review.core.platforms import ALIASES, PLATFORMS, get_platform
from bot.review.reviewer import DraftTooLong
from bot.review.rules.blank import is_blank

ReviewFn = Callable[..., Review]  # review(text, platform=..., in_reply_to=...) -> Review

CSV_COLUMNS = ("human_score", "verdict", "top_findings", "rewrite", "facts_missing", "error")
EXIT_SOME_FAILED = 1
PLATFORM_NAMES = {*PLATFORMS, *ALIASES}
# One encoder for every line (json.dumps would build one per line); a record is a tree, so
# the check for circular references (~10% of the encoding) is skipped.
_JSON = json.JSONEncoder(ensure_ascii=False, check_circular=False)


def review_jsonl(source: str, out_path: str | None, review: ReviewFn, streams: Streams) -> int:
    """Reviews each JSON line of `source` ("-" = stdin); one JSON line out per line in."""
    count = failed = 0
    with open_source(source, streams) as (fh, size), open_output(out_path, streams) as out:
        progress = Progress(streams.stderr, total=size, enabled=is_tty(streams.stderr))
        for number, raw in enumerate(fh, 1):
            if not raw.strip():
                continue  # a blank line carries no draft; skipping it loses nothing
            record = jsonl_record(number, raw, review)
            failed += "error" in record
            count += 1
            out.write(_JSON.encode(record) + "\n")
            if progress.enabled:  # asking the file where it is costs a system call
                progress.update(count, fh.tell() if size else None)
        progress.close()
    what = 'lines could not be reviewed; see their "error" field'
    return finish(streams, count, failed, what, out_path)


def jsonl_record(number: int, raw: bytes, review: ReviewFn) -> dict:
    """The output record for one input line: `{"id", ...review}` or `{"id", "line", "error"}`."""
    item_id = None
    try:
        item = parse_line(number, raw)
        item_id = item.get("id")
        text = item.get("text")
        if not isinstance(text, str):
            raise InputError(f'line {number} has no "text" string')
        if is_blank(text):
            raise InputError(f"line {number}: the draft is empty; nothing to review")
        options = item_options(number, item)
        return {"id": item_id, **guarded_review(number, review, text, options).to_dict()}
    except InputError as error:
        if item_id is None:
            item_id = salvage_id(raw)
        return {"id": item_id, "line": number, "error": str(error)}


def salvage_id(raw: bytes):
    """The `id` of a line that failed, if it can be read at all, so the error can be matched."""
    try:
        item = json.loads(raw.decode("utf-8", "replace"))
    except (ValueError, RecursionError):
        return None
    return item.get("id") if isinstance(item, dict) else None


def parse_line(number: int, raw: bytes) -> dict:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"line {number} isn't UTF-8 text") from None
    if number == 1:
        line = line.removeprefix("\ufeff")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise InputError(f"line {number} isn't valid JSON: {error.msg}") from None
    except RecursionError:
        raise InputError(f"line {number} is nested too deeply to read as a draft") from None
    if not isinstance(item, dict):
        raise InputError(f'line {number} should be a JSON object with a "text" field')
    return item


def item_options(number: int, item: dict) -> dict:
    """The per-line overrides (`platform`, `in_reply_to`) a line may carry, checked."""
    options = {}
    platform = item.get("platform")
    if platform is not None:
        if not isinstance(platform, str) or platform.strip().lower() not in PLATFORM_NAMES:
            known = ", ".join(PLATFORMS)
            raise InputError(f"line {number}: unknown platform {platform!r} (one of: {known})")
        options["platform"] = get_platform(platform).id
    reply = item.get("in_reply_to")
    if reply is not None:
        if not isinstance(reply, str):
            raise InputError(f'line {number}: "in_reply_to" should be a string')
        options["in_reply_to"] = reply
    return options


def guarded_review(number: int, review: ReviewFn, text: str, options: dict) -> Review:
    """One item's review; an unexpected failure becomes that item's error, not the batch's."""
    try:
        return review(text, **options)
    except DraftTooLong as error:
        raise InputError(f"line {number}: {error}") from None
    except Exception as error:  # reported in the item's error field
        raise InputError(
            f"line {number}: could not review: {type(error).__name__}: {error}"
        ) from None


def review_csv(
    path: str, column: str, out_path: str | None, review: ReviewFn, streams: Streams
) -> int:
    """Writes `path` back with every original column plus the review's columns."""
    count = failed = 0
    with open_source(path, streams) as (fh, size):
        text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
        try:
            first = read_first_line(text, path)
            delimiter = sniff_delimiter(first)
            lines = itertools.chain([first], text) if first else text
            name = "stdin" if path == "-" else path
            reader = CsvRows(lines, delimiter, name, streams.stderr)
            header = next_row(reader, path)
            if header is None:
                raise InputError(f"{path} is empty; it needs a header row naming its columns")
            index = column_index(header, column, path)
            extra = [name for name in CSV_COLUMNS if name not in header]
            out_header = header + extra
            slots = [out_header.index(name) for name in CSV_COLUMNS]
            with open_output(out_path, streams) as out:
                writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
                writer.writerow(out_header)
                progress = Progress(streams.stderr, total=size, enabled=is_tty(streams.stderr))
                while (row := next_row(reader, path)) is not None:
                    if not any(cell.strip() for cell in row):
                        writer.writerow(row)  # a blank row stays a blank row
                        continue
                    cells = csv_cells(row, index, review, reader.line_num)
                    failed += bool(cells[-1])
                    count += 1
                    writer.writerow(merge_row(row, len(header), len(out_header), slots, cells))
                    if progress.enabled:
                        progress.update(count, fh.tell() if size else None)
                progress.close()
        finally:
            text.detach()  # the source's own `with` closes the file
    what = "rows could not be reviewed; see their error column"
    return finish(streams, count, failed, what, out_path)


def read_first_line(text, path: str) -> str:
    """The header line, read before the CSV reader to tell its delimiter."""
    try:
        return text.readline()
    except UnicodeDecodeError:
        raise InputError(f"{path} isn't UTF-8 text; save it as UTF-8 CSV and try again") from None


def sniff_delimiter(header: str) -> str:
    """ "," unless the header line is plainly separated by ";" (as spreadsheets write CSV
    where "," is the decimal mark) or by tabs."""
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


class CsvRows:
    """csv.reader over `lines`, strict about quotes, with one mistake recovered: a quote
    that is never closed (or closed in the wrong place) would run the following lines into
    one cell. Instead, the line where that row starts is read as it stands (quotes kept),
    a warning names it on `warn`, and the lines after it are read as rows again.
    `line_num` counts lines from the file's start."""

    def __init__(self, lines, delimiter: str, path: str, warn):
        self.delimiter, self.path, self.warn = delimiter, path, warn
        self.base = 0  # lines before the current reader's first
        self.source = iter(lines)
        self._start()

    def _start(self) -> None:
        self.taken: list[str] = []
        self.reader = csv.reader(self._tracked(), delimiter=self.delimiter, strict=True)

    def _tracked(self):
        for line in self.source:
            self.taken.append(line)
            yield line

    @property
    def line_num(self) -> int:
        return self.base + self.reader.line_num

    def __iter__(self):
        return self

    def __next__(self) -> list[str]:
        self.taken = []
        before = self.line_num
        try:
            return next(self.reader)
        except csv.Error as error:
            lines = self.taken
            if not lines or '"' not in lines[0] or "field limit" in str(error):
                raise
        start = before + 1
        self.warn.write(
            f'socialway: {self.path} line {start}: a quote (") is not closed where it should '
            "be; read that line as it stands and the lines after it as rows\n"
        )
        (row,) = csv.reader(lines[:1], delimiter=self.delimiter, quoting=csv.QUOTE_NONE)
        self.base = start
        self.source = itertools.chain(lines[1:], self.source)
        self._start()
        return row


def next_row(reader, path: str) -> list[str] | None:
    """The next CSV row, or None at the end; undecodable or broken CSV stops the batch."""
    try:
        return next(reader)
    except StopIteration:
        return None
    except UnicodeDecodeError:
        raise InputError(f"{path} isn't UTF-8 text; save it as UTF-8 CSV and try again") from None
    except csv.Error as error:
        raise InputError(f"{path} line {reader.line_num} isn't valid CSV: {error}") from None


def column_index(header: list[str], column: str, path: str) -> int:
    """Where the drafts are; an exact name first, then ignoring case and spaces."""
    if column in header:
        return header.index(column)
    folded = [name.strip().casefold() for name in header]
    if column.strip().casefold() in folded:
        return folded.index(column.strip().casefold())
    names = ", ".join(header) or "(none)"
    raise InputError(f'{path} has no column "{column}" (its columns: {names}); use --column')


def csv_cells(row: list[str], index: int, review: ReviewFn, line: int) -> list[str]:
    """The review columns for one row, in CSV_COLUMNS order; errors go in the last one."""
    draft = row[index] if index < len(row) else ""
    if is_blank(draft):
        return ["", "", "", "", "", "the draft is empty; nothing to review"]
    try:
        result = guarded_review(line, review, draft, {})
    except InputError as error:
        return ["", "", "", "", "", str(error)]
    return [
        str(result.human_score),
        result.verdict,
        top_findings(result),
        result.rewrite.text,
        ", ".join(result.rewrite.facts_missing),
        "",
    ]


def merge_row(row: list[str], width: int, out_width: int, slots: list[int], cells: list[str]):
    """The original row (padded to the header) with the review cells in their columns.

    Cells beyond the header (a ragged row) are kept after the review columns.
    """
    merged = row[:width] + [""] * (out_width - min(len(row), width))
    for slot, value in zip(slots, cells, strict=True):
        merged[slot] = value
    return merged + row[width:]


def finish(streams: Streams, count: int, failed: int, what: str, out_path: str | None) -> int:
    """Says on stderr how the batch went (stdout stays the output alone, for pipes)."""
    if failed:
        streams.stderr.write(f"socialway: {failed} of {count} {what}\n")
        return EXIT_SOME_FAILED
    where = f"written to {out_path}" if out_path else "on stdout"
    drafts = "draft" if count == 1 else "drafts"
    streams.stderr.write(f"socialway: reviewed {count} {drafts}; output {where}\n")
    return 0
