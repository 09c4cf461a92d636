"""Reading one file a run was given: as text, within the byte limit, never blocking.

A file is opened read-only and without blocking (a FIFO swapped in after a check must not hang
the run), its kind is checked on the open file, at most the byte limit plus one byte is read,
and the bytes must be UTF-8 text. Every refusal is an input error naming the file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NoReturn

from cxaudit.budget import OverBudget
from cxaudit.budget import current as current_limits
from cxaudit.diagnostics import Diagnostic, InputError

# Read-only, without blocking on a FIFO, never becoming a terminal's controlling process, and
# in binary mode on Windows (which has neither of the first two).
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_BINARY", 0)
)


def resolved(path: Path) -> Path:
    """The path with links followed; for a link loop, the absolute path as it is (never an
    error: a loop is reported when the file is read)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a link loop, before Python 3.13
        return path.absolute()


def read_text(path: Path, display: str, max_bytes: int | None = None) -> str:
    """Read a file as UTF-8 text, refusing what is too big, binary or in another encoding.

    The file is opened without blocking (a FIFO swapped in after a check must not hang the run)
    and its kind checked on the open file; at most the byte limit plus one byte is read.
    """
    if max_bytes is None:
        max_bytes = current_limits().file_bytes
    try:
        if path.is_dir():
            raise InputError([Diagnostic(display, "is a directory, not a file")])
        descriptor = os.open(path, _READ_FLAGS)
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise InputError(
                    [Diagnostic(display, "is not a regular file (a pipe or a device?)")]
                )
            if status.st_size > max_bytes:
                raise OverBudget([Diagnostic(display, _too_big(status.st_size, max_bytes))])
            raw = handle.read(max_bytes + 1)  # a growing file can outgrow its stat
    except FileNotFoundError:
        raise InputError([Diagnostic(display, "no such file")]) from None
    except PermissionError:
        raise InputError([Diagnostic(display, "permission denied")]) from None
    except OSError as exc:
        raise InputError([Diagnostic(display, f"cannot read the file: {exc.strerror}")]) from None
    if len(raw) > max_bytes:
        raise OverBudget([Diagnostic(display, _too_big(len(raw), max_bytes))])
    return decode(raw, display)


def _too_big(size: int, max_bytes: int) -> str:
    return (
        f"the file is {size:,} bytes, more than the limit of {max_bytes:,} bytes; "
        "if this is a real bot, raise it with --limit file-bytes=N"
    )


def decode(raw: bytes, display: str) -> str:
    """UTF-8 (with or without a byte-order mark) to text; anything else is refused clearly."""
    nul = raw.find(b"\x00")
    if nul != -1:
        return _refuse(display, f"binary data, not YAML text (a NUL byte at byte offset {nul})")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        byte = raw[exc.start : exc.start + 1].hex()
        raise InputError(
            [
                Diagnostic(
                    display,
                    f"not valid UTF-8: byte 0x{byte} at byte offset {exc.start}; "
                    "save the file as UTF-8",
                    line,
                    column,
                )
            ]
        ) from None
    return text.removeprefix("\ufeff")


def _refuse(display: str, message: str) -> NoReturn:
    raise InputError([Diagnostic(display, message)])
