"""Plain words for a YAML syntax error: what was wrong, and what was probably meant.

The parser says "mapping values are not allowed in this context"; a conversation designer needs
to hear that a text with ': ' in it must be quoted, that a line is indented two spaces too far,
or that a quote opened three lines up was never closed. :func:`yaml_hint` looks at the parser's
error and at the lines around it for the common mistakes, and returns a fix in words (with the
corrected line where it is sure of it), or None when it cannot tell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from cxaudit.suggest import quoted, short

# YAML's line breaks (the marks count lines by these, not by str.splitlines).
_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")
_PREFIX = re.compile(r"( *)((?:-(?: +|$))*)")
#: What a plain key cannot start with (YAML's indicators, quotes, white space).
_NOT_KEY_START = frozenset(" \t#'\"{}[],&*!|>%@`?:-")
_BLOCK_SCALAR = re.compile(r"(?:^|[ \t])[|>][1-9+-]{0,2}[ \t]*(?:#.*)?$")
_IDENTIFIER = re.compile(r"[A-Za-z_][\w-]*")
#: How many lines above the error are read: a quoted text or a block of text longer than this is
#: not looked for, and a huge file costs no more than a small one.
_WINDOW = 400
_INDENT_PROBLEMS = (
    "mapping values are not allowed",
    "did not find expected key",
    "expected <block end>",
    "did not find expected '-' indicator",
)


@dataclass(frozen=True)
class _Line:
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
        return self.key is not None and (not self.value or bool(_BLOCK_SCALAR.search(self.value)))


def _parse(number: int, text: str) -> _Line | None:
    """A content line's shape; None for a blank line or a comment."""
    stripped = text.lstrip(" ")
    if not stripped.strip() or stripped.startswith("#"):
        return None
    prefix = _PREFIX.match(text)
    assert prefix is not None  # the pattern matches the empty string
    indent = len(prefix.group(1))
    dash = indent if prefix.group(2) else None
    rest = prefix.end()
    key = _key_at(text, rest)
    if key is None:
        return _Line(number, indent, dash, None, None, _without_comment(text[rest:]))
    return _Line(number, indent, dash, key[0], rest, _without_comment(text[key[1] :]))


def _key_at(text: str, start: int) -> tuple[str, int] | None:
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
    elif not first or first in _NOT_KEY_START:
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


def _without_comment(text: str) -> str:
    """A plain value without a trailing ``# comment`` (a '#' after white space)."""
    return re.split(r"[ \t]#", text, maxsplit=1)[0].strip()


@dataclass(frozen=True)
class _Context:
    lines: list[str]
    problem: str
    line: int  # 0-based, of the problem mark
    column: int  # 0-based
    context_line: int | None
    context_column: int | None
    block_text: frozenset[int]  # lines inside a block scalar (| or >): text, not structure

    def shape(self, number: int) -> _Line | None:
        if number in self.block_text or not 0 <= number < len(self.lines):
            return None
        return _parse(number, self.lines[number])

    def above(self, number: int) -> Iterator[_Line]:
        """The content lines above line ``number``, nearest first (in the window)."""
        for above in range(number - 1, max(number - _WINDOW, 0) - 1, -1):
            shape = self.shape(above)
            if shape is not None:
                yield shape

    def chain(self, number: int) -> list[_Line]:
        """The line just above, then each line above it that is indented less: the keys and
        list items that line ``number`` may belong to, innermost first."""
        found: list[_Line] = []
        for shape in self.above(number):
            if not found or shape.indent < found[-1].indent:
                found.append(shape)
                if shape.indent == 0:
                    break
        return found


