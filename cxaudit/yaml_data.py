"""Composed YAML nodes to plain data: dicts, lists and scalars, and nothing else.

Only the core YAML 1.2 tags are accepted (any other tag is refused before anything is built),
duplicate keys are errors, numbers beyond what JSON and the reports can carry exactly are
refused, and every shared (aliased) node is built once, with a cap on how far aliases may
expand the document. :mod:`cxaudit.loader` composes the nodes; this module only reads them.
"""

from __future__ import annotations

import math
from typing import Union

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cxaudit.diagnostics import AmbiguousInput, Diagnostic, InputError
from cxaudit.locations import Location
from cxaudit.suggest import short

#: Aliases may expand a document to this many times its own node count (plus a floor).
ALIAS_EXPANSION_FACTOR = 10
ALIAS_EXPANSION_FLOOR = 100_000

# Union, not |: the alias is recursive and must evaluate at run time on Python 3.10.
Data = Union[dict[str, "Data"], list["Data"], str, int, float, bool, None]  # noqa: UP007

TAG_STR = "tag:yaml.org,2002:str"
TAG_INT = "tag:yaml.org,2002:int"
TAG_FLOAT = "tag:yaml.org,2002:float"
TAG_BOOL = "tag:yaml.org,2002:bool"
TAG_NULL = "tag:yaml.org,2002:null"
TAG_SEQ = "tag:yaml.org,2002:seq"
TAG_MAP = "tag:yaml.org,2002:map"
TAG_MERGE = "tag:yaml.org,2002:merge"


def node_location(node: Node) -> Location:
    """Where a node starts and ends (1-based; the end column is the one after its last character)."""
    start, end = node.start_mark, node.end_mark
    end_line, end_column = end.line + 1, end.column + 1
    if end.line > start.line and end.column <= start.column:
        # A block (a mapping, a list item, a `|` text) ends where the next token starts, on a
        # later line at its indent or left of it: it ends with the line before, whose length
        # the marks do not say (None: to the end of the line).
        end_line, end_column = end.line, None
    return Location(start.line + 1, start.column + 1, end_line=end_line, end_column=end_column)


class Constructor:
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
        loc = node_location(node)
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
            self._check_tag(node, TAG_SEQ)
            items = [self.construct(child) for child in node.value]
            value, size = [v for v, _ in items], 1 + sum(n for _, n in items)
        elif isinstance(node, MappingNode):
            self._check_tag(node, TAG_MAP)
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
        if tag in (TAG_STR, "!"):
            return str(value)
        if tag == TAG_NULL:
            if value in ("", "~", "null", "Null", "NULL"):
                return None
        elif tag == TAG_BOOL:
            if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
                return value.lower() == "true"
        elif tag == TAG_INT:
            number = _parse_int(value)
            if number is not None and abs(number) <= MAX_NUMBER:
                return number
            if number is not None:
                raise self.fail(node, _too_large(value))
        elif tag == TAG_FLOAT:
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
            if key_node.tag == TAG_MERGE:
                size += self._merge(value_node, merged)
                continue
            if not isinstance(key_node, ScalarNode):
                raise self.fail(key_node, "a mapping key must be a plain text, not a list or map")
            if key_node.tag not in (TAG_STR, TAG_INT, TAG_FLOAT, TAG_BOOL, TAG_NULL, "!"):
                raise self.fail(key_node, _unknown_tag(key_node.tag))
            name = str(key_node.value)
            if name in seen:
                first = node_location(seen[name])
                loc = node_location(key_node)
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
