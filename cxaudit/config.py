"""Configuration: which rules run, how strictly, and where each effective setting came from.

Settings come in layers; a later layer wins:

1. the rule catalogue's defaults, or its stricter values for the ``strict`` profile;
2. the profile: ``--profile``, else ``extends: recommended|strict`` in a configuration file, else
   ``strict`` for bots in finance, insurance, healthcare and government;
3. configuration files: ``.cxaudit.yaml`` found by walking up from each checked file to the
   repository root, or ``[tool.cxaudit]`` in a ``pyproject.toml`` on the way, or ``--config``;
   a file may ``extends:`` another file, whose settings it then overrides;
4. command-line flags.

Every configuration file is validated against ``config.schema.json`` (built from the catalogue,
so every option and check is known), with unknown keys reported with the nearest known one.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from cxaudit.catalogue import catalogue
from cxaudit.diagnostics import Diagnostic, InputError
from cxaudit.inert import shown_name
from cxaudit.languages import LANGUAGES
from cxaudit.loader import Document, load_file
from cxaudit.locations import DataPath, Locator
from cxaudit.pyproject import has_section, read_section
from cxaudit.reading import resolved
from cxaudit.report import DEFAULT_HELP_URL
from cxaudit.schema import validate
from cxaudit.suggest import did_you_mean

PROFILES = ("recommended", "strict")
CONFIG_NAMES = (".cxaudit.yaml", ".cxaudit.yml")
CONFIG_SCHEMA = "config.schema.json"
SEVERITIES = ("error", "warning", "info")
DEFAULT_FAIL_UNDER = 80.0


T = TypeVar("T")

#: Sectors whose customers prefer people most and that carry extra legal duties: by default
#: they get the strict profile.
STRICT_SECTORS = frozenset({"finance", "insurance", "healthcare", "government"})


@dataclass(frozen=True)
class Setting(Generic[T]):
    """A value and where it came from: "default", "profile strict", ".cxaudit.yaml:4", a flag."""

    value: T
    origin: str


@dataclass(frozen=True)
class ConfigFile:
    """One validated configuration file (or pyproject section)."""

    path: Path
    display: str
    data: Mapping[str, Any]
    source_map: Locator

    def origin(self, path: DataPath) -> str:
        return f"{self.display}:{self.source_map.locate(path).line}"


@dataclass(frozen=True)
class Overrides:
    """What the command line says; None means "not given"."""

    profile: str | None = None
    fail_under: float | None = None
    lang: str | None = None
    strict_waivers: bool | None = None
    select: tuple[str, ...] = ()  # --select: only these rules run
    ignore: tuple[str, ...] = ()  # --ignore: rules that do not run (rule ids only here)


@dataclass(frozen=True)
class RuleSettings:
    enabled: Setting[bool]
    severities: Mapping[str, Setting[str]]  # check id -> severity
    options: Mapping[str, Setting[Any]]

    def option_values(self) -> dict[str, Any]:
        return {name: setting.value for name, setting in self.options.items()}


@dataclass(frozen=True)
class Effective:
    """The settings one flow file is checked with."""

    profile: Setting[str]
    fail_under: Setting[float]
    lang: Setting[str | None]
    strict_waivers: Setting[bool]
    help_url: Setting[str]
    rules: Mapping[str, RuleSettings]
    files: tuple[str, ...] = field(default=())  # the configuration files used, base first
    # Files not to check (globs relative to their configuration file's folder), every file's own.
    exclude: Setting[tuple[str, ...]] = field(default=Setting((), "default"))

    @property
    def strict(self) -> bool:
        return self.profile.value == "strict"


# -- finding and reading configuration files ----------------------------------------------------


def find_config(start: Path) -> Path | None:
    """The configuration for a file in ``start``'s folder: walk up to the repository root.

    In each folder, ``.cxaudit.yaml`` (or ``.yml``) wins over a ``pyproject.toml`` that has a
    ``[tool.cxaudit]`` section. The walk stops after the folder that holds ``.git``.
    """
    folder = resolved(start)
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            if (candidate / name).is_file():
                return candidate / name
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and has_section(pyproject):
            return pyproject
        if (candidate / ".git").exists():
            return None
    return None


def read_chain(path: Path) -> tuple[ConfigFile, ...]:
    """A configuration file and the files it extends, base first."""
    chain: list[ConfigFile] = []
    seen: list[Path] = []
    current: Path | None = resolved(path)
    while current is not None:
        if current in seen:
            loop = " -> ".join(_display(p) for p in [*seen, current])
            raise InputError(
                [
                    Diagnostic(
                        _display(path), f"configuration files extend each other in a loop: {loop}"
                    )
                ]
            )
        seen.append(current)
        config = read_config(current)
        chain.append(config)
        extends = config.data.get("extends")
        current = None
        if isinstance(extends, str) and extends not in PROFILES:
            target = resolved(config.path.parent / extends)
            if not target.is_file():
                loc = config.source_map.locate(("extends",))
                raise InputError(
                    [
                        Diagnostic(
                            config.display,
                            f"extends: '{extends}' is neither a profile ({', '.join(PROFILES)}) "
                            f"nor an existing configuration file{did_you_mean(extends, PROFILES)}",
                            loc.line,
                            loc.column,
                        )
                    ]
                )
            current = target
    return tuple(reversed(chain))


def read_config(path: Path) -> ConfigFile:
    """Read and validate one configuration file (cached: many flow files share one)."""
    try:
        stat = path.stat()
    except OSError:
        stat = None
    return _read_config(path, stat.st_mtime_ns if stat else 0, stat.st_size if stat else 0)


@cache
def _read_config(path: Path, mtime: int, size: int) -> ConfigFile:
    display = _display(path)
    if path.name == "pyproject.toml":
        data, positions = read_section(path, display)
        problems = validate(Document(display, data, positions), CONFIG_SCHEMA)
        if problems:
            raise InputError(problems)
        return ConfigFile(path, display, data, positions)
    document = load_file(path, display, empty_ok=True)
    if document.data is None:
        return ConfigFile(path, display, {}, document.source_map)  # an empty file: no settings
    if not isinstance(document.data, dict):
        raise InputError([Diagnostic(display, "a configuration file is a map of settings", 1, 1)])
    problems = validate(document, CONFIG_SCHEMA)
    if problems:
        raise InputError(problems)
    return ConfigFile(path, display, document.data, document.source_map)


def _display(path: Path) -> str:
    """A configuration file as reports name it: relative to the working folder (``../x.yaml`` too)."""
    return shown_name(Path(os.path.relpath(resolved(path), resolved(Path.cwd()))).as_posix())


# -- the configuration schema, from the catalogue -----------------------------------------------


def build_config_schema() -> dict[str, Any]:
    """The JSON Schema of configuration files; shipped as config.schema.json (kept in sync by a test)."""
    rules: dict[str, Any] = {}
    for rule in catalogue().values():
        rules[rule.id] = {
            "type": "object",
            "description": rule.name["en"],
            "additionalProperties": False,
            "properties": {
                "enabled": {"type": "boolean", "description": "Run this rule (default true)."},
                "severity": {
                    "enum": list(SEVERITIES),
                    "description": "Severity of every finding of this rule (its info notes excepted).",
                },
                "checks": {
                    "type": "object",
                    "description": "Severity per check of this rule.",
                    "additionalProperties": False,
                    "properties": {check: {"enum": list(SEVERITIES)} for check in rule.checks},
                },
                "options": {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        name: {**option.schema, "description": option.description["en"]}
                        for name, option in rule.options.items()
                    },
                },
            },
        }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://raw.githubusercontent.com/cxaudit/cxaudit/main/cxaudit/schemas/config.schema.json",
        "title": "cxaudit configuration (.cxaudit.yaml or [tool.cxaudit] in pyproject.toml)",
        "type": "object",
        "additionalProperties": False,
        "patternProperties": {"^x-": True},
        "properties": {
            "extends": {
                "type": "string",
                "minLength": 1,
                "description": "A profile (recommended, strict) or the path of a configuration file to build on.",
            },
            "fail_under": {
                "type": "number",
                "minimum": 0,
                "maximum": 100,
                "description": "Lowest passing score.",
            },
            "lang": {"enum": list(LANGUAGES), "description": "Report language."},
            "strict_waivers": {
                "type": "boolean",
                "description": "A waiver that waives nothing is an error instead of a note.",
            },
            "exclude": {
                "type": "array",
                "items": {"type": "string", "minLength": 1},
                "description": "Files not to check, as globs relative to this file's folder: "
                "'drafts' (a name at any depth), 'bots/legacy/**', '*.old.flow.yaml'. "
                "Used for the folder cxaudit runs in; --exclude adds more.",
            },
            "help_url": {
                "type": "string",
                "pattern": "^https?://[!-~]*\\{rule\\}[!-~]*$",
                "x-expect": "an http(s) address with {rule} in it and no spaces or control characters, such as https://example.org/cxaudit/{rule}",
                "description": "Where each rule's documentation lives ({rule} becomes the rule id); used in SARIF.",
            },
            "rules": {
                "type": "object",
                "additionalProperties": False,
                "properties": rules,
            },
        },
    }


# -- resolving the effective settings -----------------------------------------------------------


def resolve(configs: Sequence[ConfigFile], *, sector: str, cli: Overrides) -> Effective:
    """The settings for one flow file: catalogue, profile, configuration files, flags."""
    profile = _profile(configs, sector, cli)
    strict = profile.value == "strict"
    rules: dict[str, RuleSettings] = {}
    for rule in catalogue().values():
        options: dict[str, Setting[Any]] = {}
        for name, option in rule.options.items():
            if strict and option.strict is not None and option.strict != option.default:
                options[name] = Setting(option.strict, "profile strict")
            else:
                options[name] = Setting(option.default, "default")
        severities = {
            check.id: Setting(check.severity, "default") for check in rule.checks.values()
        }
        enabled = Setting(True, "default")
        for config in configs:
            raw = config.data.get("rules", {}).get(rule.id)
            if raw is None:
                continue
            base: DataPath = ("rules", rule.id)
            if "enabled" in raw:
                enabled = Setting(bool(raw["enabled"]), config.origin((*base, "enabled")))
            if "severity" in raw:
                origin = config.origin((*base, "severity"))
                for check in rule.checks.values():
                    if check.severity != "info":  # notes about unread languages stay notes
                        severities[check.id] = Setting(raw["severity"], origin)
            for check_id, severity in raw.get("checks", {}).items():
                severities[check_id] = Setting(severity, config.origin((*base, "checks", check_id)))
            for name, value in raw.get("options", {}).items():
                options[name] = Setting(value, config.origin((*base, "options", name)))
        if cli.select and rule.id not in cli.select:
            enabled = Setting(False, "--select")
        if rule.id in cli.ignore:
            enabled = Setting(False, "--ignore")
        rules[rule.id] = RuleSettings(enabled, severities, options)
    return Effective(
        profile=profile,
        fail_under=_layered(
            configs, "fail_under", DEFAULT_FAIL_UNDER, cli.fail_under, "--fail-under", float
        ),
        lang=_layered(configs, "lang", None, cli.lang, "--lang", str),
        strict_waivers=_layered(
            configs, "strict_waivers", False, cli.strict_waivers, "--strict-waivers", bool
        ),
        help_url=_layered(configs, "help_url", DEFAULT_HELP_URL, None, "", str),
        rules=rules,
        exclude=_excludes(configs),
        files=tuple(config.display for config in configs),
    )


def _excludes(configs: Sequence[ConfigFile]) -> Setting[tuple[str, ...]]:
    """Every configuration file's ``exclude``, base first (they add up, each relative to its
    own file's folder)."""
    found = [c for c in configs if c.data.get("exclude")]
    globs = tuple(glob for c in found for glob in c.data["exclude"])
    origin = ", ".join(c.origin(("exclude",)) for c in found)
    return Setting(globs, origin or "default")


def _profile(configs: Sequence[ConfigFile], sector: str, cli: Overrides) -> Setting[str]:
    if cli.profile is not None:
        return Setting(cli.profile, "--profile")
    for config in reversed(configs):
        extends = config.data.get("extends")
        if extends in PROFILES:
            return Setting(str(extends), config.origin(("extends",)))
    if sector in STRICT_SECTORS:
        return Setting("strict", f"sector {sector}")
    return Setting("recommended", "default")


def _layered(
    configs: Sequence[ConfigFile],
    key: str,
    default: Any,
    flag_value: Any,
    flag: str,
    kind: type,
) -> Setting[Any]:
    setting = Setting(default, "default")
    for config in configs:
        if key in config.data:
            setting = Setting(kind(config.data[key]), config.origin((key,)))
    if flag_value is not None:
        setting = Setting(flag_value, flag)
    return setting
