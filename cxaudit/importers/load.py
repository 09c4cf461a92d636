"""Detect and import a project: :func:`detect` tells what a path is, :func:`load_project`
imports it into flow data (format 1) whose positions point into the project's own files and
merges ``cxaudit.overlay.yaml`` (what the export cannot say: the human team's hours, consent
recorded elsewhere, waivers); :func:`import_path` also unpacks archives."""

from __future__ import annotations

import importlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.importers.base import ARCHIVES, Origin, Project, Source, is_archive
from cxaudit.loader import DEFAULT_MAX_BYTES
from cxaudit.locations import DataPath

# The registry: format -> the module that reads it, imported on first use. Each module has a
# ``build(project)`` that imports a project and ``MARKERS``, the files (or folders) a project
# of its format cannot do without.
FORMATS: dict[str, str] = {
    "rasa": "cxaudit.importers.rasa3",
    "rasa-calm": "cxaudit.importers.rasa_calm",
    "dialogflow-cx": "cxaudit.importers.dialogflow_cx",
    "dialogflow-es": "cxaudit.importers.dialogflow_es",
}
OVERLAY = "cxaudit.overlay.yaml"
OVERLAY_SECTIONS = ("bot", "humans", "handoff", "privacy", "escalation", "waivers")

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
    # An ES agent one folder down; its intents/ may sit beside agent.json or in ``path``.
    agent = es_agent(path)
    if agent is None or agent == path or (agent / "flows").is_dir():
        return None
    return "dialogflow-es" if (agent / "intents").is_dir() or (path / "intents").is_dir() else None


def es_agent(path: Path) -> Path | None:
    """The folder with a Dialogflow ES agent's agent.json: ``path`` itself or, as ES exports
    often nest the agent one level down, the only subfolder of ``path`` that has one, when
    ``path`` holds nothing else but documentation and an ``intents/`` folder (a folder with flow
    files or other bots beside one agent is searched, not taken for that agent)."""
    if (path / "agent.json").is_file():
        return path
    try:
        entries = sorted(path.iterdir())
    except OSError:
        return None
    holders = [p for p in entries if p.is_dir() and (p / "agent.json").is_file()]
    if len(holders) != 1:
        return None
    others = [p for p in entries if p != holders[0] and not _beside_an_agent(p)]
    return None if others else holders[0]


def _beside_an_agent(entry: Path) -> bool:
    """What an exported ES agent's folder may hold besides the agent: docs, hidden files."""
    name = entry.name
    if name.startswith(".") or (entry.is_dir() and name == "intents"):
        return True
    return entry.is_file() and (
        name.upper().startswith(("README", "LICENSE", "LICENCE", "NOTICE"))
        or entry.suffix.lower() in (".md", ".txt", ".rst")
    )


