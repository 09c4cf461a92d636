"""The ``[tool.cxaudit]`` section of a pyproject.toml, with the line of every key in it."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from cxaudit.budget import check_nesting
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.locations import DataPath, Location
from cxaudit.reading import read_text


def _tomllib() -> Any:
    """The TOML parser, imported only when a pyproject.toml may configure cxaudit."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
    return tomllib


# The parts of a dotted key: quoted (closed or, in a broken file, to the end) or bare.
_PART = re.compile(r"\"(?:[^\"\\]|\\.)*\"?|'[^']*'?|[^.]+")
_KEY_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-\"'. ")
_AT = re.compile(r"(?<!\s)\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def has_section(path: Path) -> bool:
    """Does this pyproject.toml configure cxaudit (in any of TOML's ways of writing it)?"""
    try:
        text = read_text(path, path.as_posix())
    except InputError:
        return False  # too big, not a regular file, not UTF-8: not a configuration to look at
    if "cxaudit" not in text:
        return False
    tomllib = _tomllib()
    try:
        check_nesting(text, path.as_posix(), toml=True)
        return "cxaudit" in tomllib.loads(text).get("tool", {})
    except (tomllib.TOMLDecodeError, RecursionError, InputError):
        return "cxaudit" in text  # broken: if it may be ours, reading it will say what is wrong


def read_section(path: Path, display: str) -> tuple[dict[str, Any], TomlSourceMap]:
    """The [tool.cxaudit] settings and their positions; TOML errors as input errors."""
    tomllib = _tomllib()
    text = read_text(path, display)  # size-capped, regular files only, UTF-8
    check_nesting(text, display, toml=True)
    try:
        parsed = tomllib.loads(text)
    except RecursionError:
        raise InputError([Diagnostic(display, "invalid TOML: nested too deep")]) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(getattr(exc, "msg", exc))
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        at = _AT.search(message)  # Python 3.11-3.13 put the position in the message
        if at is not None:
            message = message[: at.start()]
            line, column = int(at.group("line")), int(at.group("column"))
        raise InputError([Diagnostic(display, f"invalid TOML: {message}", line, column)]) from None
    section = parsed.get("tool", {}).get("cxaudit", {})
    return dict(section), TomlSourceMap(text)


class TomlSourceMap:
    """Where each key of a TOML text is: table headers and assignments, by their dotted path."""

    def __init__(self, text: str) -> None:
        self.positions: dict[tuple[str, ...], Location] = {}
        table: tuple[str, ...] = ()
        # Read with string methods, not patterns: a pattern for "blanks, a key, blanks, =" can
        # backtrack cubically on a long line of blanks.
        for number, line in enumerate(text.splitlines(), start=1):
            header = _header(line)
            if header is not None:
                table = _split(header)
                self.positions.setdefault(table, Location(number, line.find("[") + 1))
                continue
            before, equals, _ = line.partition("=")
            name = before.strip()
            if equals and name and all(c in _KEY_CHARACTERS for c in name):
                key = (*table, *_split(name))
                column = len(before) - len(before.lstrip()) + 1
                self.positions.setdefault(key, Location(number, column))

    def locate(self, path: DataPath, *, key: bool = False) -> Location:
        """The line of ``tool.cxaudit.<path>``, or of the nearest enclosing key or table."""
        full = ("tool", "cxaudit", *(str(p) for p in path if isinstance(p, str)))
        while len(full) >= 1:
            if full in self.positions:
                return self.positions[full]
            full = full[:-1]
        return Location(1, 1)


def _header(line: str) -> str | None:
    """The key of a table header line (``[a.b]`` or ``[[a.b]]``, a comment after it), or None."""
    text = line.strip()
    if not text.startswith("["):
        return None
    double = text.startswith("[[")
    body = text[2 if double else 1 :]
    end = body.find("]")
    rest = body[end + 1 :]
    if end < 0 or (double and not rest.startswith("]")):
        return None
    rest = rest[1:].strip() if double else rest.strip()
    key = body[:end].strip()
    return key if key and (not rest or rest.startswith("#")) else None


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in _PART.findall(dotted.strip()))
