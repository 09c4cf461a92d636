"""The shape of lines of block YAML, read around a syntax error for :mod:`cxaudit.yaml_hints`.

A line's indent, list dash, key and value, by hand rather than by the parser (which has just
failed on them), and the lines around the error that the hints read: nearest first, within a
window, leaving out the lines of block texts (``say: |``), which are text, not structure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# YAML's line breaks (the marks count lines by these, not by str.splitlines).
BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
PREFIX = re.compile(r"( *)((?:-(?: +|$))*)")
#: What a plain key cannot start with (YAML's indicators, quotes, white space).
NOT_KEY_START = frozenset(" \t#'\"{}[],&*!|>%@`?:-")
BLOCK_SCALAR = re.compile(r"(?:^|[ \t])[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$")
IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")
#: How many lines above the error are read: a quoted text or a block of text longer than this is
#: not looked for, and a huge file costs no more than a small one.
WINDOW = 400


@dataclass(frozen=True)
class Line:
    """The shape of one line of block YAML: where it starts, its list dash, its key, its value."""

    number: int  # 0-based
    indent: int  # column of the first character that is not a space
    dash: int | None  # column of its list dash, for a list item
    key: str | None
    key_column: int | None
    value: str  # what follows the key's colon (or the dash), without a comment; may be ""

    def level(self, item: bool) -> int | None:
        """The column this line puts a list dash (``item``) or a key at, if it has one."""
        return self.dash if item else self.key_column

    @property
    def opens_block(self) -> bool:
        """``key:`` with nothing after it: the lines below, indented further, belong to it."""
        return self.key is not None and (not self.value or bool(BLOCK_SCALAR.search(self.value)))


def parse_line(number: int, text: str) -> Line | None:
    """A content line's shape; None for a blank line or a comment."""
    stripped = text.lstrip(" ")
    if not stripped.strip() or stripped.startswith("#"):
        return None
    prefix = PREFIX.match(text)
    assert prefix is not None  # the pattern matches the empty string
    indent = len(prefix.group(1))
    dash = indent if prefix.group(2) else None
    rest = prefix.end()
    key = key_at(text, rest)
    if key is None:
        return Line(number, indent, dash, None, None, without_comment(text[rest:]))
    return Line(number, indent, dash, key[0], rest, without_comment(text[key[1] :]))


def key_at(text: str, start: int) -> tuple[str, int] | None:
    """The key that starts at ``start`` (``name: X``, ``"a b": X``) and where its value starts;
    None when no key starts there. (By hand, not by a regular expression: a line may be long.)"""
    first = text[start : start + 1]
    if first in ("'", '"'):
        close = text.find(first, start + 1)
        if close < 0:
            return None
        end = close + 1
        colon = len(text) - len(text[end:].lstrip(" \t"))
        if text[colon : colon + 1] != ":":
            return None
    elif not first or first in NOT_KEY_START:
        return None
    else:
        colon = start
        while True:
            colon = text.find(":", colon + 1)
            if colon < 0:
                return None
            if colon + 1 == len(text) or text[colon + 1] in " \t":
                break
        end = colon
        if re.search(r"[ \t]#", text[start:colon]):
            return None  # a comment starts before the colon
    value = len(text) - len(text[colon + 1 :].lstrip(" \t"))
    return text[start:end].rstrip(" \t"), value


def without_comment(text: str) -> str:
    """A plain value without a trailing ``# comment`` (a '#' after white space)."""
    return re.split(r"[ \t]#", text, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class Context:
    lines: list[str]
    problem: str
    line: int  # 0-based, of the problem mark
    column: int  # 0-based
    context_line: int | None
    context_column: int | None
    block_text: frozenset[int]  # lines inside a block scalar (| or >): text, not structure

    def shape(self, number: int) -> Line | None:
        if number in self.block_text or not 0 <= number < len(self.lines):
            return None
        return parse_line(number, self.lines[number])

    def above(self, number: int) -> Iterator[Line]:
        """The content lines above line ``number``, nearest first (in the window)."""
        for above in range(number - 1, max(number - WINDOW, 0) - 1, -1):
            shape = self.shape(above)
            if shape is not None:
                yield shape

    def chain(self, number: int) -> list[Line]:
        """The line just above, then each line above it that is indented less: the keys and
        list items that line ``number`` may belong to, innermost first."""
        found: list[Line] = []
        for shape in self.above(number):
            if not found or shape.indent < found[-1].indent:
                found.append(shape)
                if shape.indent == 0:
                    break
        return found


def block_text_lines(lines: list[str], first: int) -> frozenset[int]:
    """The lines from ``first`` on that are the text of a block scalar (``say: |`` and the lines
    below it)."""
    inside: set[int] = set()
    opener: int | None = None
    for number in range(first, len(lines)):
        text = lines[number]
        if opener is not None:
            if not text.strip() or len(text) - len(text.lstrip(" ")) > opener:
                inside.add(number)
                continue
            opener = None
        shape = parse_line(number, text)
        if shape is not None and BLOCK_SCALAR.search(text) and (shape.key or shape.dash):
            opener = shape.indent
    return frozenset(inside)


def line_end(text: str, index: int) -> int:
    """Where the line after the one holding ``index`` ends."""
    end = index
    for _ in range(2):
        found = BREAK.search(text, end)
        if found is None:
            return len(text)
        end = found.end()
    return end


def usual_step(found: Context, before: int) -> int:
    """How far this file indents the lines under ``key:`` (the most common step in the lines
    above line ``before``; 2 when they have none)."""
    steps: dict[int, int] = {}
    below: Line | None = None
    for shape in found.above(before):
        # `shape` is the line above `below`: a key that opens a block, with `below` under it.
        if below is not None and shape.opens_block and not shape.value:
            level = below.dash if below.dash is not None else below.key_column
            if level is not None and shape.key_column is not None and level > shape.key_column:
                steps[level - shape.key_column] = steps.get(level - shape.key_column, 0) + 1
        below = shape
    return max(steps, key=lambda step: (steps[step], -step)) if steps else 2
