"""Writing a report, a baseline or a flow file: whole or not at all, never through a link.

A pull request can put a symbolic link where the report goes (``report.sarif`` pointing at a file
of the CI runner); writing through it would overwrite that file. So the text is written to a new
file in the target's folder and renamed over the target: a link there is replaced, never
followed, and a reader never sees half a report. A failure leaves the target as it was. A device
or a pipe (``-o /dev/null``, ``--report sarif=/dev/stdout``, a FIFO) is written to, never
replaced: renaming a file over ``/dev/null`` would break the rest of a CI job run as root.
Standard output and error are written so that an encoding that cannot carry the text, a full
disk or a closed pipe is one clear error.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from pathlib import Path


class WriteError(Exception):
    """The file could not be written; the message names it and says why."""


def write_file(target: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` by renaming a finished file over it.

    Raises :class:`WriteError` for a target that is a folder, a folder that does not exist or
    cannot be written, or a full disk.
    """
    if target.is_dir() and not target.is_symlink():
        raise WriteError(f"cannot write {target}: it is a folder")
    if _stream_like(target):
        _write_through(target, text.encode("utf-8"))
        return
    folder = target.parent
    data = text.encode("utf-8")
    import secrets  # here, not at the top: `cxaudit --version` writes no file

    temporary = folder / f".{target.name}.{secrets.token_hex(6)}.tmp"
    try:
        # O_EXCL: never open a file (or link) someone else put there; 0o666 minus the umask, as
        # any file the user creates.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror}") from None
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
        temporary.replace(target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise WriteError(f"cannot write {target}: {exc.strerror}") from None


def _stream_like(target: Path) -> bool:
    """Is ``target`` a device, a pipe or a socket (through links), or a system path such as
    ``/dev/stdout`` that must be written to rather than replaced?"""
    absolute = str(target.absolute())
    if absolute.startswith(("/dev/", "/proc/")):
        return True
    try:
        mode = target.stat().st_mode  # follows links: where the bytes would go
    except OSError:
        return False  # does not exist yet (or a broken link): made as a new file
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _write_through(target: Path, data: bytes) -> None:
    """Write to an existing device or pipe as it is (never created, never replaced)."""
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_APPEND)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
    except OSError as exc:
        raise WriteError(f"cannot write {target}: {exc.strerror}") from None


def write_stream(text: str, stream: str = "stdout") -> None:
    """Write text; where the stream's encoding cannot carry it, write UTF-8 bytes instead.

    A Windows job log in cp1252 must not crash on a box-drawing line or a Dutch accent.
    """
    out = sys.stdout if stream == "stdout" else sys.stderr
    try:
        try:
            text.encode(out.encoding or "utf-8")
        except (UnicodeEncodeError, LookupError):
            out.flush()
            # backslashreplace: a lone surrogate (a name that is not UTF-8) must not crash it
            out.buffer.write(text.encode("utf-8", "backslashreplace"))
            out.buffer.flush()
            return
        out.write(text)
        out.flush()
    except OSError as exc:  # a full disk, a closed pipe
        raise StreamError(stream, exc) from None


class StreamError(Exception):
    """Standard output or error could not be written (a full disk, a closed pipe)."""

    def __init__(self, stream: str, error: OSError) -> None:
        super().__init__(stream)
        self.stream = "standard output" if stream == "stdout" else "standard error"
        self.error = error


def abandon_stdout() -> None:
    """Point standard output at the null device: what is left in its buffer cannot be written,
    and Python must not try again (and print a traceback) when it exits."""
    with contextlib.suppress(OSError, ValueError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
