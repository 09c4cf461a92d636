"""Which files a command line means: files as given, folders searched, globs expanded."""

from __future__ import annotations

import fnmatch
import glob
import os
import re
from collections.abc import Iterator
from pathlib import Path, PurePath

from cxaudit.budget import current as current_limits
from cxaudit.budget import exceeded
from cxaudit.config import CONFIG_NAMES
from cxaudit.diagnostics import Diagnostic
from cxaudit.inert import shown_name
from cxaudit.reading import resolved

#: Names that say "this is a flow file" when a folder is searched.
FLOW_SUFFIXES = (".cxaudit.yaml", ".cxaudit.yml", ".flow.yaml", ".flow.yml")
YAML_SUFFIXES = (".yaml", ".yml")
# Folders never searched: version control, tool caches, dependencies.
SKIPPED_FOLDERS = frozenset({"node_modules", "venv", "__pycache__"})
# A flow file says `cxaudit: 1` at the top level (a CI job called "cxaudit:" does not).
_TOP_LEVEL_KEY = re.compile(
    rb"^cxaudit[ \t]*:[ \t]*[\"']?1[\"']?[ \t]*(?:#[^\n]*)?\r?$", re.MULTILINE
)
_SNIFF_BYTES = 4096


def expand(
    arguments: list[str], *, projects: bool = False
) -> tuple[list[tuple[Path, str]], list[Diagnostic]]:
    """Files to check (path, name to show) in a stable order, and arguments that named nothing.

    A file is taken as given, whatever its name. A Rasa or Dialogflow project folder is one bot,
    checked through its importer; with ``projects`` (``--from``) every folder is taken for one. Any other folder is searched (hidden folders and
    dependency folders left out) for ``*.flow.yaml`` and ``*.cxaudit.yaml`` files and for YAML
    files with a top-level ``cxaudit:`` key. Anything with ``*``, ``?`` or ``[`` that is not a
    file is a glob (``**`` searches subfolders). A missing file is passed on, so that checking
    it reports "no such file" like any other input error.
    """
    found: list[tuple[Path, str]] = []
    problems: list[Diagnostic] = []
    for argument in arguments:
        path = Path(argument)
        if not argument.strip():
            problems.append(Diagnostic(repr(argument), "an empty file name"))
        elif path.is_dir() and (projects or _is_project(path)):
            found.append((path, shown_name(argument)))  # a Rasa or Dialogflow project: one bot
        elif path.is_dir():
            files = _search(path)
            if not files:
                problems.append(
                    Diagnostic(
                        argument,
                        "no flow files or bot projects in this folder (looked for *.flow.yaml, "
                        "*.cxaudit.yaml, YAML files with a top-level 'cxaudit:' key, and Rasa "
                        "and Dialogflow projects)",
                    )
                )
            found.extend((file, _show(file)) for file in files)
        elif not path.exists() and glob.has_magic(argument):
            # The same filter as for a folder: 'bots/**/*.yaml' means the flow files there.
            files = [m for m in matched(argument) if _is_flow(m)]
            if not files:
                problems.append(Diagnostic(argument, "no flow file matches this pattern"))
            found.extend((file, _show(file)) for file in files)
        else:
            found.append((path, shown_name(argument)))
        limit = current_limits().files
        if len(found) > limit:
            # Checked one by one, so many files would keep CI busy for long: refuse them all.
            return [], [exceeded(argument, "files", "too many flow files to check").diagnostics[0]]
    return _unique(found), problems


def matched(pattern: str) -> list[Path]:
    """The files a glob matches, in order, as ``glob.glob(pattern, recursive=True)`` would
    find them (``**`` is any number of folders; ``*`` and ``?`` match no leading dot), but
    without following a link to a folder: a link to ``.`` or ``..`` does not make the walk
    endless, and each folder is visited once. Files that are links to somewhere outside the
    folder the pattern starts in are left out."""
    parts = PurePath(pattern).parts
    fixed = next((i for i, p in enumerate(parts) if glob.has_magic(p)), len(parts))
    base = Path(*parts[:fixed]) if fixed else Path()
    wanted = parts[fixed:]
    if not wanted or not base.is_dir():
        return []
    files: list[Path] = []
    for root, _dirs, names in walk(base, dependencies=True):
        relative = Path(root).relative_to(base).parts if root != base else ()
        files.extend(
            Path(root) / name
            for name in names
            if _glob_match(wanted, (*relative, name)) and _inside(Path(root) / name, base)
        )
    return files