def _has_calm_flows(data: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bool:
    """Does a YAML file under ``data/`` have a top-level ``flows:`` key? Read line by line, at
    most ``max_bytes`` of each file: detection must not load a huge file whole."""
    for file in sorted(data.rglob("*.y*ml")):
        try:
            with file.open("rb") as handle:
                while handle.tell() <= max_bytes and (line := handle.readline(65536)):
                    if line.startswith(b"flows:"):
                        return True
        except OSError:
            continue
    return False


def _archive_kind(path: Path) -> str | None:
    """dialogflow-cx for an archive with agent.json and flows/, dialogflow-es for one with
    agent.json and intents/ (and no flows/), else None."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return None
    if not any(n.rstrip("/").split("/")[-1] == "agent.json" for n in names):
        return None
    if any("/flows/" in f"/{n}" for n in names):
        return "dialogflow-cx"
    if any("/intents/" in f"/{n}" for n in names):
        return "dialogflow-es"
    return None


# An archive is unpacked into a temporary folder, within limits: a hostile .zip must not fill
# the disk (a zip bomb) or write outside that folder (names with .. or a leading /).
MAX_ARCHIVE_MEMBERS = 20_000


def import_path(
    path: Path, display: str, kind: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Project:
    """Import a project folder, or a Dialogflow CX or ES export archive (.zip, .blob)."""
    if not path.exists():
        raise InputError([Diagnostic(display, "no such file or folder")])
    if not is_archive(path):
        if not path.is_dir():
            raise InputError([Diagnostic(display, f"not a bot project: looked for {LOOKED_FOR}")])
        return load_project(path, display, kind, max_bytes)
    with tempfile.TemporaryDirectory(prefix="cxaudit-") as folder:
        root = _unpack(path, display, Path(folder), max_bytes)
        project = load_project(
            root, display, kind or _archive_kind(path) or "dialogflow-cx", max_bytes
        )
        overlay = path.with_name(OVERLAY)  # beside the archive, outside what was unpacked
        if overlay.is_file():
            merge_overlay(project, project.read(overlay, contained=False))
        return project


def _unpack(archive: Path, display: str, folder: Path, max_bytes: int) -> Path:
    """Unpack safely; the folder that holds agent.json (exports may nest it one level down)."""
    try:
        with zipfile.ZipFile(archive) as bundle:
            members = bundle.infolist()
            if len(members) > MAX_ARCHIVE_MEMBERS:
                raise InputError(
                    [Diagnostic(display, f"the archive has over {MAX_ARCHIVE_MEMBERS:,} entries")]
                )
            if sum(m.file_size for m in members) > max_bytes:
                raise InputError(
                    [
                        Diagnostic(
                            display,
                            f"the archive unpacks to more than {max_bytes:,} bytes "
                            "(the size limit; see --max-file-size)",
                        )
                    ]
                )
            for member in members:
                name = PurePosixPath(member.filename)
                if name.is_absolute() or ".." in name.parts or "\\" in member.filename:
                    raise InputError(
                        [Diagnostic(display, f"unsafe name in the archive: {member.filename!r}")]
                    )
                if member.is_dir():
                    continue
                _extract(bundle, member, folder.joinpath(*name.parts), display)
    except (OSError, zipfile.BadZipFile, RuntimeError) as exc:
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


def load_project(
    path: Path,
    display: str,
    kind: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Project:
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
    project = Project(path, display, kind, max_bytes)
    builder(kind)(project)
    add_stated_contacts(project)
    overlay = path / OVERLAY
    if overlay.is_file():
        merge_overlay(project, project.read(overlay))
    return project


# A phone number the bot gives ("call us on 020 7777 7777"): a word that says so, then at least
# eight digits with the usual separators. Without the word, long digit runs are more often
# amounts, dates or order numbers than phone numbers.
_PHONE = re.compile(
    r"\b(?:call|phone|ring|telephone|tel|contact|reach|bel|bellen|telefoon|telefonisch"
    r"|anrufen|telefon|appeler|t[eé]l[eé]phone)\b[^.!?\n]{0,40}?"
    r"(?P<number>\+?\d[\d ()./-]{6,}\d)",
    re.IGNORECASE,
)
# An address to write to, said as one: "email us at ...", "mail ons op ...", "contact our team at
# ..." (not "your email: jan@example.com", which reads a customer's data back).
_EMAIL = re.compile(
    r"\b(?:e-?mail|mail|write|contact|schrijf|kontaktieren|[eé]crivez)\s+(?:us|to|our|ons|naar"
    r"|onze|uns|nous)\b[^.!?\n]{0,40}?\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b",
    re.IGNORECASE,
)


def add_stated_contacts(project: Project) -> None:
    """A phone number or email address the bot itself gives customers is a way to a person that
    the export does not model: a ``humans`` entry (``phone_in_text``, ``email_in_text``) located
    at the first text that gives it, for CX05 to weigh (its hours can go in the overlay)."""
    data = project.data
    found: dict[str, DataPath] = {}
    for f, flow in enumerate(data.get("flows") or []):
        for s, step in enumerate(flow.get("steps") or []):
            for key in ("say", "ask"):
                text = step.get(key)
                variants = text.items() if isinstance(text, dict) else [(None, text)]
                for language, value in variants:
                    if not isinstance(value, str) or (language or "").startswith("x-"):
                        continue
                    at: DataPath = ("flows", f, "steps", s, key)
                    at = at if language is None else (*at, language)
                    phone = _PHONE.search(value)
                    if phone and sum(c.isdigit() for c in phone.group("number")) >= 8:
                        found.setdefault("phone", at)
                    if _EMAIL.search(value):
                        found.setdefault("email", at)
    humans = data.setdefault("humans", []) if found else []
    known = {h.get("channel") for h in humans if isinstance(h, dict)}
    for channel, at in sorted(found.items()):
        if channel in known:
            continue
        origin = project.locator.origin_of(at)
        humans.append({"id": f"{channel}_in_text", "channel": channel})
        if origin is not None:
            project.origin(("humans", len(humans) - 1), origin)


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


def merge_overlay(project: Project, source: Source | None) -> None:
    """Merge an overlay's sections into the imported data; its positions point at the overlay.

    Maps merge key by key (the overlay wins), ``humans`` entries by ``id``, ``privacy.data``
    entries by ``field`` (a declared field replaces the importer's undeclared placeholder), and
    ``waivers`` are appended.
    """
    if source is None:
        return
    data: Any = source.data
    if data is None:
        return
    if not isinstance(data, dict):
        raise project.fail("an overlay is a map of flow-file sections", Origin(source))
    for key in data:
        if key not in OVERLAY_SECTIONS:
            from cxaudit.suggest import did_you_mean

            raise project.fail(
                f"'{key}' cannot be overlaid{did_you_mean(str(key), OVERLAY_SECTIONS)} "
                f"(sections: {', '.join(OVERLAY_SECTIONS)})",
                Origin(source, (key,)),
                key=True,
            )
    target = project.data
    for section in OVERLAY_SECTIONS:
        if section not in data:
            continue
        value = data[section]
        if section == "humans" and isinstance(value, list):
            _merge_list(project, source, ("humans",), value, "id")
        elif section == "waivers" and isinstance(value, list):
            existing = target.setdefault("waivers", [])
            for i, item in enumerate(value):
                project.origin(("waivers", len(existing)), Origin(source, ("waivers", i)))
                existing.append(item)
        elif section == "privacy" and isinstance(value, dict):
            privacy = target.setdefault("privacy", {})
            for key, item in value.items():
                if key == "data" and isinstance(item, list):
                    _merge_list(project, source, ("privacy", "data"), item, "field")
                else:
                    privacy[key] = item
                    project.origin(("privacy", key), Origin(source, ("privacy", key)))
        elif isinstance(value, dict) and isinstance(target.get(section), dict):
            for key, item in value.items():
                target[section][key] = item
                project.origin((section, key), Origin(source, (section, key)))
        else:
            target[section] = value
            project.origin((section,), Origin(source, (section,)))


def _merge_list(
    project: Project, source: Source, at: tuple[str, ...], items: list[Any], key: str
) -> None:
    holder: Any = project.data
    for part in at[:-1]:
        holder = holder.setdefault(part, {})
    existing: list[Any] = holder.setdefault(at[-1], [])
    index = {
        item[key]: i
        for i, item in enumerate(existing)
        if isinstance(item, dict) and isinstance(item.get(key), str)
    }
    for i, item in enumerate(items):
        name = item.get(key) if isinstance(item, dict) else None
        if not isinstance(name, str):
            name = None  # not a name: appended, and the schema says what is wrong with it
        position = index.get(name) if name is not None else None
        if position is None:
            position = len(existing)
            existing.append(item)
        else:
            existing[position] = item
        project.origin((*at, position), Origin(source, (*at, i)))
