"""Bytes -> YAML nodes with marks -> plain data, plus a source map from data paths to positions.

A flow file is data, never code. The loader composes the YAML node graph (libyaml's C composer
where available), then builds plain dicts, lists and scalars itself: only the core YAML 1.2 tags
are accepted, any other tag is refused before anything is constructed, duplicate keys are
errors, nesting depth is capped while composing, and every shared (aliased) node is built once,
with a cap on how far aliases may expand the document.
"""

from __future__ import annotations

import math
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, Union

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cxaudit.budget import Limits, OverBudget, exceeded
from cxaudit.budget import current as current_limits
from cxaudit.diagnostics import AmbiguousInput, Diagnostic, InputError
from cxaudit.locations import DataPath, Location, Locator, PathElem
from cxaudit.suggest import short

_LIBYAML = bool(getattr(yaml, "__with_libyaml__", False))

#: Default largest file accepted, in bytes (see cxaudit.budget; --limit file-bytes=N).
DEFAULT_MAX_BYTES = Limits().file_bytes
#: Aliases may expand a document to this many times its own node count (plus a floor).
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_FLOOR = 100_000

# Union, not |: the alias is recursive and must evaluate at run time on Python 3.10.
Data = Union[dict[str, "Data"], list["Data"], str, int, float, bool, None]  # noqa: UP007

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


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
        (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
        (_NULL, r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
        (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
        (
            _FLOAT,
            r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
            r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
            "-+.0123456789",
        ),
        (_MERGE, r"^<<$", "<"),
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


def _mark_location(node: Node) -> Location:
    return Location(node.start_mark.line + 1, node.start_mark.column + 1)


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
                return _mark_location(node)
            found_key, node = child
        if key and found_key is not None:
            return _mark_location(found_key)
        return _mark_location(node)


def _child(node: Node, elem: PathElem) -> tuple[Node | None, Node] | None:
    if isinstance(node, SequenceNode) and isinstance(elem, int):
        return (None, node.value[elem]) if 0 <= elem < len(node.value) else None
    if isinstance(node, MappingNode) and isinstance(elem, str):
        merged: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
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


# A YAML comment starts with "#" at the start of a line or after white space.
_DIRECTIVE = re.compile(r"(?:^|(?<=[ \t]))#[ \t]*cxaudit:(?P<text>[^\r\n]*)", re.MULTILINE)


def _directives(text: str, root: Node) -> tuple[Directive, ...]:
    """The ``# cxaudit:`` comments, leaving out look-alikes inside quoted or block texts."""
    candidates = []
    line, position = 1, 0
    for match in _DIRECTIVE.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        line_start = text.rfind("\n", 0, match.start()) + 1
        column = match.start() - line_start + 1
        own_line = not text[line_start : match.start()].strip()
        candidates.append(
            (match.start(), Directive(line, column, match.group("text").strip(), own_line))
        )
    if not candidates:
        return ()
    inside = _inside_scalars(root, {index for index, _ in candidates})
    return tuple(directive for index, directive in candidates if index not in inside)


def _inside_scalars(root: Node, indexes: set[int]) -> set[int]:
    """Which of these character offsets fall inside a scalar's text."""
    hit: set[int] = set()
    stack, seen = [root], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            start, end = node.start_mark.index, node.end_mark.index
            hit.update(i for i in indexes if start <= i < end)
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                stack.extend((key_node, value_node))
    return hit


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
    data = _Constructor(display, root).build()
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
        message = "a tab character where YAML expects spaces; indent with spaces, not tabs"
    else:
        message = problem
        if exc.context:
            message += f" ({exc.context}"
            if exc.context_mark is not None and exc.context_mark is not mark:
                message += f" at line {exc.context_mark.line + 1}"
            message += ")"
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


class _Constructor:
    """Builds plain data from a composed node graph, within an alias budget.

    Collections are built once each and shared, so an alias bomb costs no more to build than
    its own (small) node count; the size it *would* have when expanded is summed on the way,
    and a document that expands beyond the budget is refused before anything walks it.
    """

    def __init__(self, display: str, root: Node) -> None:
        self.display = display
        self.root = root
        self.built: dict[int, tuple[Data, int]] = {}  # collection id -> (value, expanded size)
        self.in_progress: set[int] = set()
        self.distinct = 0

    def fail(self, node: Node, message: str) -> InputError:
        loc = _mark_location(node)
        return InputError([Diagnostic(self.display, message, loc.line, loc.column)])

    def build(self) -> Data:
        value, expanded = self.construct(self.root)
        budget = max(ALIAS_EXPANSION_FLOOR, ALIAS_EXPANSION_FACTOR * self.distinct)
        if expanded > budget:
            raise InputError(
                [
                    Diagnostic(
                        self.display,
                        f"aliases expand this document to {expanded:,} nodes, more than the "
                        f"limit of {budget:,} ({ALIAS_EXPANSION_FACTOR}x its {self.distinct:,} "
                        "nodes); this looks like an alias bomb",
                    )
                ]
            )
        return value

    def construct(self, node: Node) -> tuple[Data, int]:
        """The value of ``node`` and the number of nodes it stands for once aliases expand."""
        if isinstance(node, ScalarNode):
            self.distinct += 1
            return self.scalar(node), 1
        key = id(node)
        done = self.built.get(key)
        if done is not None:
            return done
        if key in self.in_progress:
            raise self.fail(node, "an alias refers to a node that contains it (a cycle)")
        self.in_progress.add(key)
        self.distinct += 1
        value: Data
        if isinstance(node, SequenceNode):
            self._check_tag(node, _SEQ)
            items = [self.construct(child) for child in node.value]
            value, size = [v for v, _ in items], 1 + sum(n for _, n in items)
        elif isinstance(node, MappingNode):
            self._check_tag(node, _MAP)
            value, size = self.mapping(node)
        else:  # pragma: no cover - the composer makes only these three kinds
            raise self.fail(node, "unknown YAML node")
        self.in_progress.discard(key)
        self.built[key] = (value, size)
        return value, size

    def _check_tag(self, node: Node, expected: str) -> None:
        if node.tag != expected:
            raise self.fail(node, _unknown_tag(node.tag))

    def scalar(self, node: ScalarNode) -> Data:
        tag, value = node.tag, str(node.value)
        if tag in (_STR, "!"):
            return str(value)
        if tag == _NULL:
            if value in ("", "~", "null", "Null", "NULL"):
                return None
        elif tag == _BOOL:
            if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
                return value.lower() == "true"
        elif tag == _INT:
            number = _parse_int(value)
            if number is not None and abs(number) <= MAX_NUMBER:
                return number
            if number is not None:
                raise self.fail(node, _too_large(value))
        elif tag == _FLOAT:
            real = _parse_float(value)
            if real is not None and math.isfinite(real) and abs(real) <= MAX_NUMBER:
                return real
            if real is not None:
                raise self.fail(node, _too_large(value))
        else:
            raise self.fail(node, _unknown_tag(tag))
        kind = tag.rsplit(":", 1)[-1]
        raise self.fail(node, f"'{short(value)}' is not a valid {kind}")

    def mapping(self, node: MappingNode) -> tuple[dict[str, Data], int]:
        result: dict[str, Data] = {}
        seen: dict[str, Node] = {}
        merged: dict[str, Data] = {}
        size = 1
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                size += self._merge(value_node, merged)
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a mapping key must be a plain text, not a list or map")
            if key_node.tag not in (_STR, _INT, _FLOAT, _BOOL, _NULL, "!"):
                raise self.fail(key_node, _unknown_tag(key_node.tag))
            name = str(key_node.value)
            if name in seen:
                first = _mark_location(seen[name])
                loc = _mark_location(key_node)
                message = (
                    f"duplicate key '{short(name)}' (first at line {first.line}); "
                    "YAML would silently keep only the last one"
                )
                raise AmbiguousInput([Diagnostic(self.display, message, loc.line, loc.column)])
            seen[name] = key_node
            self.distinct += 1
            value, value_size = self.construct(value_node)
            result[name] = value
            size += 1 + value_size
        for name, value in merged.items():
            result.setdefault(name, value)  # explicit keys win over merged ones
        return result, size

    def _merge(self, value_node: Node, into: dict[str, Data]) -> int:
        sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
        size = 0
        for source in sources:
            if not isinstance(source, MappingNode):
                raise self.fail(source, "'<<' merges only maps (or a list of maps)")
            built, source_size = self.construct(source)
            assert isinstance(built, dict)
            size += source_size
            for name, value in built.items():
                into.setdefault(name, value)  # earlier sources win, as in YAML's merge spec
        return size


def _unknown_tag(tag: str) -> str:
    written = (
        "!!" + tag.removeprefix("tag:yaml.org,2002:")
        if tag.startswith("tag:yaml.org,2002:")
        else tag
    )
    return (
        f"the tag '{short(written)}' is not allowed; a flow file is plain data "
        "(tags are never constructed or executed)"
    )


#: The largest number a flow file, configuration or baseline may hold (2^53: every such number
#: is exact as a float, so no rule can overflow or lose it). Longer digit strings are refused
#: before Python converts them (its int-to-str limit would raise).
MAX_NUMBER = 2**53


def _too_large(value: str) -> str:
    return (
        f"'{short(value)}' is not a number cxaudit can use (at most {MAX_NUMBER:,} either way, "
        "and not .nan or .inf); put it in quotes if it is a text"
    )


def _parse_int(value: str) -> int | None:
    digits = value.lstrip("+-")
    if len(digits) > 40:  # far beyond MAX_NUMBER in any base: refused without converting
        return MAX_NUMBER + 1
    try:
        if value.startswith("0o"):
            return int(value[2:], 8)
        if value.startswith("0x"):
            return int(value[2:], 16)
        return int(value, 10)
    except ValueError:
        return None


def _parse_float(value: str) -> float | None:
    lowered = value.lower()
    if lowered.endswith(".inf"):
        return -math.inf if lowered.startswith("-") else math.inf
    if lowered == ".nan":
        return math.nan
    try:
        return float(value)
    except ValueError:
        return None
