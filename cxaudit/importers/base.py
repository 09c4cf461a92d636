"""What every importer shares: reading a project's files with positions, building flow data
(format version 1) and remembering where each part of it came from.

An importer reads a Rasa or Dialogflow project and writes the same data a hand-written flow
file would hold (a ``dict`` that validates against ``flow.schema.json``), so the rules never
know where a bot came from. Beside the data it keeps *origins*: for a data path of the flow
(``("flows", 0, "steps", 3, "say", "en")``) the project file and the place in that file it was
read from (an :class:`Origin`). Findings are reported there, in the original file, with the
original names. Importers build the data with :class:`~cxaudit.importers.build.FlowBuilder`.

What cxaudit cannot read in a project, or what it should know about it, becomes a note
(:meth:`Project.unsupported`, :meth:`Project.note`) whose wording, in every report language, is
in ``rules/catalogue/imports.yaml``; what the project does not say at all (the team's hours, the
privacy policy) the rules themselves report, in the platform's words.

JSON files are read with the same safe YAML loader as flow files (JSON is YAML), so a finding
in ``pages/Start.json`` has a line and a column like one in ``domain.yml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cxaudit.budget import OverBudget, exceeded
from cxaudit.budget import current as current_limits
from cxaudit.diagnostics import AmbiguousInput, Diagnostic, InputError, Note
from cxaudit.inert import shown_name
from cxaudit.loader import Document, load_text
from cxaudit.locations import DataPath, Location, format_path
from cxaudit.reading import read_text, resolved

ARCHIVES = (".zip", ".blob")  # how Dialogflow CX exports come as one file


def is_archive(path: Path) -> bool:
    return path.suffix.lower() in ARCHIVES and path.is_file()


@dataclass(frozen=True)
class Source:
    """One file of a project, loaded with positions."""

    display: str  # the name reports show, e.g. financial-demo/data/rules.yml
    document: Document

    @property
    def data(self) -> Any:  # whatever the file holds: importers check its shape as they read
        return self.document.data

    def locate(self, at: DataPath, *, key: bool = False) -> Location:
        """Where ``at`` is written; a map or list held under a key is shown at its key (the
        line that names it, ``credit_card:``), a plain value where the value is."""
        if at and not key and isinstance(at[-1], str) and isinstance(self._value(at), dict | list):
            key = True
        loc = self.document.source_map.locate(at, key=key)
        return Location(loc.line, loc.column, self.display, self.pointer(at))

    def _value(self, at: DataPath) -> Any:
        """The value at ``at``, or None where the file has nothing there."""
        return self._find(at)[1]

    def holds(self, at: DataPath) -> bool:
        """Is there a value at ``at`` in this file?"""
        return self._find(at)[0]

    def _find(self, at: DataPath) -> tuple[bool, Any]:
        node: Any = self.document.data
        for part in at:
            in_map = isinstance(node, dict) and isinstance(part, str) and part in node
            in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
            if not (in_map or in_list):
                return False, None
            node = node[part]
        return True, node

    def pointer(self, at: DataPath) -> str:
        """The place by name: a JSON pointer (RFC 6901) in a JSON file, else a data path."""
        if self.display.lower().endswith(".json"):
            return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in at)
        return format_path(at)


@dataclass(frozen=True)
class Origin:
    """A place in a project file: where a part of the built flow was read from, or where a note
    or an input error points (``at`` is a data path in ``source``; ``()`` is the whole file)."""

    source: Source
    at: DataPath = ()

    def below(self, *parts: str | int) -> Origin:
        """The place ``parts`` further down in the same file."""
        return Origin(self.source, (*self.at, *parts))

    def locate(self, *, key: bool = False) -> Location:
        return self.source.locate(self.at, key=key)


class Ids:
    """Ids in the one namespace of a flow file's steps and flows: the project's own name, with
    a number after ``separator`` when it is taken (``payee_name-2``, ``end_escalation_2``)."""

    def __init__(self, separator: str) -> None:
        self.separator = separator
        self.taken: set[str] = set()

    def claim(self, name: str) -> str:
        candidate, n = name, 1
        while candidate in self.taken:
            n += 1
            candidate = f"{name}{self.separator}{n}"
        self.taken.add(candidate)
        return candidate


class ImportLocator:
    """A :class:`~cxaudit.loader.Locator` for imported data: a data path of the built flow to the
    project file and position it came from (the longest recorded prefix of the path wins)."""

    def __init__(self, fallback: str) -> None:
        self._origins: dict[DataPath, Origin] = {}
        self._fallback = fallback  # the file shown when nothing is recorded (the project)

    def add(self, target: DataPath, origin: Origin) -> None:
        self._origins[tuple(target)] = origin  # the last record wins (overlays)

    def origin_of(self, path: DataPath) -> Origin | None:
        """The file and place the data at ``path`` was read from (its longest recorded prefix)."""
        path = tuple(path)
        for end in range(len(path), -1, -1):
            origin = self._origins.get(path[:end])
            if origin is not None:
                return origin
        return None

    def locate(self, path: DataPath, *, key: bool = False) -> Location:
        path = tuple(path)
        for end in range(len(path), -1, -1):
            origin = self._origins.get(path[:end])
            if origin is not None:
                source, at = origin.source, origin.at
                # Where the file has the same shape below (an overlay section copied whole),
                # the rest of the path leads to the exact place.
                deeper = (*at, *path[end:])
                if end < len(path) and source.holds(deeper):
                    return source.locate(deeper, key=key)
                return source.locate(at, key=key and end == len(path))
        return Location(1, 1, self._fallback)


# Parts of a project that cxaudit cannot read, one check each (rules/catalogue/imports.yaml).
Unsupported = Literal[
    "unsupported-message",
    "unlisted-language",
    "unreadable-flow-folder",
    "custom-code",
    "webhook-code",
    "unplaced-chips",
    "calm-flows-in-rasa3",
    "rules-beside-calm",
]


@dataclass
class Project:
    """A project being imported: its root, how to read its files, and what has been built.

    Importers fill ``data`` (flow format 1) and record origins with :meth:`origin`; files that
    cannot be read become notes when the rest is usable (``required=False``) and input errors
    (exit code 2) when they are not.
    """

    root: Path
    display: str  # how reports name the project folder
    kind: str  # rasa | rasa-calm | dialogflow-cx | dialogflow-es
    data: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file read, in reading order
    locator: ImportLocator = field(init=False)
    _noted: set[tuple[object, ...]] = field(init=False, default_factory=set, repr=False)
    _opened: int = field(init=False, default=0, repr=False)  # files opened, read or not
    _bytes: int = field(init=False, default=0, repr=False)  # characters read (bytes, or fewer)

    def __post_init__(self) -> None:
        self.locator = ImportLocator(self.display)

    def show(self, path: Path) -> str:
        """The display name of a file of the project."""
        try:
            relative = shown_name(path.relative_to(self.root).as_posix())
        except ValueError:
            return shown_name(path.as_posix())
        return f"{self.display.rstrip('/')}/{relative}" if relative != "." else self.display

    def read(self, path: Path, *, required: bool = True, contained: bool = True) -> Source | None:
        """Load a YAML or JSON file of the project; None (and a note) if it is optional and broken.

        A file that is a link to somewhere outside the project is not read (``contained``): an
        export from a pull request must not make cxaudit print files from elsewhere on the disk.
        """
        display = self.show(path)
        try:
            if contained and not resolved(path).is_relative_to(resolved(self.root)):
                raise InputError(
                    [Diagnostic(display, "a link to a file outside the project; not read")]
                )
            text = self._read_text(path, display)
            document = load_text(text, display)
        except (AmbiguousInput, OverBudget):
            # A key given twice: skipping the file would silently drop what it says. Over the
            # budget: the whole run stops there.
            raise
        except InputError as exc:
            if required:
                raise
            for diagnostic in exc.diagnostics:
                self.notes.append(
                    Note(
                        "unreadable-file",
                        None,
                        {"file": display, "problem": diagnostic.message},
                        Location(diagnostic.line or 1, diagnostic.column or 1, display),
                    )
                )
            return None
        self.files.append(display)
        return Source(display, document)

    def _read_text(self, path: Path, display: str) -> str:
        """A file's text, counted against the project's budget: a project of 50,000 files or
        of gigabytes is refused at the file that goes over, not after all were parsed."""
        limits = current_limits()
        self._opened += 1
        if self._opened > limits.files:
            raise exceeded(self.display, "files", "this project has too many files to read")
        text = read_text(path, display)
        self._bytes += len(text)
        if self._bytes > limits.project_bytes:
            raise exceeded(self.display, "project_bytes", "this project's files are too large")
        return text

    def origin(self, target: DataPath, origin: Origin) -> None:
        """Record that the flow data at ``target`` was read from ``origin``."""
        self.locator.add(target, origin)

    def note(
        self,
        check: str,
        rule: str | None = None,
        origin: Origin | None = None,
        **params: str | Sequence[str],
    ) -> None:
        """Record a note (see :class:`Note`), at a place in a file when one is given.

        ``params`` are names and values from the project, never words of cxaudit's own: the
        wording, in every report language, is the check's in ``rules/catalogue/imports.yaml``.
        A list of names is given as a list (``'a', 'b'`` in the message).
        """
        location = origin.locate() if origin is not None else None
        values = {name: _names(value) for name, value in params.items()}
        key = (check, rule, tuple(sorted(values.items())), location)
        if key not in self._noted:  # a part read twice (a route on every page) is noted once
            self._noted.add(key)
            self.notes.append(Note(check, rule, values, location))

    def unsupported(
        self, check: Unsupported, origin: Origin | None = None, **names: str | Sequence[str]
    ) -> None:
        """Note a part of the project that cxaudit cannot read (it concerns no single rule)."""
        self.note(check, None, origin, **names)

    def fail(self, message: str, origin: Origin | None = None, *, key: bool = False) -> InputError:
        """An input error at a place in the project (raise it); ``key``: at the key of the place."""
        if origin is None:
            return InputError([Diagnostic(self.display, message)])
        loc = origin.locate(key=key)
        return InputError([Diagnostic(origin.source.display, message, loc.line, loc.column)])

    def document(self) -> Document:
        """The built flow as a document whose positions point into the project's files."""
        return Document(self.display, self.data, self.locator)


def _names(value: str | Sequence[str]) -> str:
    """A note parameter as text: a name as it is, a list of names quoted (``'a', 'b'``)."""
    return value if isinstance(value, str) else ", ".join(f"'{name}'" for name in value)
