"""The resource budget of a run: how much cxaudit reads and builds before it refuses the input.

cxaudit runs unattended in CI on whatever a pull request contains, so every reader checks its
part of one budget before the work grows (not after a file was parsed whole), and going over is
an input error (exit code 2) that names the file and the limit to raise::

    cxaudit check bots/ --limit files=20000 --limit text=20000000

The defaults are far above what real bots need (the largest project in the corpus cxaudit is
measured on has 425 files, 3 MB and 225,000 characters of text; its largest file is 200 KB)
and low enough that every hostile input in ``tests/attacks.py`` is refused within seconds and a
few hundred MiB, and a bot just under every limit is checked within about five seconds.

The limits are set per run, on the command line, never in a configuration file: a pull request
can edit the configuration it is checked with, not the CI job that checks it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields, replace
from typing import Any

from cxaudit.diagnostics import Diagnostic, InputError

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """One number per resource; see :data:`DESCRIPTIONS` for what each counts."""

    file_bytes: int = 64 * MIB
    project_bytes: int = 256 * MIB
    files: int = 10_000
    nodes: int = 500_000
    text: int = 2_000_000
    depth: int = 100


#: The name on the command line (``--limit NAME=N``) -> (field, what it counts).
DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "file-bytes": (
        "file_bytes",
        "bytes in one file (flow file, project file, baseline, configuration)",
    ),
    "project-bytes": ("project_bytes", "bytes read from one project or unpacked from one archive"),
    "files": ("files", "files read from one project or archive, and flow files in one run"),
    "nodes": ("nodes", "YAML or JSON nodes (values, lists, maps) in one file"),
    "text": ("text", "characters of text in one bot, aliases expanded, after NFKD (x18 at most)"),
    "depth": ("depth", "levels of nesting in one YAML, JSON or TOML document or baseline"),
}
NAMES = {field_name: name for name, (field_name, _) in DESCRIPTIONS.items()}

DEFAULTS = Limits()
_CURRENT: ContextVar[Limits] = ContextVar("cxaudit_limits", default=DEFAULTS)


def current() -> Limits:
    """The limits of the run in progress (the defaults outside one)."""
    return _CURRENT.get()


@contextmanager
def using(limits: Limits) -> Iterator[Limits]:
    """Run the block with these limits."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def parse(values: list[str], base: Limits | None = None) -> Limits:
    """``--limit NAME=N`` values applied to ``base``; raises ValueError with a readable message."""
    limits = base or Limits()
    for value in values:
        name, equals, number = value.partition("=")
        name = name.strip().lower().replace("_", "-")
        if not equals or name not in DESCRIPTIONS:
            known = ", ".join(DESCRIPTIONS)
            raise ValueError(f"'{value}' is not NAME=N with a NAME of {known}")
        digits = number.strip().replace("_", "")
        if not digits.isascii() or not digits.isdigit() or len(digits) > 15 or int(digits) < 1:
            raise ValueError(f"'{value}': the limit must be a whole number from 1 to 10^15")
        limits = replace(limits, **{DESCRIPTIONS[name][0]: int(digits)})
    return limits


def describe(limits: Limits) -> list[tuple[str, int, str]]:
    """(name, value, what it counts) for every limit, in a stable order (for docs and help)."""
    return [
        (NAMES[f.name], getattr(limits, f.name), DESCRIPTIONS[NAMES[f.name]][1])
        for f in fields(limits)
    ]


class OverBudget(InputError):
    """An input that goes over a limit: never skipped as an optional file, always exit 2."""


def exceeded(display: str, field_name: str, what: str, line: int | None = None) -> OverBudget:
    """The input error for going over a limit: the file, what was too much, how to allow more."""
    name = NAMES[field_name]
    value = getattr(current(), field_name)
    message = (
        f"{what}: over the limit of {value:,} {_UNITS[field_name]}; "
        f"if this is a real bot, raise it with --limit {name}=N"
    )
    return OverBudget([Diagnostic(display, message, line, 1 if line else None)])


_UNITS = {
    "file_bytes": "bytes",
    "project_bytes": "bytes",
    "files": "files",
    "nodes": "nodes",
    "text": "characters",
    "depth": "levels",
}

_CHUNK = 65536


def text_size(data: Any, display: str) -> int:
    """The characters of text in ``data`` (a document's data, aliases expanded: a text said by
    three steps counts three times), after compatibility decomposition; raises the input error
    as soon as the count passes the text limit, without ever holding a decomposed copy of more
    than a small piece of one text."""
    limit = current().text
    total = 0
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) if item.isascii() else _decomposed_length(item, limit - total)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        if total > limit:
            raise exceeded(display, "text", "this bot's texts are too long")
    return total


def _decomposed_length(text: str, room: int) -> int:
    """len(NFKD(text)), stopping once it passes ``room`` (decomposition is per character, so
    the length of a text is the sum of the lengths of its pieces)."""
    if unicodedata.is_normalized("NFKD", text):
        return len(text)
    length = 0
    for start in range(0, len(text), _CHUNK):
        length += len(unicodedata.normalize("NFKD", text[start : start + _CHUNK]))
        if length > room:
            break
    return length


# Brackets outside strings (and TOML comments): what nests in JSON and TOML. A string runs to
# its closing quote or the end of its line (unclosed, it must not be searched again from each
# of its quotes: that is quadratic); brackets inside a multi-line TOML string are counted too,
# which can only overstate the depth of a hostile file.
_JSON_NESTING = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[\[\]{}]')
_TOML_NESTING = re.compile(r'"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?|#[^\n]*|[\[\]{}]')


def check_nesting(text: str, display: str, *, toml: bool = False) -> None:
    """Refuse a JSON or TOML text nested deeper than the depth limit, before a recursive
    parser walks it (Python's parsers stop only at the interpreter's recursion limit)."""
    limit = current().depth
    if text.count("[") + text.count("{") <= limit:
        return
    depth = 0
    for match in (_TOML_NESTING if toml else _JSON_NESTING).finditer(text):
        bracket = match.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > limit:
                line = text.count("\n", 0, match.start()) + 1
                raise exceeded(display, "depth", "nested too deep", line)
        elif bracket in ("]", "}"):
            depth = max(0, depth - 1)


def render_limits(limits: Limits, *, as_json: bool = False) -> str:
    """The budget as `cxaudit config limits` prints it: a table, or JSON."""
    rows = describe(limits)
    if as_json:
        return json.dumps({name: value for name, value, _ in rows}, indent=2) + "\n"
    width = max(len(name) for name, _, _ in rows)
    return "".join(f"{name:<{width}}  {value:>12,}  {what}\n" for name, value, what in rows)
