"""Bytes -> YAML nodes with marks -> plain data, plus a source map from data paths to positions.

A flow file is data, never code. The loader composes the YAML node graph (libyaml's C composer
where available), then builds plain dicts, lists and scalars itself: only the core YAML 1.2 tags
are accepted, any other tag is refused before anything is constructed, duplicate keys are
errors, nesting depth is capped while composing, and every shared (aliased) node is built once,
with a cap on how far aliases may expand the document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cxaudit.budget import Limits, OverBudget, exceeded
from cxaudit.budget import current as current_limits
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.locations import DataPath, Location, Locator, PathElem
from cxaudit.reading import read_text
from cxaudit.yaml_data import (
    TAG_BOOL,
    TAG_FLOAT,
    TAG_INT,
    TAG_MERGE,
    TAG_NULL,
    Constructor,
    Data,
    node_location,
)
from cxaudit.yaml_hints import hint_for, yaml_hint

_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))

#: Default largest file accepted, in bytes (see cxaudit.budget; --limit file-bytes=N).
DEFAULT_MAX_BYTES = Limits().file_bytes


class _TooDeep(Exception):
    pass


class _TooMany(Exception):
    pass


class _CoreSchema:
    """YAML 1.2 core-schema resolution and a nesting cap, for a PyYAML safe loader.

    PyYAML resolves plain scalars by YAML 1.1, where ``Yes``, ``No``, ``on`` and ``off`` are
    booleans and ``2027-06-30`` is a timestamp. Bots are full of Yes/No buttons, so cxaudit
    resolves by the YAML 1.2 core schema instead. Listed before the PyYAML class in a loader's
    bases, so that these methods win.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - replaced, not inherited
    _depth = 0
    _nodes = 0
    max_depth = Limits().depth
    max_nodes = Limits().nodes

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        # Both composers (C and pure Python) call this before composing each node, so the caps
        # hold before libyaml's recursive C composer can exhaust the stack, and before a file
        # of millions of tiny nodes has built them all (each costs some 400 bytes).
        self._depth += 1
        self._nodes += 1
        if self._depth > self.max_depth:
            raise _TooDeep
        if self._nodes > self.max_nodes:
            raise _TooMany

    def ascend_resolver(self) -> None:
        self._depth -= 1


class _PureLoader(_CoreSchema, yaml.SafeLoader):
    """The pure-Python composer: used where PyYAML was built without libyaml."""


if _LIBYAML:

    class _FastLoader(_CoreSchema, yaml.CSafeLoader):
        """libyaml's C composer, with cxaudit's resolution and nesting cap."""

else:  # pragma: no cover - PyYAML built without libyaml
    _FastLoader = _PureLoader  # type: ignore[misc,assignment]

