"""Loading: a flow file or a project, read, validated and modelled, with the settings it is to
be checked with.

Loading goes bytes -> document -> schema -> model -> waivers -> configuration; every failure on
the way is an input error for that file (exit code 2). A Rasa or Dialogflow project goes through
its importer first and then the same way. The engine checks what this module loads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from cxaudit.budget import Limits, OverBudget, text_size
from cxaudit.budget import current as current_limits
from cxaudit.catalogue import catalogue
from cxaudit.config import (
    PROFILES,
    ConfigFile,
    Effective,
    Overrides,
    find_config,
    read_chain,
    resolve,
)
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.importers.base import is_archive
from cxaudit.languages import LANGUAGES
from cxaudit.loader import Document, load_file, load_text
from cxaudit.model import Bot, build
from cxaudit.platforms import FORMATS
from cxaudit.schema import validate
from cxaudit.suggest import did_you_mean
from cxaudit.waivers import Waiver, read_waivers

if TYPE_CHECKING:
    from cxaudit.baseline import Baseline
    from cxaudit.diagnostics import Note

FLOW_SCHEMA = "flow.schema.json"


@dataclass(frozen=True)
class Settings:
    """Everything about a run that is not in the files: what the command line (or a caller) says."""

    language: str | None = None  # report language; None: configuration, locale, then en
    fail_under: float | None = None  # None: configuration, then 80
    profile: str | None = None  # recommended | strict; None: configuration, then by sector
    config: Path | None = None  # one configuration for every file instead of looking for one
    discover_config: bool = True  # look for .cxaudit.yaml / pyproject.toml near each file
    limits: Limits = field(default_factory=Limits)  # the resource budget (cxaudit.budget)
    waivers: bool = True  # False: ignore every waiver (for audits)
    strict_waivers: bool | None = None  # an unused waiver is an error; None: configuration
    baseline: Baseline | None = None
    today: date | None = None  # for waiver expiry; None: today in UTC (the same on every machine)
    source_format: str | None = (
        None  # rasa | rasa-calm | dialogflow-cx | dialogflow-es; None: detect
    )
    select: tuple[str, ...] = ()  # only these rules run (ids: CX03)
    ignore: tuple[
        str, ...
    ] = ()  # these rules do not run (CX03), these checks do not count (CX05/no-wait-time)
    # Globs of files not to check, relative to the working folder (the configuration's
    # ``exclude`` adds its own, relative to its folder); see cxaudit.discover.exclude_pattern.
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Refuse what the command line would refuse, naming the setting (a library caller
        gets a ValueError, not a report built on a typo)."""
        problems = []
        if self.language is not None and self.language not in LANGUAGES:
            problems.append(
                f"language {self.language!r}: reports are written in {', '.join(LANGUAGES)}"
            )
        if self.profile is not None and self.profile not in PROFILES:
            problems.append(f"profile {self.profile!r}: one of {', '.join(PROFILES)}")
        if self.fail_under is not None and not (
            isinstance(self.fail_under, (int, float)) and 0 <= self.fail_under <= 100
        ):
            problems.append(f"fail_under {self.fail_under!r}: a number from 0 to 100")
        if self.source_format is not None and self.source_format not in FORMATS:
            problems.append(f"source_format {self.source_format!r}: one of {', '.join(FORMATS)}")
        problems += unknown_ids(self.select, checks=False) + unknown_ids(self.ignore, checks=True)
        if (
            (self.select or self.ignore)
            and not problems
            and not rules_left(self.select, self.ignore)
        ):
            problems.append("select and ignore leave no rule to run: nothing would be checked")
        if problems:
            raise ValueError("; ".join(problems))

    def overrides(self) -> Overrides:
        rules = tuple(i for i in self.ignore if "/" not in i)
        return Overrides(
            self.profile, self.fail_under, self.language, self.strict_waivers, self.select, rules
        )

    @property
    def ignored_checks(self) -> frozenset[tuple[str, str]]:
        """The (rule, check) pairs ``ignore`` names: their findings do not count."""
        return frozenset(
            (rule, check) for rule, _, check in (i.partition("/") for i in self.ignore) if check
        )


def unknown_ids(ids: tuple[str, ...], *, checks: bool) -> list[str]:
    """What in ``ids`` names no rule (or, with ``checks``, no check of its rule)."""
    rules = catalogue()
    problems = []
    for given in ids:
        rule, slash, check = given.partition("/")
        if rule not in rules:
            problems.append(f"{given!r}: no rule {rule}{did_you_mean(rule, rules)}")
        elif slash and not checks:
            problems.append(f"{given!r}: --select takes rule ids ({rule}), not checks")
        elif slash and check not in rules[rule].checks:
            hint = did_you_mean(check, rules[rule].checks) if check else ""
            problems.append(f"{given!r}: not a check of {rule}{hint}")
    return problems


