"""Plain words for a YAML syntax error: what was wrong, and what was probably meant.

The parser says "mapping values are not allowed in this context"; a conversation designer needs
to hear that a text with ': ' in it must be quoted, that a line is indented two spaces too far,
or that a quote opened three lines up was never closed. :func:`yaml_hint` looks at the parser's
error and at the lines around it for the common mistakes, and returns a fix in words (with the
corrected line where it is sure of it), or None when it cannot tell. :func:`hint_for` says also
where the mistake is, when that is not where the parser noticed it (the line that opens a quote
the parser found unclosed lines further).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import yaml

from cxaudit.suggest import quoted, short
from cxaudit.yaml_lines import (
    BREAK,
    IDENTIFIER,
    WINDOW,
    Context,
    Line,
    block_text_lines,
    key_at,
    line_end,
    parse_line,
    usual_step,
)

_INDENT_PROBLEMS = (
    "mapping values are not allowed",
    "did not find expected key",
    "expected <block end>",
    "did not find expected '-' indicator",
)


@dataclass(frozen=True)
class Hint:
    """A fix in words; ``line`` and ``column`` (0-based), where the mistake is written when that
    is not where the parser stopped (None: where it stopped)."""

    message: str
    line: int | None = None
    column: int | None = None


def yaml_hint(exc: yaml.MarkedYAMLError, text: str) -> str | None:
    """A fix in plain words for a YAML syntax error in ``text``, or None."""
    hint = hint_for(exc, text)
    return hint.message if hint is not None else None


def hint_for(exc: yaml.MarkedYAMLError, text: str) -> Hint | None:
    """A fix in plain words for a YAML syntax error in ``text``, and where the mistake is."""
    mark = exc.problem_mark
    if mark is None or mark.line is None:
        return None
    # Only the lines up to the error (and the one after) matter: a huge file is not split whole.
    lines = BREAK.split(text[: line_end(text, mark.index)])
    if not 0 <= mark.line < len(lines):
        return None
    context = exc.context_mark
    found = Context(
        lines,
        f"{exc.problem or ''} {exc.context or ''}",
        mark.line,
        mark.column,
        context.line if context is not None and "quoted scalar" in (exc.context or "") else None,
        context.column if context is not None else None,
        block_text_lines(lines, max(mark.line - WINDOW, 0)),
    )
    for hint in (
        _tab,
        _unclosed_quote,
        _quote_closed_later,
        _text_after_quote,
        _colon_in_text,
        _indentation,
    ):
        found_hint = hint(found)
        if isinstance(found_hint, Hint):
            return found_hint
        if found_hint:
            return Hint(found_hint)
    return None


def _count(spaces: int) -> str:
    return f"{spaces} space{'s' * (spaces != 1)}"


def _spaces(count: int) -> str:
    return "do not indent it" if count == 0 else f"indent it {_count(count)}"


def _suggested_indent(found: Context, number: int) -> str:
    """How many spaces line ``number`` wants, in words: like its sibling above, or under the key
    that opens a block above it; "" when that cannot be told."""
    shape = parse_line(number, found.lines[number].replace("\t", " "))
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


def _tab(found: Context) -> str | None:
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


def _quoted_texts(found: Context, last: int) -> Iterator[_Quoted]:
    """Every quoted text that starts on lines 0 to ``last``, in order, across line breaks."""
    open_: tuple[str, int, int] | None = None
    for number in range(max(last - WINDOW, 0), last + 1):
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


def _closed_version(found: Context, number: int, column: int) -> str:
    """Line ``number`` with the quote that opens at ``column`` closed at the end of the line;
    "" inside braces or brackets, where the text's end cannot be told."""
    text = found.lines[number]
    shape = parse_line(number, text)
    if shape is None or shape.key is None or re.search(r"[{\[]", text[:column]):
        return ""
    key = key_at(text, shape.key_column or 0)
    if key is None or key[1] != column:
        return ""  # the quote does not start the key's value
    quote, inner = text[column], text[column + 1 :].rstrip()
    return f"{shape.key}: {quote}{inner}{quote}" if inner.strip() else ""


def _unclosed(found: Context, number: int, column: int, until: str) -> Hint:
    """The quote at ``column`` of line ``number`` is never closed on its line: in block YAML,
    said there (in braces, where the parser stopped, as before)."""
    line = found.lines[number]
    quote = line[column]
    at = (None, None) if re.search(r"[{\[]", line[:column]) else (number, column)
    in_braces = _in_braces(found, number, column, len(line.rstrip()), until)
    if in_braces:
        return Hint(in_braces, *at)
    fixed = _closed_version(found, number, column)
    message = (
        f"the quote ({quote}) that opens the text on line {number + 1} is not closed on that "
        f"line, so the text {until}: close it at the end of the text"
        + (f", {fixed}" if fixed else "")
    )
    return Hint(message, *at)