def yaml_hint(exc: yaml.MarkedYAMLError, text: str) -> str | None:
    """A fix in plain words for a YAML syntax error in ``text``, or None."""
    mark = exc.problem_mark
    if mark is None or mark.line is None:
        return None
    # Only the lines up to the error (and the one after) matter: a huge file is not split whole.
    lines = _BREAK.split(text[: _line_end(text, mark.index)])
    if not 0 <= mark.line < len(lines):
        return None
    context = exc.context_mark
    found = _Context(
        lines,
        f"{exc.problem or ''} {exc.context or ''}",
        mark.line,
        mark.column,
        context.line if context is not None and "quoted scalar" in (exc.context or "") else None,
        context.column if context is not None else None,
        _block_text(lines, max(mark.line - _WINDOW, 0)),
    )
    for hint in (_tab, _unclosed_quote, _quote_closed_later, _text_after_quote, _colon_in_text):
        message = hint(found)
        if message:
            return message
    return _indentation(found)


def _line_end(text: str, index: int) -> int:
    """Where the line after the one holding ``index`` ends."""
    end = index
    for _ in range(2):
        found = _BREAK.search(text, end)
        if found is None:
            return len(text)
        end = found.end()
    return end


def _block_text(lines: list[str], first: int) -> frozenset[int]:
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
        shape = _parse(number, text)
        if shape is not None and _BLOCK_SCALAR.search(text) and (shape.key or shape.dash):
            opener = shape.indent
    return frozenset(inside)


def _count(spaces: int) -> str:
    return f"{spaces} space{'s' * (spaces != 1)}"


def _spaces(count: int) -> str:
    return "do not indent it" if count == 0 else f"indent it {_count(count)}"


def _suggested_indent(found: _Context, number: int) -> str:
    """How many spaces line ``number`` wants, in words: like its sibling above, or under the key
    that opens a block above it; "" when that cannot be told."""
    shape = _parse(number, found.lines[number].replace("\t", " "))
    above = next(found.above(number), None)
    if shape is None or above is None or above.key is None:
        return ""
    item = shape.dash is not None
    if above.opens_block:
        return f"{above.indent + 2} spaces puts it under '{short(above.key, 30)}'"
    level = above.level(item)
    if level is None:
        return ""
    return f"{level} spaces, like '{short(above.key, 30)}' on line {above.number + 1}"


def _tab(found: _Context) -> str | None:
    text = found.lines[found.line]
    if text[found.column : found.column + 1] != "\t" and not re.search(
        r"'\\t'|\btab\b", found.problem
    ):
        return None
    leading = text[: len(text) - len(text.lstrip(" \t"))]
    if "\t" not in leading:
        return "a tab character where YAML expects spaces; use spaces, not tabs"
    spaces = _suggested_indent(found, found.line)
    return (
        f"line {found.line + 1} is indented with a tab, and YAML allows only spaces there: "
        "indent with spaces, not tabs" + (f" ({spaces})" if spaces else "")
    )


# -- quotes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Quoted:
    """A quoted text: its quote mark, where it opens and where it closes (None: never)."""

    quote: str
    start: tuple[int, int]
    end: tuple[int, int] | None


def _closing(text: str, start: int, quote: str) -> int | None:
    """Where the quote that opens (or continues) a quoted text at ``start`` closes on this line."""
    position = start
    while position < len(text):
        char = text[position]
        if quote == '"' and char == "\\":
            position += 2
            continue
        if char == quote:
            if quote == "'" and text[position + 1 : position + 2] == "'":
                position += 2
                continue
            return position
        position += 1
    return None


def _opens_value(text: str, position: int) -> bool:
    """Does a quote at ``position`` start a value (not sit inside a plain text)?"""
    before = text[:position].rstrip(" \t")
    if not before or before[-1] in "[{,?":
        return True
    return before[-1] in ":-" and position > len(before) and (len(before) < 2 or before[-2] != ":")


