"""A place in a file: the data path of a value (``flows[0].steps[3].say``) and where it is written.

A ground-floor idea every layer names (the YAML reader, the model, the graph, the rules, the
importers, configuration), so it lives apart from any of them. A :class:`Locator` turns a data
path into a :class:`Location`: the YAML source map, an imported project's origins, a TOML index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Protocol, Union

PathElem = Union[str, int]  # noqa: UP007
DataPath = tuple[PathElem, ...]


def format_path(path: DataPath) -> str:
    """A data path as people read it: ``flows[0].steps[3].say``."""
    out = ""
    for elem in path:
        if isinstance(elem, int):
            out += f"[{elem}]"
        elif re.fullmatch(r"[A-Za-z_][\w-]*", elem):
            out += f".{elem}" if out else elem
        else:
            out += f"[{json.dumps(elem, ensure_ascii=False)}]"
    return out


def child(node: Any, elem: PathElem) -> Any:
    """One step down a data path in plain data: a map's key or a list's index; None where the
    data has no such part."""
    if isinstance(node, dict) and isinstance(elem, str):
        return node.get(elem)
    if isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node):
        return node[elem]
    return None


def data_at(data: Any, path: DataPath) -> Any:
    """The value at ``path`` in plain data, or None where the data has no such part."""
    node = data
    for elem in path:
        node = child(node, elem)
    return node


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in a source file.

    ``file`` is None for a place in the document's own file; an imported project's data comes
    from several files, and its locations name the one they are in, and the place by name.
    """

    line: int
    column: int
    file: str | None = None
    pointer: str | None = None  # the place by name in that file (a JSON pointer for JSON)
    # Where the value ends, when the reader knows: the line, and the column just after its last
    # character (None: the end of that line). SARIF viewers mark the whole region.
    end_line: int | None = None
    end_column: int | None = None


class Locator(Protocol):
    """Anything that can say where a data path is written: a YAML source map, a TOML index."""

    def locate(self, path: DataPath, *, key: bool = False) -> Location: ...
