"""Detect and import a project: :func:`detect` tells what a path is, :func:`load_project`
imports it into flow data (format 1) whose positions point into the project's own files and
merges ``cxaudit.overlay.yaml`` (what the export cannot say: the human team's hours, consent
recorded elsewhere, waivers); :func:`import_path` also unpacks archives."""

from __future__ import annotations

import importlib
import lzma
import os
import shutil
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Protocol

from cxaudit.budget import current as current_limits
from cxaudit.budget import exceeded
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.importers.base import ARCHIVES, Project, is_archive
from cxaudit.importers.content import read_content, settle_notes
from cxaudit.importers.overlay import OVERLAY, merge_overlay
from cxaudit.platforms import FORMATS
from cxaudit.reading import resolved

LOOKED_FOR = (
    "a Rasa project (domain.yml or domain/, with data/), "
    "a Rasa Pro CALM project (the same, with flows: in data/), "
    "a Dialogflow CX export (agent.json and flows/, as a folder, .zip or .blob), "
    "or a Dialogflow ES export (agent.json and intents/, as a folder or .zip)"
)


def is_project(path: Path) -> bool:
    """Is this a folder or archive that an importer reads (rather than flow files to search)?"""
    return detect(path) is not None


def detect(path: Path) -> str | None:
    """The format of the project at ``path``, or None when it is none of them."""
    if path.is_file() and path.suffix.lower() in ARCHIVES:
        return _archive_kind(path)
    if not path.is_dir():
        return None
    if (path / "agent.json").is_file() and (path / "flows").is_dir():
        return "dialogflow-cx"
    if (path / "agent.json").is_file() and (path / "intents").is_dir():
        return "dialogflow-es"
    has_domain = (path / "domain.yml").is_file() or (path / "domain.yaml").is_file()
    if (has_domain or (path / "domain").is_dir()) and (path / "data").is_dir():
        return "rasa-calm" if _has_calm_flows(path / "data") else "rasa"
    if _es_without_agent_json(path):
        return "dialogflow-es"
    # An ES agent one folder down; its intents/ may sit beside agent.json or in ``path``.
    agent = es_agent(path)
    if agent is None or agent == path or (agent / "flows").is_dir():
        return None
    return "dialogflow-es" if (agent / "intents").is_dir() or (path / "intents").is_dir() else None


def es_agent(path: Path) -> Path | None:
    """The folder with a Dialogflow ES agent's agent.json: ``path`` itself or, as ES exports
    often nest the agent one level down, the only subfolder of ``path`` that has one, when
    ``path`` holds nothing else but documentation and an ``intents/`` folder (a folder with flow
    files or other bots beside one agent is searched, not taken for that agent). An export
    without agent.json (``package.json`` and ``intents/`` with training phrase files) is
    ``path`` itself."""
    if (path / "agent.json").is_file():
        return path
    try:
        entries = sorted(path.iterdir())
    except OSError:
        return None
    holders = [p for p in entries if p.is_dir() and (p / "agent.json").is_file()]
    others = [p for p in entries if holders and p != holders[0] and not _beside_an_agent(p)]
    if len(holders) == 1 and not others:
        return holders[0]
    return path if _es_without_agent_json(path) else None


def _es_without_agent_json(path: Path) -> bool:
    """An ES export that lost its agent.json: no ``flows/``, and ``intents/`` holds an intent
    file with its training phrases beside it (``<intent>.json``, ``<intent>_usersays_en.json``).
    Looks at the first 1,000 names in order at most."""
    folder = path / "intents"
    if not folder.is_dir() or (path / "flows").is_dir():
        return False
    try:
        names = sorted(f.name for f in folder.iterdir())[:1000]
    except OSError:
        return False
    for name in names:
        intent, marker, lang = name.removesuffix(".json").rpartition("_usersays_")
        language = lang.replace("_", "-").split("-")[0]
        named = name.endswith(".json") and bool(marker and intent) and language.isalpha()
        if named and 2 <= len(language) <= 3 and (folder / f"{intent}.json").is_file():
            return True
    return False


def _beside_an_agent(entry: Path) -> bool:
    """What an exported ES agent's folder may hold besides the agent: docs, hidden files."""
    name = entry.name
    if name.startswith(".") or (entry.is_dir() and name == "intents"):
        return True
    return entry.is_file() and (
        name.upper().startswith(("README", "LICENSE", "LICENCE", "NOTICE"))
        or entry.suffix.lower() in (".md", ".txt", ".rst")
    )