def _quoted_texts(found: _Context, last: int) -> Iterator[_Quoted]:
    """Every quoted text that starts on lines 0 to ``last``, in order, across line breaks."""
    open_: tuple[str, int, int] | None = None
    for number in range(max(last - _WINDOW, 0), last + 1):
        text = found.lines[number]
        position = 0
        if open_ is not None:
            end = _closing(text, 0, open_[0])
            if end is None:
                continue
            yield _Quoted(open_[0], (open_[1], open_[2]), (number, end))
            open_, position = None, end + 1
        elif number in found.block_text or ('"' not in text and "'" not in text):
            continue
        while position < len(text):
            char = text[position]
            if char == "#" and (position == 0 or text[position - 1] in " \t"):
                break
            if char in "\"'" and _opens_value(text, position):
                end = _closing(text, position + 1, char)
                if end is None:
                    open_ = (char, number, position)
                    break
                yield _Quoted(char, (number, position), (number, end))
                position = end
            position += 1
    if open_ is not None:
        yield _Quoted(open_[0], (open_[1], open_[2]), None)


def _closed_version(found: _Context, number: int, column: int) -> str:
    """Line ``number`` with the quote that opens at ``column`` closed at the end of the line;
    "" inside braces or brackets, where the text's end cannot be told."""
    text = found.lines[number]
    shape = _parse(number, text)
    if shape is None or shape.key is None or re.search(r"[{\[]", text[:column]):
        return ""
    key = _key_at(text, shape.key_column or 0)
    if key is None or key[1] != column:
        return ""  # the quote does not start the key's value
    quote, inner = text[column], text[column + 1 :].rstrip()
    return f"{shape.key}: {quote}{inner}{quote}" if inner.strip() else ""


def _unclosed(found: _Context, number: int, column: int, until: str) -> str:
    quote = found.lines[number][column]
    fixed = _closed_version(found, number, column)
    return (
        f"the quote ({quote}) that opens the text on line {number + 1} is not closed on that "
        f"line, so the text {until}: close it at the end of the text"
        + (f", {fixed}" if fixed else "")
    )


def _unclosed_quote(found: _Context) -> str | None:
    """found unexpected end of stream while scanning a quoted scalar."""
    if found.context_line is None or found.context_column is None:
        return None
    if "end of stream" not in found.problem and "end of the stream" not in found.problem:
        return None
    if found.lines[found.context_line][found.context_column : found.context_column + 1] not in (
        '"',
        "'",
    ):
        return None
    return _unclosed(
        found, found.context_line, found.context_column, "runs on to the end of the file"
    )


def _quote_closed_later(found: _Context) -> str | None:
    """A quote left open on one line is taken as closed by the next quote, lines further."""
    for text in _quoted_texts(found, found.line):
        if text.end is None or text.end[0] != found.line or text.start[0] == found.line:
            continue
        end = text.end[1]
        if end < found.column and not found.lines[found.line][end + 1 : found.column].strip():
            return _unclosed(found, *text.start, f"runs on to the quote on line {found.line + 1}")
    return None


def _text_after_quote(found: _Context) -> str | None:
    """``say: "Klik op "Verder" om door te gaan"``: a quote inside the text ends it."""
    line = found.lines[found.line]
    for text in _quoted_texts(found, found.line):
        if text.start[0] != found.line or text.end is None or text.end[0] != found.line:
            continue
        end = text.end[1]
        if not (end < found.column and not line[end + 1 : found.column].strip()):
            continue
        if line[found.column : found.column + 1] in ",}]#:" or found.column >= len(line):
            return None
        quote, start = text.quote, text.start[1]
        inner_end = line.rfind(quote)
        how = 'as \\"' if quote == '"' else "twice ('')"
        other = "'...'" if quote == '"' else '"..."'
        message = (
            f"the text on line {found.line + 1} goes on after its closing quote ({quote}): "
            f"a {quote} inside a text in {quote}...{quote} ends it; write it {how} "
            f"or put the text in {other}"
        )
        if inner_end > found.column and not re.search(r"[{\[]", line[:start]):
            inner = line[start + 1 : inner_end]
            if quote == "'":
                inner = inner.replace("''", "'")
            shape = _parse(found.line, line)
            key = f"{shape.key}: " if shape is not None and shape.key else ""
            message += f": {key}{quoted(inner)}"
        return message
    return None


# -- a ': ' in a plain text --------------------------------------------------------------------


