"""Writing a report, a baseline or a flow file: whole or not at all, never through a link.

A pull request can put a symbolic link where the report goes (``report.sarif`` pointing at a file
of the CI runner); writing through it would overwrite that file. So the text is written to a new
file in the target's folder and renamed over the target: a link there is replaced, never
followed, and a reader never sees half a report. A failure leaves the target as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
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
    folder = target.parent
    data = text.encode("utf-8")
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