def _has_calm_flows(data: Path) -> bool:
    """Does a YAML file under ``data/`` have a top-level ``flows:`` key? Read line by line, at
    most the file-bytes limit of each file: detection must not load a huge file whole."""
    limits = current_limits()
    max_bytes = limits.file_bytes
    inside = resolved(data)
    # More files than the limit: the import refuses the project, unread (_count_files).
    for file in sorted(data.rglob("*.y*ml"))[: limits.files]:
        try:
            # Only regular files of the project: a link to /dev/zero, a FIFO or a file elsewhere
            # on the disk is not read (the project's reader refuses it with a note).
            if not file.is_file() or not resolved(file).is_relative_to(inside):
                continue
            read = 0
            with file.open("rb") as handle:
                while read <= max_bytes and (line := handle.readline(65536)):
                    read += len(line)
                    if line.startswith(b"flows:"):
                        return True
        except OSError:
            continue
    return False


def _archive_kind(path: Path) -> str | None:
    """dialogflow-cx for an archive with agent.json and flows/, dialogflow-es for one with
    agent.json and intents/ (and no flows/), else None."""
    try:
        if _member_count(path, current_limits().files) > current_limits().files:
            return "dialogflow-cx"  # too big to look inside: unpacking says so, naming the limit
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return None  # not an archive this importer reads: detection says so, never a traceback
    if not any(n.rstrip("/").split("/")[-1] == "agent.json" for n in names):
        return None
    if any("/flows/" in f"/{n}" for n in names):
        return "dialogflow-cx"
    if any("/intents/" in f"/{n}" for n in names):
        return "dialogflow-es"
    return None


def _member_count(path: Path, most: int) -> int:
    """How many members a zip archive has, counted on its central directory without building
    anything (zipfile makes an object of each, and detection and unpacking would each do it):
    an archive of 300,000 members is refused at once. Stops counting past ``most``; 0 when
    there is no end record (zipfile then says what is wrong). The count in the end record is
    not trusted: a crafted archive can say 1 and hold 300,000."""
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(0, size - _END_SEARCH))
        tail = handle.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + 22 > len(tail):
            return 0
        length, offset = struct.unpack_from("<2I", tail, at + 12)
        locator = tail.rfind(b"PK\x06\x07", 0, at)
        if 0xFFFFFFFF in (length, offset) and locator >= 0 and locator + 20 <= len(tail):
            (record_at,) = struct.unpack_from("<Q", tail, locator + 8)  # zip64 end record
            handle.seek(record_at)
            record = handle.read(56)
            if len(record) == 56 and record.startswith(b"PK\x06\x06"):
                length, offset = struct.unpack_from("<2Q", record, 40)
        if offset >= size:
            return 0
        handle.seek(offset)
        directory = handle.read(min(length, size - offset))
    count = position = 0
    while count <= most and directory.startswith(b"PK\x01\x02", position):
        if position + 46 > len(directory):
            break
        names, extra, comment = struct.unpack_from("<3H", directory, position + 28)
        position += 46 + names + extra + comment
        count += 1
    return count


_END_SEARCH = 22 + 65535 + 20  # the end record, its longest comment, the zip64 locator


def import_path(path: Path, display: str, kind: str | None = None) -> Project:
    """Import a project folder, or a Dialogflow CX or ES export archive (.zip, .blob)."""
    if not path.exists():
        raise InputError([Diagnostic(display, "no such file or folder")])
    if not is_archive(path):
        if not path.is_dir():
            raise InputError([Diagnostic(display, f"not a bot project: looked for {LOOKED_FOR}")])
        return load_project(path, display, kind)
    with tempfile.TemporaryDirectory(prefix="cxaudit-") as folder:
        root = _unpack(path, display, Path(folder))
        project = load_project(root, display, kind or _archive_kind(path) or "dialogflow-cx")
        overlay = path.with_name(OVERLAY)  # beside the archive, outside what was unpacked
        if overlay.is_file():
            merge_overlay(project, project.read(overlay, contained=False))
            settle_notes(project)
        return project