def walk(
    folder: Path, *, dependencies: bool = False
) -> Iterator[tuple[Path, list[str], list[str]]]:
    """os.walk in sorted order, never into a link to a folder nor into a hidden folder, nor
    into a dependency folder unless ``dependencies`` (a glob names them as it names others).
    Files that are links are listed with the others."""
    for root, dirs, names in os.walk(folder):
        real = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if not (real / d).is_symlink()
            and not d.startswith(".")
            and (dependencies or d not in SKIPPED_FOLDERS)
        )
        yield real, dirs, sorted(names)


def _glob_match(pattern: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Does a path (its parts) match a glob (its parts), ``**`` standing for any number of
    folders? Linear in len(pattern) * len(parts), whatever the pattern."""
    # reach[j]: the first i parts of the pattern can match the first j parts of the path.
    reach = [True] + [False] * len(parts)
    for piece in pattern:
        if piece == "**":
            for j in range(1, len(parts) + 1):
                reach[j] = reach[j] or (reach[j - 1] and not parts[j - 1].startswith("."))
            continue
        hidden_ok = piece.startswith(".")
        reach = [False] + [
            reach[j - 1]
            and fnmatch.fnmatchcase(parts[j - 1], piece)
            and (hidden_ok or not parts[j - 1].startswith("."))
            for j in range(1, len(parts) + 1)
        ]
    return reach[-1]


def _inside(path: Path, folder: Path) -> bool:
    """Is ``path`` in ``folder``, once links are followed (a link to a file elsewhere is not)?"""
    if not path.is_symlink():
        return True
    return resolved(path).is_relative_to(resolved(folder))


def _is_project(folder: Path) -> bool:
    from cxaudit.importers.load import is_project

    return is_project(folder)


def _search(folder: Path) -> list[Path]:
    """Flow files in ``folder``, and the bot projects in it (each checked as one bot, not
    searched further)."""
    files: list[Path] = []
    for root, dirs, names in walk(folder):
        projects = [d for d in dirs if _is_project(root / d)]
        files.extend(root / d for d in projects)
        dirs[:] = [d for d in dirs if d not in projects]
        files.extend(
            root / name
            for name in names
            # hidden files: CI configs and such; links: only to files inside the folder
            if not name.startswith(".") and _inside(root / name, folder) and _is_flow(root / name)
        )
    return files


def _is_flow(path: Path) -> bool:
    """A regular file named like a flow file, or a YAML file that declares ``cxaudit: 1``."""
    if path.name in CONFIG_NAMES or not path.is_file():  # is_file: no folders, pipes or devices
        return False
    if path.name.endswith(FLOW_SUFFIXES):
        return True
    return path.name.endswith(YAML_SUFFIXES) and _declares_flow(path)


def _declares_flow(path: Path) -> bool:
    """Does a YAML file start a line with ``cxaudit:`` near its top (a flow file's marker)?"""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    return _TOP_LEVEL_KEY.search(head.removeprefix(b"\xef\xbb\xbf")) is not None


def _show(path: Path) -> str:
    return shown_name(path.as_posix())


def _unique(found: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    seen: set[Path] = set()
    unique = []
    for path, display in found:
        key = resolved(path)
        if key not in seen:
            seen.add(key)
            unique.append((path, display))
    return unique


def exclude_pattern(pattern: str) -> re.Pattern[str]:
    """An exclude glob as a regular expression over a ``/``-separated relative path.

    As in ``.gitignore``: a pattern without ``/`` (``drafts``, ``*.old.yaml``) matches a file or
    folder name at any depth; one with ``/`` (``bots/drafts/**``) is anchored at its base folder.
    ``**`` is any number of folders, ``*`` and ``?`` stay within one name, ``[...]`` a class.
    A folder that matches excludes everything in it.
    """
    body = pattern.strip().removeprefix("./").rstrip("/")
    anchored = "/" in body
    out, i = "", 0
    while i < len(body):
        if body.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif body.startswith("**", i):
            out, i = out + ".*", i + 2
        elif body[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif body[i] == "?":
            out, i = out + "[^/]", i + 1
        elif body[i] == "[" and "]" in body[i + 2 :]:
            end = body.index("]", i + 2)
            inner = body[i + 1 : end].replace("\\", "\\\\")
            out, i = (
                out + "[" + ("^" + inner[1:] if inner.startswith("!") else inner) + "]",
                end + 1,
            )
        else:
            out, i = out + re.escape(body[i]), i + 1
    return re.compile(("" if anchored else "(?:.*/)?") + out + "(?:/.*)?")


def excluded(path: Path, patterns: list[tuple[re.Pattern[str], Path]]) -> bool:
    """Does an exclude pattern (with the folder it is relative to) match this file?"""
    if not patterns:
        return False
    target = resolved(path)
    for pattern, base in patterns:
        try:
            relative = target.relative_to(resolved(base)).as_posix()
        except ValueError:
            continue  # outside the pattern's folder
        if pattern.fullmatch(relative):
            return True
    return False