for _loader in (_PureLoader, _FastLoader):
    for _tag, _pattern, _first in (
        (TAG_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        (TAG_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        (TAG_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        (
            TAG_FLOAT,
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            "-+.0123456789",
        ),
        (TAG_MERGE, r"^<<$", "<"),
    ):
        _loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def plain_is_text(value: str) -> bool:
    """Does this string, written as a plain (unquoted) YAML scalar, read back as a string?

    Not always what PyYAML's writer assumes: it quotes by YAML 1.1, but cxaudit reads by 1.2,
    where ``08`` is the number 8. A writer quotes every string for which this is False.
    """
    resolvers = _PureLoader.yaml_implicit_resolvers
    for _tag, pattern in resolvers.get(value[:1] if value else "", []) + resolvers.get(None, []):
        if pattern.match(value):
            return False
    return True


class SourceMap:
    """Maps a data path such as ``("flows", 0, "steps", 3, "say", "nl")`` to a position.

    Positions stay beside the data, in the composed node tree, and are looked up only for the
    few paths that findings point at.
    """

    def __init__(self, root: Node | None) -> None:
        self._root = root

    def locate(self, path: DataPath, *, key: bool = False) -> Location:
        """Where the value at ``path`` starts; with ``key=True``, where its mapping key starts.

        A path that goes further than the document (a key that is missing) resolves to the
        deepest node that exists, which is where the missing piece belongs.
        """
        node = self._root
        if node is None:
            return Location(1, 1)
        found_key: Node | None = None
        for elem in path:
            child = _child(node, elem)
            if child is None:
                return node_location(node)
            found_key, node = child
        if key and found_key is not None:
            return node_location(found_key)
        return node_location(node)


def _child(node: Node, elem: PathElem) -> tuple[Node | None, Node] | None:
    if isinstance(node, SequenceNode) and isinstance(elem, int):
        return (None, node.value[elem]) if 0 <= elem < len(node.value) else None
    if isinstance(node, MappingNode) and isinstance(elem, str):
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == TAG_MERGE:
                merged.append(value_node)
            elif isinstance(key_node, ScalarNode) and key_node.value == elem:
                return key_node, value_node
        for source in merged:
            for candidate in source.value if isinstance(source, SequenceNode) else [source]:
                found = _child(candidate, elem)
                if found is not None:
                    return found
    return None


@dataclass(frozen=True)
class Document:
    """A loaded YAML document: plain data and where each part of it came from."""

    path: str
    data: Data
    source_map: Locator
    directives: tuple[Directive, ...] = ()  # `# cxaudit: ...` comments, for waivers


@dataclass(frozen=True)
class Directive:
    """A ``# cxaudit: ...`` comment: where it is and what follows ``cxaudit:``."""

    line: int
    column: int
    text: str
    own_line: bool  # nothing but white space before it: it speaks for the next line too
    #: Every line (1-based) it speaks for; () for one made by hand: its line, and the next
    #: one when ``own_line``.
    lines: tuple[int, ...] = ()


# A YAML comment starts with "#" at the start of a line or after white space.
_DIRECTIVE = re.compile(r"(?:^|(?<=[ \t]))#[ \t]*cxaudit:(?P<text>[^\r\n]*)", re.MULTILINE)


def _directives(text: str, root: Node) -> tuple[Directive, ...]:
    """The ``# cxaudit:`` comments, leaving out look-alikes inside quoted or block texts, each
    with the lines it speaks for.

    A comment speaks for the line it ends, or, alone on its line, for the line below (the
    documented "line of the finding or the line above"). A finding about a text is reported
    where the text starts, so where a text starts on another line than the comment's, the
    comment speaks for that line too: after ``say:`` whose text starts on the line below, after
    a block text's header (``nl: >-``, whose first line of text is below), and after the last
    line of a quoted or plain text that runs over several lines.
    """
    candidates = []
    line, position = 1, 0
    for match in _DIRECTIVE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        line_start = text.rfind("\n", 0, match.start()) + 1
        column = match.start() - line_start + 1
        own_line = not text[line_start : match.start()].strip()
        candidates.append((match.start(), line, column, match.group("text").strip(), own_line))
    if not candidates:
        return ()
    # 0-based lines: a comment's own, and the one below it.
    lines = {n - 1 for _, n, *_ in candidates} | {n for _, n, *_ in candidates}
    scan = _inside_scalars(root, text, {index for index, *_ in candidates}, lines)
    found = []
    for index, number, column, words, own_line in candidates:
        if index in scan.inside:
            continue
        speaks = {number - 1}
        if own_line:
            speaks.add(number)  # the line below
        else:
            speaks.update(scan.value_below.get(number - 1, ()))
            speaks.update(scan.started_on.get(number - 1, ()))
        speaks.update(scan.text_below[n] for n in list(speaks) if n in scan.text_below)
        found.append(
            Directive(number, column, words, own_line, tuple(sorted(n + 1 for n in speaks)))
        )
    return tuple(found)


@dataclass
class _Scan:
    """What :func:`_inside_scalars` finds (lines 0-based)."""

    inside: set[int]  # the offsets that fall inside a scalar's text
    # For the lines asked: a key's line -> the line below where its value starts; the line where
    # a text of several lines ends -> the line where it starts.
    value_below: dict[int, list[int]]
    started_on: dict[int, list[int]]
    text_below: dict[int, int]  # a block text's header line -> its first line of text


def _inside_scalars(
    root: Node, text: str, indexes: set[int], lines: set[int] | None = None
) -> _Scan:
    """Which of these character offsets fall inside a scalar's text; and, for the given lines,
    the texts and values that start or end there but go on over other lines.

    A block text (``|``, ``>``) starts at its header, whose comment is a comment; its text
    starts on the line below.
    """
    scan = _Scan(set(), {}, {}, {})
    wanted = lines or set()
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            start, end = node.start_mark, node.end_mark
            first = start.index
            if node.style in ("|", ">"):
                first, below = _block_text_start(text, start.index, end.index)
                if below:  # (for every block text: a value below a key may be lines further)
                    scan.text_below[start.line] = start.line + below
            elif end.line > start.line and end.line in wanted:
                scan.started_on.setdefault(end.line, []).append(start.line)
            scan.inside.update(i for i in indexes if first <= i < end.index)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key_line, value_line = key_node.start_mark.line, value_node.start_mark.line
                if key_line in wanted and value_line > key_line:
                    scan.value_below.setdefault(key_line, []).append(value_line)
                stack.extend((key_node, value_node))
    return scan


_BREAKS = "\r\n\x85\u2028\u2029"  # YAML's line breaks (\r\n is one)


def _next_line(text: str, position: int, end: int) -> int | None:
    """Where the line after the one holding ``position`` starts (None: not before ``end``)."""
    while position < end:
        char = text[position]
        if char in _BREAKS:
            return position + 2 if text[position : position + 2] == "\r\n" else position + 1
        position += 1
    return None


def _block_text_start(text: str, header: int, end: int) -> tuple[int, int]:
    """Where a block text's text starts (just after its header's line), and how many lines below
    the header its first line that is not blank is (0: it has none)."""
    first = _next_line(text, header, end)
    if first is None:
        return end, 0
    position, below = first, 1
    while position < end:
        if text[position] not in " \t" + _BREAKS:
            return first, below
        if text[position] in _BREAKS:
            below += 1
            if text[position : position + 2] == "\r\n":
                position += 1
        position += 1
    return first, 0


def load_file(
    path: Path, display: str, max_bytes: int | None = None, *, empty_ok: bool = False
) -> Document:
    """Read, compose and construct one YAML file."""
    return load_text(read_text(path, display, max_bytes), display, empty_ok=empty_ok)


def load_text(text: str, display: str, *, pure: bool = False, empty_ok: bool = False) -> Document:
    """Compose and construct a YAML text; every problem becomes an InputError with a position.

    libyaml's C composer is used where PyYAML has it; ``pure=True`` forces the pure-Python
    composer (the fallback), which must give the same data and positions. An empty document is
    an error unless ``empty_ok`` (then its data is None).
    """
    if "\\u" in text and display.lower().endswith(".json"):
        text = _json_surrogates(text)
    root = _compose(text, display, _PureLoader if pure else _FastLoader)
    if root is None:
        if empty_ok:
            return Document(display, None, SourceMap(None))
        what = "is empty" if not text.strip() else "holds no YAML document, only comments"
        raise InputError(
            [Diagnostic(display, f"the file {what}; a flow file starts with 'cxaudit: 1'")]
        )
    data = Constructor(display, root).build()
    directives = _directives(text, root) if "cxaudit:" in text else ()
    return Document(display, data, SourceMap(root), directives)


# JSON writes a character beyond U+FFFF as two escapes ("\ud83d\ude00", what ensure_ascii
# exports hold); YAML allows no surrogate in an escape and wants "\U0001F600". The escape must
# not itself be escaped (an even run of backslashes before it).
_SURROGATE_PAIR = re.compile(
    r"(?<!\\)((?:\\\\)*)\\u([dD][89abAB][0-9a-fA-F]{2})\\u([dD][c-fC-F][0-9a-fA-F]{2})"
)


def _json_surrogates(text: str) -> str:
    """A JSON text with its escaped surrogate pairs as YAML's ``\\U`` escapes (the same
    character; a column after one on the same line moves two to the left)."""

    def joined(match: re.Match[str]) -> str:
        high, low = int(match.group(2), 16), int(match.group(3), 16)
        code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
        return f"{match.group(1)}\\U{code:08X}"

    return _SURROGATE_PAIR.sub(joined, text)


def _compose(text: str, display: str, loader_class: Callable[[str], Any]) -> Node | None:
    loader = loader_class(text)
    limits = current_limits()
    loader.max_depth, loader.max_nodes = limits.depth, limits.nodes
    try:
        node: Node | None = loader.get_single_node()
        return node
    except _TooDeep:
        raise OverBudget([_depth_diagnostic(text, display)]) from None
    except _TooMany:
        raise exceeded(display, "nodes", "this file has too many values") from None
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in (exc.problem or ""):
            # libyaml 0.2.6 has a nesting limit of its own, which its scanner may reach before
            # the composer reaches ours; report it the same way, at the same place.
            raise OverBudget([_depth_diagnostic(text, display)]) from None
        raise InputError([_yaml_diagnostic(exc, text, display)]) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        char = exc.character  # PyYAML gives the code point as an int
        code = char if isinstance(char, int) else ord(str(char)[:1] or "\0")
        message = f"a control character YAML does not allow: U+{code:04X}; remove it or escape it in quotes"
        raise InputError([Diagnostic(display, message, line, column)]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - every libyaml error is one of the above
        raise InputError([Diagnostic(display, f"invalid YAML: {exc}")]) from None
    finally:
        loader.dispose()


def _line_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _yaml_diagnostic(exc: yaml.MarkedYAMLError, text: str, display: str) -> Diagnostic:
    mark = exc.problem_mark or exc.context_mark
    problem = exc.problem or "invalid YAML"
    at = text[mark.index : mark.index + 1] if mark is not None and mark.index is not None else ""
    if "expected a single document" in (exc.context or ""):
        message = "more than one YAML document ('---'); a flow file holds exactly one"
    elif at == "\t" or "'\\t'" in problem:
        message = yaml_hint(exc, text) or (
            "a tab character where YAML expects spaces; indent with spaces, not tabs"
        )
    else:
        message = problem
        if exc.context:
            message += f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
        hint = hint_for(exc, text)
        if hint and mark is not None and hint.line is not None and hint.column is not None:
            # The mistake is written elsewhere (a quote opened lines up): point there, and say
            # where the parser stopped with its words.
            message = f"{hint.message} (YAML, at line {mark.line + 1}: {message})"
            return Diagnostic(display, message, hint.line + 1, hint.column + 1)
        if hint:  # the fix in plain words first; the parser's own words for those who know them
            message = f"{hint.message} (YAML: {message})"
    if mark is None:
        return Diagnostic(display, message)
    return Diagnostic(display, message, mark.line + 1, mark.column + 1)


def _depth_diagnostic(text: str, display: str) -> Diagnostic:
    """Find where the nesting first goes too deep, with the pure event parser (no recursion)."""
    depth = 0
    limit = current_limits().depth
    message = (
        f"nesting deeper than {limit} levels (a flow file needs about ten); "
        "raise the limit with --limit depth=N"
    )
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > limit and event.start_mark is not None:
                    mark = event.start_mark
                    return Diagnostic(display, message, mark.line + 1, mark.column + 1)
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        pass
    return Diagnostic(display, message)
