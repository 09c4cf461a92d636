"""The ``[tool.cxaudit]`` section of a pyproject.toml, with the line of every key in it."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from cxaudit.budget import check_nesting
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.loader import read_text
from cxaudit.locations import DataPath, Location


def _tomllib() -> Any:
    """The TOML parser, imported only when a pyproject.toml may configure cxaudit."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
    return tomllib


_HEADER = re.compile(r"^\s*\[\[?\s*(?P<key>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ASSIGNMENT = re.compile(r"^\s*(?P<key>[A-Za-z0-9_\-\"'. ]+?)\s*=")
_PART = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'|[^.]+")
#: Lines longer than this hold no table header or key worth placing (a value, a hostile line).
_LONGEST_LINE = 4096
_AT = re.compile(r"\s*\(at line (?P<line>\d+), column (?P<column>\d+)\)$")


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
        for number, line in enumerate(text.splitlines(), start=1):
            if len(line) > _LONGEST_LINE:
                continue  # no header or key is that long; the patterns would take quadratic time
            header = _HEADER.match(line)
            if header is not None:
                table = _split(header.group("key"))
                self.positions.setdefault(table, Location(number, line.find("[") + 1))
                continue
            assignment = _ASSIGNMENT.match(line)
            if assignment is not None:
                key = (*table, *_split(assignment.group("key")))
                self.positions.setdefault(key, Location(number, assignment.start("key") + 1))

    def locate(self, path: DataPath, *, key: bool = False) -> Location:
        """The line of ``tool.cxaudit.<path>``, or of the nearest enclosing key or table."""
        full = ("tool", "cxaudit", *(str(p) for p in path if isinstance(p, str)))
        while len(full) >= 1:
            if full in self.positions:
                return self.positions[full]
            full = full[:-1]
        return Location(1, 1)


def _split(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip().strip("\"'") for part in _PART.findall(dotted.strip()))