def rules_left(select: tuple[str, ...], ignore: tuple[str, ...]) -> list[str]:
    """The rules that run with ``select`` and ``ignore`` (rule ids; checks do not count)."""
    chosen = select or tuple(catalogue())
    return [rule for rule in chosen if rule not in ignore]


@dataclass(frozen=True)
class Loaded:
    """A file that loaded and validated, with the settings it is to be checked with."""

    path: Path
    document: Document
    bot: Bot
    waivers: tuple[Waiver, ...]
    effective: Effective
    notes: tuple[Note, ...] = ()  # what an imported project's files cannot say
    platform: str | None = None  # the kind of project it was imported from (rasa, ...)


def load(path: Path, display: str, settings: Settings) -> Loaded:
    """Read, validate and model one flow file (or import a project) and find its settings;
    raises InputError."""
    if settings.source_format is not None or path.is_dir() or is_archive(path):
        return _load_project(path, display, settings)
    return _flow(path, load_file(path, display), settings)


def load_text_as(text: str, path: Path, display: str, settings: Settings) -> Loaded:
    """:func:`load` for a flow text read elsewhere (standard input): ``path`` is where it
    stands, for its configuration (``--stdin-filename``); nothing is read from it."""
    size, limit = len(text.encode("utf-8")), current_limits().file_bytes
    if size > limit:
        message = f"the text is {size:,} bytes, more than the limit of {limit:,} bytes"
        raise OverBudget([Diagnostic(display, f"{message}; raise it with --limit file-bytes=N")])
    return _flow(path, load_text(text, display), settings)


def _flow(path: Path, document: Document, settings: Settings) -> Loaded:
    display = document.path
    if not isinstance(document.data, dict):
        kind = "a list" if isinstance(document.data, list) else "a single value"
        raise InputError(
            [
                Diagnostic(
                    display,
                    f"the top level is {kind}; a flow file is a map that starts with 'cxaudit: 1'",
                    1,
                    1,
                )
            ]
        )
    return _modelled(path, document, path.parent, settings)


def _load_project(path: Path, display: str, settings: Settings) -> Loaded:
    """Import a Rasa or Dialogflow project and check its flow data like a flow file's."""
    from cxaudit.importers.load import import_path

    project = import_path(path, display, settings.source_format)
    folder = path if path.is_dir() else path.parent
    # A schema problem here is in the overlay's sections, or an importer bug: either way it
    # names its place.
    return _modelled(path, project.document(), folder, settings, tuple(project.notes), project.kind)


def _modelled(
    path: Path,
    document: Document,
    folder: Path,
    settings: Settings,
    notes: tuple[Note, ...] = (),
    platform: str | None = None,
) -> Loaded:
    """What a flow file and an imported project share: the text budget, the schema, the model,
    the waivers the document declares, and the settings of its folder."""
    text_size(document.data, document.path)
    problems = validate(document, FLOW_SCHEMA)
    if problems:
        raise InputError(problems)
    bot = build(document)
    waivers = read_waivers(document, bot)
    effective = effective_settings(folder, bot.sector, settings)
    return Loaded(path, document, bot, waivers, effective, notes, platform)


def effective_settings(folder: Path, sector: str, settings: Settings) -> Effective:
    """The settings for a flow file in ``folder`` of ``sector``: its configuration, and the flags."""
    config_path = settings.config or (find_config(folder) if settings.discover_config else None)
    configs: tuple[ConfigFile, ...] = read_chain(config_path) if config_path else ()
    return resolve(configs, sector=sector, cli=settings.overrides())


def exclude_patterns(settings: Settings, folder: Path) -> list[tuple[re.Pattern[str], Path]]:
    """The exclude globs of a run: ``--exclude`` (relative to ``folder``, the working folder)
    and the ``exclude`` of the configuration that applies there (relative to its own folder)."""
    from cxaudit.discover import exclude_pattern

    patterns = [(exclude_pattern(glob), folder) for glob in settings.exclude]
    config_path = settings.config or (find_config(folder) if settings.discover_config else None)
    for config in read_chain(config_path) if config_path else ():
        base = config.path.parent
        patterns += [(exclude_pattern(glob), base) for glob in config.data.get("exclude", ())]
    return patterns