def _in_braces(
    found: Context, number: int, column: int, inner_end: int, until: str | None = None
) -> str | None:
    """``say: {nl: "Hoi, en: "Hi"}``: the text that the quote at ``column`` opens, in braces or
    brackets, runs on over ``, en:`` (the start of the next entry) to ``inner_end``: it lacks its
    closing quote before that comma. The message, saying the text ``until`` (None: that it ends
    at the quote that opens the next entry's text); None for any other text."""
    line = found.lines[number]
    if not re.search(r"[{\[]", line[:column]):
        return None
    swallowed = _entry_inside(line, column + 1, inner_end, last=until is None)
    if swallowed is None:
        return None
    comma, key = swallowed
    quote = line[column]
    owner = _key_before(line, column)
    what = f"the text of '{short(owner, 30)}'" if owner else "the text"
    fixed = f"{line[:comma]}{quote}{line[comma:]}".strip()
    fixed = fixed[2:] if fixed.startswith("- ") else fixed
    words = line[column + 1 : comma].split()
    after = f" after '{short(words[-1], 30)}'" if words else ""
    until = until or f"ends at the quote that opens the text of '{key}'"
    message = (
        f"{what} on line {number + 1} lacks its closing quote ({quote}), so it takes in "
        f"', {key}:' and {until}: close it{after}, before the comma"
    )
    return message + (f": {fixed}" if len(fixed) <= 120 else "")


def _entry_inside(line: str, start: int, end: int, *, last: bool) -> tuple[int, str] | None:
    """Where ``, key:`` (a comma, a key and its colon) first shows in ``line[start:end]``, or
    with ``last``, ends it: the comma's position and the key; None if it does not."""
    comma = line.rfind(",", start, end) if last else line.find(",", start, end)
    while comma >= 0:
        position = comma + 1
        while position < end and line[position] in " \t":
            position += 1
        key = IDENTIFIER.match(line, position, end)
        colon = key.end() if key is not None else end
        if key is not None and line[colon : colon + 1] == ":":
            follows = line[colon + 1 : end] if last else line[colon + 1 : colon + 2]
            if not follows.strip() or (not last and follows in "\"'"):
                return comma, key.group()
        comma = -1 if last else line.find(",", position, end)
    return None


def _key_before(line: str, column: int) -> str | None:
    """The key whose value starts at ``column`` (``nl: "...``), if a plain one."""
    before = line[:column].rstrip(" \t")
    if not before.endswith(":"):
        return None
    start = len(before) - 1
    while start > 0 and (before[start - 1].isalnum() or before[start - 1] in "_-"):
        start -= 1
    return before[start:-1] or None


def _unclosed_quote(found: Context) -> Hint | None:
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


def _quote_closed_later(found: Context) -> Hint | None:
    """A quote left open on one line is taken as closed by the next quote, lines further."""
    for text in _quoted_texts(found, found.line):
        if text.end is None or text.end[0] != found.line or text.start[0] == found.line:
            continue
        end = text.end[1]
        if end < found.column and not found.lines[found.line][end + 1 : found.column].strip():
            return _unclosed(found, *text.start, f"runs on to the quote on line {found.line + 1}")
    return None


def _text_after_quote(found: Context) -> str | None:
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
        in_braces = _in_braces(found, found.line, start, end)
        if in_braces:
            return in_braces
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
            shape = parse_line(found.line, line)
            key = f"{shape.key}: " if shape is not None and shape.key else ""
            message += f": {key}{quoted(inner)}"
        return message
    return None


# -- a ': ' in a plain text --------------------------------------------------------------------


def _colon_in_text(found: Context) -> str | None:
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
        entry = key_at(line, key_start)
        if entry is None or entry[1] > found.column or line[entry[1] : entry[1] + 1] in "'\"{[":
            return None
        value = re.split(r"[,}]", line[entry[1] :], maxsplit=1)[0].strip()
        return _must_quote(entry[0], value)
    return None


def _must_quote(key: str, value: str) -> str:
    return f"a text with ': ' in it must be quoted: {key}: {quoted(value)}"


def _colon_in_continued_text(found: Context, shape: Line) -> str | None:
    """The ': ' is on a line that continues the text of the key above (a plain text may run on
    over lines indented further): ``say: Hallo,`` then ``  let op: ...``."""
    key = shape.key or ""
    if IDENTIFIER.fullmatch(key):
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


def _indentation(found: Context) -> str | Hint | None:
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
        reference: Line = above
        target = above_level
    else:
        levels = [(level, s) for s in chain if (level := s.level(item)) is not None]
        if not levels:
            return None
        # The nearest level; between two equally near, the deeper one (it is the one just left).
        target, reference = min(levels, key=lambda pair: (abs(pair[0] - column), -pair[0]))
    if target == column:
        return None
    if not item and reference is above and column < target:
        first = _first_under_opener(found, above, column)
        if first is not None:
            return first
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


def _first_under_opener(found: Context, first: Line, column: int) -> Hint | None:
    """``say:``, then ``nl:`` indented 4 spaces under it and ``en:`` 2: YAML takes the first
    key's indent for the block, so it stops at ``en``, but ``nl`` is the line out of line. Said
    of the first key, there, when the line after it is indented the file's usual step (2 spaces,
    most often) under the key that opens the block."""
    opener = next(found.above(first.number), None)
    if (
        opener is None
        or opener.key is None
        or opener.key_column is None
        or opener.value  # `say: |` opens a block text, not keys
        or first.key is None
        or first.key_column is None
        or first.dash is not None
        or column != opener.key_column + usual_step(found, opener.number)
    ):
        return None
    shape = found.shape(found.line)
    below = short(shape.key, 30) if shape is not None and shape.key else ""
    message = (
        f"'{short(first.key, 30)}' on line {first.number + 1} is indented more than "
        f"'{below}' on line {found.line + 1} below it ({_count(first.key_column)}, not {column}): "
        f"{_spaces(column)}, like '{below}', under '{short(opener.key, 30)}' on line "
        f"{opener.number + 1}"
    )
    return Hint(message, first.number, first.key_column)
