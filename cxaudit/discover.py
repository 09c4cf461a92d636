"""Which files a command line means: files as given, folders searched, globs expanded."""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

from cxaudit.config import CONFIG_NAMES
from cxaudit.diagnostics import Diagnostic

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
            found.append((path, argument))  # a Rasa or Dialogflow project: checked as one bot
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
            # glob.glob, not Path.glob: the pattern may be absolute or start with "..".
            matches = sorted(Path(m) for m in glob.glob(argument, recursive=True))  # noqa: PTH207
            # The same filter as for a folder: 'bots/**/*.yaml' means the flow files there.
            files = [m for m in matches if _is_flow(m)]
            if not files:
                problems.append(Diagnostic(argument, "no flow file matches this pattern"))
            found.extend((file, _show(file)) for file in files)
        else:
            found.append((path, argument))
    return _unique(found), problems


def _is_project(folder: Path) -> bool:
    from cxaudit.importers.load import is_project

    return is_project(folder)


def _search(folder: Path) -> list[Path]:
    """Flow files in ``folder``, and the bot projects in it (each checked as one bot, not
    searched further)."""
    files: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        projects = [d for d in dirs if _is_project(Path(root) / d)]
        files.extend(Path(root) / d for d in projects)
        dirs[:] = [d for d in dirs if d not in projects]
        for name in sorted(names):
            candidate = Path(root) / name
            if not name.startswith(".") and _is_flow(
                candidate
            ):  # hidden files: CI configs and such
                files.append(candidate)
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
    return path.as_posix()


def _unique(found: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    seen: set[Path] = set()
    unique = []
    for path, display in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append((path, display))
    return unique
