"""The rule catalogue: names, weights, options, checks and docs, read from rules/catalogue/.

One YAML file per rule feeds the report, `cxaudit rules`, `cxaudit explain` and the docs from
one place. The catalogue is cxaudit's own data; its tests keep it complete.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from cxaudit.languages import LANGUAGES
from cxaudit.platforms import FORMATS
from cxaudit.resources import read_shipped, rules_dir

#: The platforms a project can come from (the importers' registry), for texts written for them.
PLATFORMS = tuple(FORMATS)


@dataclass(frozen=True)
class CheckInfo:
    id: str
    severity: str
    message: Mapping[str, str]
    hint: Mapping[str, str]
    # An unknown check says what the rule cannot see (the files do not hold it): its units count
    # as failing, its rule's status is "unknown" when nothing worse is found.
    unknown: bool = False
    # What to say instead for a project of a platform (its own words: a Rasa rule, a Dialogflow
    # route), per platform, per text kind (message, hint), per report language.
    platforms: Mapping[str, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)
    # A failure that makes a bot unacceptable whatever else it does well (no person at all, a
    # secret asked in the chat, a bot that does not say it is one): an error of this check
    # multiplies the file's score by this factor.
    weighs: float | None = None

    def text(self, kind: str, language: str, platform: str | None = None) -> str:
        """The message or hint in ``language``, in the words of ``platform`` where it has some."""
        texts = self.platforms.get(platform or "", {}).get(kind) or getattr(self, kind)
        return str(texts.get(language) or getattr(self, kind)[language])


@dataclass(frozen=True)
class OptionInfo:
    name: str
    default: Any
    strict: Any
    description: Mapping[str, str]
    schema: Mapping[str, Any]  # JSON Schema of the value, for the configuration schema


@dataclass(frozen=True)
class Evidence:
    text: Mapping[str, str]
    source: str


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: Mapping[str, str]
    area: str
    weight: float
    summary: Mapping[str, str]
    description: Mapping[str, str]
    evidence: tuple[Evidence, ...]
    options: Mapping[str, OptionInfo]
    checks: Mapping[str, CheckInfo]
    example_fail: str
    example_pass: str

    def defaults(self, *, strict: bool) -> dict[str, Any]:
        """Option values for a profile: the strict ones for finance, insurance, health, government."""
        return {
            name: (opt.strict if strict and opt.strict is not None else opt.default)
            for name, opt in self.options.items()
        }


class CatalogueError(Exception):
    """The shipped catalogue is malformed: a bug in cxaudit's data."""


@cache
def catalogue() -> dict[str, RuleInfo]:
    """Every rule, by id, in id order."""
    folder = rules_dir() / "catalogue"
    rules = {}
    for path in sorted(folder.glob("CX*.yaml")):
        data = read_shipped(path).data
        if not isinstance(data, dict):
            raise CatalogueError(f"{path}: expected a map")
        rule = _rule(data, path.name)
        rules[rule.id] = rule
    return rules


@cache
def waiver_checks() -> dict[str, CheckInfo]:
    """The findings cxaudit reports about waivers themselves (expired, unused)."""
    return _extra_checks("waivers.yaml")


@cache
def import_checks() -> dict[str, CheckInfo]:
    """The notes cxaudit reports about an imported project (what its files cannot say)."""
    return _extra_checks("imports.yaml")


def _extra_checks(name: str) -> dict[str, CheckInfo]:
    path = rules_dir() / "catalogue" / name
    data: Any = read_shipped(path).data
    try:
        return {
            name: CheckInfo(name, chk["severity"], _texts(chk["message"]), _texts(chk["hint"]))
            for name, chk in data["checks"].items()
        }
    except (KeyError, TypeError) as exc:
        raise CatalogueError(f"{path}: malformed ({exc})") from None


def _platforms(raw: Any, where: str) -> dict[str, dict[str, dict[str, str]]]:
    """A check's texts for platforms: ``{rasa: {hint: {en, nl}, message: {en, nl}}}``."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or set(raw) - set(PLATFORMS):
        raise CatalogueError(f"{where}: platforms must be a map of {', '.join(PLATFORMS)}")
    found: dict[str, dict[str, dict[str, str]]] = {}
    for platform, kinds in raw.items():
        if not isinstance(kinds, dict) or not kinds or set(kinds) - {"message", "hint"}:
            raise CatalogueError(f"{where}: platforms.{platform} holds a message and/or a hint")
        found[platform] = {kind: _texts(texts) for kind, texts in kinds.items()}
    return found


def _texts(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v).strip() for k, v in value.items()}
    return {lang: str(value or "").strip() for lang in LANGUAGES}


def _rule(data: dict[str, Any], source: str) -> RuleInfo:
    try:
        examples = data.get("examples") or {}
        return RuleInfo(
            id=data["id"],
            name=_texts(data["name"]),
            area=data["area"],
            weight=float(data["weight"]),
            summary=_texts(data["summary"]),
            description=_texts(data.get("description")),
            evidence=tuple(
                Evidence(_texts(item["text"]), str(item["source"]))
                for item in data.get("evidence") or []
            ),
            options={
                name: OptionInfo(
                    name,
                    opt["default"],
                    opt.get("strict"),
                    _texts(opt.get("description")),
                    opt["schema"],
                )
                for name, opt in (data.get("options") or {}).items()
            },
            checks={
                name: CheckInfo(
                    name,
                    chk["severity"],
                    _texts(chk["message"]),
                    _texts(chk["hint"]),
                    bool(chk.get("unknown", False)),
                    _platforms(chk.get("platforms"), f"{source}: {name}"),
                    float(chk["weighs"]) if "weighs" in chk else None,
                )
                for name, chk in data["checks"].items()
            },
            example_fail=str(examples.get("fail", "")),
            example_pass=str(examples.get("pass", "")),
        )
    except (KeyError, TypeError) as exc:
        raise CatalogueError(f"{source}: malformed rule entry ({exc})") from None


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, params: Mapping[str, str]) -> str:
    """Put parameters into a message: ``{name}`` where name is a parameter; other braces stay.

    Messages quote YAML such as ``{retries: 1, then: x}``, so str.format would trip on them.
    """
    return _PLACEHOLDER.sub(lambda m: params.get(m.group(1), m.group(0)), template)


def rule_key(text: str) -> str:
    """A rule id as a person may write it, as the catalogue writes it: ``3`` and ``cx3`` are
    ``CX03``; anything else is only upper-cased.

    >>> rule_key("3"), rule_key("cx3"), rule_key(" CX10 "), rule_key("xyz")
    ('CX03', 'CX03', 'CX10', 'XYZ')
    """
    key = text.strip().upper()
    number = key.removeprefix("CX")
    return f"CX{int(number):02d}" if re.fullmatch(r"[0-9]{1,2}", number) else key


def lookup(text: str) -> RuleInfo | None:
    """The rule a person means by ``text`` (see :func:`rule_key`); None for no rule.

    >>> lookup("3").id, lookup("cx03").id
    ('CX03', 'CX03')
    >>> lookup("CX99") is None
    True
    """
    return catalogue().get(rule_key(text))
