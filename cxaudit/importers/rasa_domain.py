"""Reading a Rasa project's domain (``domain.yml``, ``domain.yaml`` or the files of a
``domain/`` folder) and ``config.yml``.

* the bot's languages are ``language`` and ``additional_languages`` of ``config.yml`` (Rasa's
  default is ``en``);
* a response's text is all its variants, one per line: the ``text``, else the ``text`` and
  ``title`` strings of a ``custom`` payload, in the first language, and each variant's
  ``translation`` entries in the others; a variant whose ``metadata`` says ``rephrase: True``
  is rephrased by a language model at run time;
* a response's buttons are those of its first variant that has any;
* NLU examples lose their entity annotations (``[Amazon](vendor_name)`` is ``Amazon``).

The first definition of a response, slot, form, action or intent wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import Text
from cxaudit.locations import DataPath

_INTENT_PAYLOAD = re.compile(r"^/([A-Za-z0-9_.-]+)(?:\{.*\})?$", re.DOTALL)
_SET_SLOTS = re.compile(r"^/SetSlots\((.*)\)$", re.DOTALL)
_ANNOTATION = re.compile(r"\[([^\]\n]{0,200})\](?:\([^)\n]{0,200}\)|\{[^}\n]{0,400}\})")


@dataclass(frozen=True)
class RasaText(Text):
    """A response's text, and whether a language model rephrases it at run time."""

    rephrased: bool = False


@dataclass(frozen=True)
class Response:
    name: str
    source: Source
    variants: list[Any]


@dataclass(frozen=True)
class Button:
    """A button of a response: what the customer sees and what choosing it sends."""

    title: str
    payload: str
    origin: Origin

    @property
    def title_origin(self) -> Origin:
        return self.origin.below("title")

    @property
    def intent(self) -> str | None:
        """The intent a ``/intent`` or ``/intent{...}`` payload triggers."""
        found = _INTENT_PAYLOAD.match(self.payload)
        return found.group(1) if found else None

    def slot_value(self, slot: str) -> str | None:
        """The value a CALM ``/SetSlots(slot=value)`` payload gives ``slot``."""
        found = _SET_SLOTS.match(self.payload)
        if found is None:
            return None
        for assignment in found.group(1).split(","):
            name, _, value = assignment.partition("=")
            if name.strip() == slot:
                return value.strip().strip("'\"")
        return None


@dataclass
class Domain:
    responses: dict[str, Response] = field(default_factory=dict)
    slots: dict[str, Origin] = field(default_factory=dict)
    slot_types: dict[str, str] = field(default_factory=dict)
    forms: dict[str, tuple[Source, Any]] = field(default_factory=dict)
    actions: dict[str, Origin] = field(default_factory=dict)
    intents: dict[str, Origin] = field(default_factory=dict)
    sources: list[Source] = field(default_factory=list)  # the domain's files, in reading order

    def text(self, name: str, language: str, languages: list[str]) -> RasaText | None:
        """A response's text per language: its variants joined, one per line."""
        response = self.responses.get(name)
        if response is None:
            return None
        values: dict[str, list[str]] = {}
        origins: dict[str, Origin] = {}
        rephrased = False
        for i, variant in enumerate(response.variants):
            if not isinstance(variant, dict):
                continue
            metadata = variant.get("metadata")
            if isinstance(metadata, dict) and str(metadata.get("rephrase")).lower() == "true":
                rephrased = True
            found: list[tuple[str, str, DataPath]] = []
            if isinstance(variant.get("text"), str):
                found.append((language, variant["text"], ("responses", name, i, "text")))
            elif "custom" in variant:
                for text, at in custom_texts(variant["custom"], ("responses", name, i, "custom")):
                    found.append((language, text, at))
            translation = variant.get("translation")
            if isinstance(translation, dict):
                for lang, text in sorted(translation.items()):
                    if lang in languages and isinstance(text, str):
                        found.append((lang, text, ("responses", name, i, "translation", lang)))
            for lang, text, at in found:
                values.setdefault(lang, []).append(text.strip())
                origins.setdefault(lang, Origin(response.source, at))
        if not values:
            return None
        return RasaText({k: "\n".join(v) for k, v in values.items()}, origins, rephrased)

    def buttons(self, name: str | None) -> list[Button]:
        """The buttons of response ``name`` (those of its first variant that has any)."""
        response = self.responses.get(name or "")
        if response is None:
            return []
        for i, variant in enumerate(response.variants):
            raw = variant.get("buttons") if isinstance(variant, dict) else None
            if not isinstance(raw, list):
                continue
            at = ("responses", response.name, i, "buttons")
            return [
                Button(b["title"], b["payload"], Origin(response.source, (*at, j)))
                for j, b in enumerate(raw)
                if isinstance(b, dict)
                and isinstance(b.get("title"), str)
                and isinstance(b.get("payload"), str)
            ]
        return []


def yaml_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and p.suffix.lower() in (".yml", ".yaml") and not p.name.startswith(".")
    )


def _map(project: Project, source: Source, data: Any, at: DataPath, what: str) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise project.fail(f"{what} must be a map", Origin(source, at))
    return data


def read_domain(project: Project) -> Domain:
    root = project.root
    files = [p for p in (root / "domain.yml", root / "domain.yaml") if p.is_file()]
    files += yaml_files(root / "domain")
    if not files:
        raise project.fail("no domain.yml or domain/ folder: a Rasa project needs its domain")
    domain = Domain()
    for path in files:
        source = project.read(path)
        assert source is not None  # required files raise instead
        data = _map(project, source, source.data, (), "a domain file")
        domain.sources.append(source)
        for name, raw in _map(
            project, source, data.get("responses"), ("responses",), "responses"
        ).items():
            if not isinstance(raw, list):
                raise project.fail(
                    f"response '{name}' must be a list of variants",
                    Origin(source, ("responses", name)),
                )
            domain.responses.setdefault(str(name), Response(str(name), source, raw))
        for name, raw in _map(project, source, data.get("slots"), ("slots",), "slots").items():
            domain.slots.setdefault(str(name), Origin(source, ("slots", name)))
            if isinstance(raw, dict) and isinstance(raw.get("type"), str):
                domain.slot_types.setdefault(str(name), raw["type"])
        for name, raw in _map(project, source, data.get("forms"), ("forms",), "forms").items():
            domain.forms.setdefault(str(name), (source, raw))
        for key, table in (("actions", domain.actions), ("intents", domain.intents)):
            items = data.get(key)
            if items is None:
                continue
            if not isinstance(items, list):
                raise project.fail(f"{key} must be a list", Origin(source, (key,)))
            for i, item in enumerate(items):
                entry: Any = next(iter(item), None) if isinstance(item, dict) else item
                if isinstance(entry, str):
                    table.setdefault(entry, Origin(source, (key, i)))
    return domain


def read_config(project: Project) -> tuple[list[str], Source | None, dict[str, Any]]:
    """The bot's languages from config.yml (Rasa's default is en) and the config itself."""
    path = next(
        (p for p in (project.root / "config.yml", project.root / "config.yaml") if p.is_file()),
        None,
    )
    source = project.read(path, required=False) if path is not None else None
    config: dict[str, Any] = (
        source.data if source is not None and isinstance(source.data, dict) else {}
    )
    languages: list[str] = []
    for raw in [config.get("language"), *(config.get("additional_languages") or [])]:
        code = str(raw).split("_")[0].split("-")[0].lower() if raw else ""
        if re.fullmatch(r"[a-z]{2}", code) and code not in languages:
            languages.append(code)
    return (languages or ["en"]), source, config


def examples(raw: Any) -> list[str]:
    """NLU examples without entity annotations: [Amazon](vendor_name) -> Amazon."""
    if isinstance(raw, str):
        lines = [
            line.strip()[2:].strip() for line in raw.splitlines() if line.strip().startswith("- ")
        ]
    elif isinstance(raw, list):
        texts = [e.get("text") if isinstance(e, dict) else e for e in raw]
        lines = [text for text in texts if isinstance(text, str)]
    else:
        return []
    return [plain(line) for line in lines if line]


def plain(text: str) -> str:
    """A customer's words without entity annotations: [Amazon](vendor_name) -> Amazon."""
    return _ANNOTATION.sub(r"\1", text)


def custom_texts(raw: Any, at: DataPath) -> Iterator[tuple[str, DataPath]]:
    """The texts a custom payload shows (its `text` and `title` strings)."""
    if isinstance(raw, dict):
        for key, value in raw.items():
            if key in ("text", "title") and isinstance(value, str):
                yield value, (*at, key)
            else:
                yield from custom_texts(value, (*at, key))
    elif isinstance(raw, list):
        for i, value in enumerate(raw):
            yield from custom_texts(value, (*at, i))