def _colon_in_text(found: _Context) -> str | None:
    line = found.lines[found.line]
    if line[found.column : found.column + 1] != ":":
        return None
    if "mapping values are not allowed" in found.problem:
        shape = found.shape(found.line)
        if shape is None or shape.key is None or shape.key_column is None:
            return None
        value_start = len(line) - len(line[shape.key_column :].split(":", 1)[1].lstrip())
        if value_start <= found.column and shape.value[:1] not in ("'", '"', "{", "["):
            return _must_quote(shape.key, shape.value)
        return _colon_in_continued_text(found, shape)
    if "','" in found.problem or "',' or" in found.problem:
        # In braces: {id: a, say: Let op: je pas}. The entry runs from the last ',' or '{'.
        entry_start = max(line.rfind(",", 0, found.column), line.rfind("{", 0, found.column))
        if entry_start < 0:
            return None
        key_start = len(line) - len(line[entry_start + 1 :].lstrip(" \t"))
        entry = _key_at(line, key_start)
        if entry is None or entry[1] > found.column or line[entry[1] : entry[1] + 1] in "'\"{[":
            return None
        value = re.split(r"[,}]", line[entry[1] :], maxsplit=1)[0].strip()
        return _must_quote(entry[0], value)
    return None


def _must_quote(key: str, value: str) -> str:
    return f"a text with ': ' in it must be quoted: {key}: {quoted(value)}"


def _colon_in_continued_text(found: _Context, shape: _Line) -> str | None:
    """The ': ' is on a line that continues the text of the key above (a plain text may run on
    over lines indented further): ``say: Hallo,`` then ``  let op: ...``."""
    key = shape.key or ""
    if _IDENTIFIER.fullmatch(key):
        return None  # a key indented too far: see _indentation
    above = next(found.above(found.line), None)
    if above is None or above.key is None or above.opens_block or shape.indent <= above.indent:
        return None
    if above.value[:1] in ("'", '"', "{", "["):
        return None
    pieces = [above.value]
    pieces += [found.lines[n].strip() for n in range(above.number + 1, found.line + 1)]
    return _must_quote(above.key, " ".join(p for p in pieces if p))


# -- indentation -------------------------------------------------------------------------------


def _indentation(found: _Context) -> str | None:
    """A key or list item indented more, or less, than the key or item it belongs beside."""
    if not any(p in found.problem for p in _INDENT_PROBLEMS):
        return None
    shape = found.shape(found.line)
    if shape is None:
        return None
    if "mapping values" not in found.problem and found.column != shape.indent:
        return None
    item = shape.dash is not None
    column = shape.level(item)
    chain = found.chain(found.line)
    if column is None or not chain:
        return None
    above = chain[0]
    above_level = above.level(item)
    if column > above.indent and above_level is None:
        return None
    if above_level is not None and column > above_level:
        if above.opens_block:  # deeper under "key:" is where its lines belong
            return None
        reference: _Line = above
        target = above_level
    else:
        levels = [(level, s) for s in chain if (level := s.level(item)) is not None]
        if not levels:
            return None
        # The nearest level; between two equally near, the deeper one (it is the one just left).
        target, reference = min(levels, key=lambda pair: (abs(pair[0] - column), -pair[0]))
    if target == column:
        return None
    more = "more" if column > target else "less"
    if item:
        what = f"the list item on line {found.line + 1}"
        beside = f"the item on line {reference.number + 1}"
        like = "like the item above"
    else:
        what = f"'{short(shape.key, 30)}' on line {found.line + 1}"
        beside = f"'{short(reference.key, 30)}' on line {reference.number + 1}"
        like = f"like '{short(reference.key, 30)}'"
    message = (
        f"{what} is indented {more} than {beside} ({_count(column)}, not {target}): "
        f"{_spaces(target)}, {like}"
    )
    if "mapping values" in found.problem and reference is above and above.key and not item:
        message += (
            f"; indented further, YAML reads it as more of the text of '{short(above.key, 30)}'"
        )
    return message