def _unpack(archive: Path, display: str, folder: Path) -> Path:
    """Unpack safely, within the budget: a hostile .zip must not fill the disk (a zip bomb),
    take minutes to list, or write outside ``folder`` (names with .. or a leading /). Returns
    the folder that holds agent.json (exports may nest it one level down)."""
    limits = current_limits()
    try:
        if _member_count(archive, limits.files) > limits.files:
            raise exceeded(display, "files", "the archive has too many members")
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > limits.files:
                raise exceeded(display, "files", "the archive has too many members")
            if sum(m.file_size for m in members) > limits.project_bytes:
                raise exceeded(display, "project_bytes", "the archive unpacks to too many bytes")
            if any(m.file_size > limits.file_bytes for m in members):
                big = next(m for m in members if m.file_size > limits.file_bytes)
                raise exceeded(
                    display, "file_bytes", f"{big.filename!r} in the archive is too large"
                )
            for member in members:
                name = PurePosixPath(member.filename)
                unsafe = name.is_absolute() or ".." in name.parts or "\\" in member.filename
                if unsafe or not name.parts:
                    raise InputError(
                        [Diagnostic(display, f"unsafe name in the archive: {member.filename!r}")]
                    )
                if member.is_dir():
                    continue
                _extract(bundle, member, folder.joinpath(*name.parts), display)
    except (
        OSError,
        zipfile.BadZipFile,
        RuntimeError,
        ValueError,
        EOFError,
        NotImplementedError,
    ) as exc:
        raise InputError([Diagnostic(display, f"cannot unpack the archive: {exc}")]) from None
    agents = sorted(folder.rglob("agent.json"), key=lambda p: (len(p.parts), p.as_posix()))
    if not agents:
        raise InputError([Diagnostic(display, f"not a bot project: looked for {LOOKED_FOR}")])
    return agents[0].parent


def _extract(bundle: zipfile.ZipFile, member: zipfile.ZipInfo, target: Path, display: str) -> None:
    """Unpack one member; a problem names the member, not the temporary folder."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with bundle.open(member) as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise InputError(
            [Diagnostic(display, f"cannot unpack {member.filename!r} from the archive: {reason}")]
        ) from None
    except (
        zlib.error,
        lzma.LZMAError,
        EOFError,
        zipfile.BadZipFile,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        # Damaged deflate, bzip2 or LZMA data, a bad CRC, an encrypted or unknown method.
        raise InputError(
            [Diagnostic(display, f"cannot unpack {member.filename!r} from the archive: {exc}")]
        ) from None


def load_project(path: Path, display: str, kind: str | None = None) -> Project:
    """Import the project at ``path`` (a folder; archives are unpacked by the caller) into flow
    data, with its overlay merged in; raises InputError when it cannot be read."""
    found = detect(path)
    if kind is None or (kind == "rasa" and found == "rasa-calm"):
        kind = found  # "rasa" means the Rasa family: a CALM project is read as one
    if kind is None:
        raise InputError([Diagnostic(display, f"not a bot project: looked for {LOOKED_FOR}")])
    if kind not in FORMATS:
        raise InputError(
            [
                Diagnostic(
                    display, f"unknown project format '{kind}' (formats: {', '.join(FORMATS)})"
                )
            ]
        )
    markers = _format(kind).MARKERS
    marked = any((path / name).exists() for name in markers)
    if kind == "dialogflow-es" and es_agent(path) is not None:
        marked = True  # the agent may sit one folder down
    if found is None and not marked:
        # Forced with --from: the layout may differ, but the format's main file must be there.
        wanted = " or ".join(markers)
        raise InputError([Diagnostic(display, f"not a {kind} project: no {wanted} in this folder")])
    _count_files(path, display)
    project = Project(path, display, kind)
    builder(kind)(project)
    read_content(project)
    overlay = path / OVERLAY
    if overlay.is_file():
        merge_overlay(project, project.read(overlay))
    settle_notes(project)
    return project


_PROJECT_FILES = (".json", ".yml", ".yaml")


def _count_files(root: Path, display: str) -> None:
    """Refuse a project with more YAML and JSON files than the files limit before reading any
    (a pull request can add 50,000): counted on a walk that follows no link."""
    limit = current_limits().files
    count = 0
    for _, _, names in os.walk(root):
        count += sum(name.lower().endswith(_PROJECT_FILES) for name in names)
        if count > limit:
            raise exceeded(display, "files", "this project has too many files to read")


class Format(Protocol):
    """What a format's module declares (see :data:`FORMATS`)."""

    MARKERS: tuple[str, ...]

    def build(self, project: Project) -> None: ...


def _format(kind: str) -> Format:
    module: Format = importlib.import_module(FORMATS[kind])
    return module


def builder(kind: str) -> Callable[[Project], None]:
    """The importer of a format: its module's ``build(project)``."""
    return _format(kind).build
