"""Reading what the CLI is given (a draft, a file, stdin) and writing batch output safely.

Every problem with the input becomes an `InputError` carrying one friendly line; the CLI
prints it and exits 2. Text is read as bytes and decoded strictly, so a binary or
non-UTF-8 file is named as such instead of being reviewed as mojibake.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from bot.review.rules.blank import is_blank

TYPE_CHECKING = False  # typing costs ~2 ms at every start; only type checkers need these
if TYPE_CHECKING:
    from typing import BinaryIO, TextIO


class InputError(Exception):
    """Bad input or usage the user can fix; the message is one line, shown as is."""


@dataclass
class Streams:
    """The process's standard streams, passed in so nothing below reaches for `sys`."""

    stdin: BinaryIO  # bytes, so invalid UTF-8 is reported rather than guessed at
    stdout: TextIO
    stderr: TextIO
    environ: Mapping[str, str] | None = None  # None: the real environment (terminal.py)


def os_problem(path: str, error: OSError, verb: str = "read") -> str:
    """One line saying why `path` could not be opened, without a traceback's jargon."""
    if isinstance(error, FileNotFoundError):
        reason = "no such file"
    elif isinstance(error, IsADirectoryError):
        reason = "it is a folder, not a file"
    elif isinstance(error, PermissionError):
        reason = "permission denied"
    else:
        reason = (error.strerror or str(error)).lower()
    return f"can't {verb} {path}: {reason}"


def decode_text(data: bytes, source: str) -> str:
    """`data` as text, or an InputError naming `source` if it is binary or not UTF-8."""
    if b"\x00" in data:
        raise InputError(f"{source} isn't UTF-8 text (it looks like a binary file)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{source} isn't UTF-8 text; save it as UTF-8 and try again") from None
    return text.removeprefix("\ufeff")


def read_file_text(path: str) -> str:
    """The whole of a text file, with friendly errors."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError as error:
        raise InputError(os_problem(path, error)) from None
    return decode_text(data, path)


def check_argv_text(text: str) -> str:
    """A draft given on the command line; the shell may pass bytes that aren't UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError("the draft isn't UTF-8 text") from None
    return text


def require_draft(text: str) -> str:
    """`text` unless it is empty or only whitespace."""
    if is_blank(text):
        raise InputError("the draft is empty; nothing to review")
    return text


@contextmanager
def open_source(path: str, streams: Streams) -> Iterator[tuple[BinaryIO, int | None]]:
    """A binary stream for a batch source ("-" is stdin) and its size when known."""
    if path == "-":
        yield streams.stdin, None
        return
    try:
        fh = open(path, "rb")  # noqa: SIM115 (closed below; the size needs the handle)
    except OSError as error:
        raise InputError(os_problem(path, error)) from None
    with fh:
        try:
            size = os.fstat(fh.fileno()).st_size or None
        except OSError:
            size = None
        yield fh, size


@contextmanager
def open_output(path: str | None, streams: Streams) -> Iterator[TextIO]:
    """Where batch output goes: stdout, or `path` written whole or not at all.

    A file is written beside its final name and moved into place only when the batch
    finishes, so an interrupted run never leaves half a file (and `--out` may even name
    the input file).
    """
    if path is None:
        yield streams.stdout
        streams.stdout.flush()
        return
    folder = os.path.dirname(os.path.abspath(path))
    temp = os.path.join(folder, f".{os.path.basename(path)}.{os.getpid()}.part")
    try:
        fh = open(temp, "w", encoding="utf-8", newline="")  # noqa: SIM115 (moved into place below)
    except OSError as error:
        raise InputError(os_problem(path, error, "write")) from None
    try:
        with fh:
            yield fh
        try:
            os.replace(temp, path)
        except OSError as error:
            raise InputError(os_problem(path, error, "write")) from None
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise
