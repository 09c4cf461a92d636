"""Reading a Dialogflow ES export: its intents (``intents/<intent>.json``), their training
phrases (``<intent>_usersays_<lang>.json``), input and output contexts, and the entities that
are a fixed list of values, into an :class:`Agent` that the other modules build the flow from.

An intent file that is no JSON object is a ``file-not-a-map`` note; training phrases in a
language ``agent.json`` does not list are an ``unlisted-language`` note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import (
    Dialogflow,
    as_list,
    as_map,
    as_str,
    language_of,
    text_of_parts,
)
from cxaudit.locations import DataPath

_USERSAYS = re.compile(r"^(?P<intent>.+)_usersays_(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)$")


@dataclass(eq=False)
class EsIntent:
    name: str
    source: Source
    raw: dict[str, Any]
    id: str = ""
    inputs: frozenset[str] = frozenset()  # input context names, lower case
    outputs: dict[str, DataPath] = field(default_factory=dict)  # output context -> where set
    examples: dict[str, list[tuple[str, Origin]]] = field(default_factory=dict)
    phrases: Source | None = None
    entry: str = ""  # the first step of the intent (a parameter prompt or its own step)
    step: Step | None = None  # the intent's own step, where its response is

    @property
    def fallback(self) -> bool:
        return self.raw.get("fallbackIntent") is True

    @property
    def response(self) -> tuple[dict[str, Any], DataPath]:
        for i, response in enumerate(as_list(self.raw.get("responses"))):
            if isinstance(response, dict):
                return response, ("responses", i)
        return {}, ()


class Agent(Dialogflow):
    """A Dialogflow ES export as read, and what is built from it."""

    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.intents: list[EsIntent] = []
        self.steps: list[Step] = []
        self.webhooks: list[str] = []
        self.entities: Path = project.root / "entities"
        self.lists: dict[str, bool] = {}  # custom entity -> is it a fixed list of values

    def new_step(self, ident: str, origin: Origin) -> Step:
        step = Step(ident)
        step.mark((), origin)
        self.steps.append(step)
        return step


def phrase_files(folder: Path) -> list[tuple[Path, str]]:
    """The training phrase files of ``folder`` (``<intent>_usersays_<lang>.json`` beside an
    ``<intent>.json``) and their language codes."""
    files = sorted(folder.glob("*.json"))
    stems = {file.stem for file in files}
    found = [(file, _USERSAYS.match(file.stem)) for file in files]
    return [(f, m.group("lang")) for f, m in found if m and m.group("intent") in stems]


def read_intents(agent: Agent, folder: Path) -> None:
    project = agent.project
    phrases: dict[str, list[tuple[str, Path]]] = {}
    for file, lang in phrase_files(folder):
        phrases.setdefault(file.stem[: -len(f"_usersays_{lang}")], []).append((lang, file))
    skipped = {file for found in phrases.values() for _, file in found}
    for file in sorted(folder.glob("*.json")):
        if file in skipped:
            continue
        source = project.read(file, required=False)
        if source is None:
            continue
        if not isinstance(source.data, dict):
            project.note("file-not-a-map", None, Origin(source), file=source.display)
            continue
        intent = EsIntent(as_str(source.data.get("name")) or file.stem, source, source.data)
        intent.inputs = frozenset(
            c.lower() for c in as_list(source.data.get("contexts")) if isinstance(c, str) and c
        )
        response, at = intent.response
        for i, context in enumerate(as_list(response.get("affectedContexts"))):
            context = as_map(context)
            name = as_str(context.get("name")).lower()
            lifespan = context.get("lifespan", 5)
            if name and not (isinstance(lifespan, int) and lifespan <= 0):
                intent.outputs.setdefault(name, (*at, "affectedContexts", i))
        for lang, phrases_file in sorted(phrases.get(file.stem, [])):
            _read_phrases(agent, intent, language_of(lang), phrases_file)
        agent.intents.append(intent)


def _read_phrases(agent: Agent, intent: EsIntent, lang: str, file: Path) -> None:
    source = agent.project.read(file, required=False)
    if source is None or not agent.known_language(lang):
        return
    if intent.phrases is None:
        intent.phrases = source
    for i, phrase in enumerate(as_list(source.data)):
        text = text_of_parts(as_map(phrase).get("data"))
        if text.strip():
            intent.examples.setdefault(lang, []).append((text, Origin(source, (i, "data"))))


def closed_list(agent: Agent, entity: str) -> bool:
    """Is a custom entity a fixed list of values (a kind of product, not the customer's
    own data), rather than a pattern or a list that grows with what customers say?"""
    name = entity.lstrip("@")
    if not name or name.startswith("sys."):
        return False
    if name in agent.lists:
        return agent.lists[name]
    file = agent.entities / f"{name}.json"
    source = agent.project.read(file, required=False) if file.is_file() else None
    raw = as_map(source.data if source is not None else None)
    fixed = raw.get("isRegexp") is not True and raw.get("automatedExpansion") is not True
    agent.lists[name] = bool(raw) and fixed
    return agent.lists[name]
