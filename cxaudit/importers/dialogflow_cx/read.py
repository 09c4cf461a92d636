"""Reading a Dialogflow CX export: its intents (with their training phrases and parameters),
transition route groups, flows with their pages, playbooks and entity types, into an
:class:`Agent` that the other modules build the flow from.

A page file that cannot be read is an ``unreadable-file`` note and the routes to it are left
out; a flow folder without a flow file is an ``unreadable-flow-folder`` note. Page ids are the
page's name made an id, qualified with the flow's id when several flows have a page of that
name; each flow's start page is ``<flow>.start``. A custom entity type that lists a few word
choices (``KIND_MAP``, ``KIND_LIST``) is a choice, not the customer's own data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import (
    Dialogflow,
    as_list,
    as_map,
    as_str,
    language_of,
    slug,
    text_of_parts,
)

Located = tuple[dict[str, Any], Origin]  # a raw route or handler and where it is

_CHOICE_KINDS = {"KIND_MAP", "KIND_LIST"}
_MAX_CHOICES = 20  # more values than this are a dictionary of data (names, cities), not a menu


@dataclass(eq=False)
class Page:
    name: str
    source: Source
    data: dict[str, Any]
    id: str = ""
    step: Step | None = None


@dataclass(eq=False)
class CxFlow:
    """A flow of the export (or a playbook) and the steps built from it."""

    name: str
    source: Source | None  # None: a playbook (its source is in ``pages[""]``)
    data: dict[str, Any]
    id: str = ""
    start: str = ""
    pages: dict[str, Page] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)  # page names whose file could not be read
    steps: list[Step] = field(default_factory=list)
    ends: dict[str, Step] = field(default_factory=dict)  # symbolic target -> its step
    callers: set[str] = field(default_factory=set)  # steps that return here after the flow ends
    groups: dict[str, list[Located]] = field(default_factory=dict)  # the flow's route groups

    def new_step(self, ident: str, origin: Origin) -> Step:
        step = Step(ident)
        step.mark((), origin)
        self.steps.append(step)
        return step


@dataclass
class Generator:
    """A generator: the prompt a language model writes a fulfillment's text from."""

    name: str
    prompts: dict[str, tuple[str, Origin]] = field(default_factory=dict)  # language -> prompt


class Agent(Dialogflow):
    """A Dialogflow CX export as read, and what is built from it."""

    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.root = project.root
        self.flows: dict[str, CxFlow] = {}
        self.playbooks: dict[str, CxFlow] = {}
        self.intents: dict[str, str] = {}  # display name -> id
        self.intent_params: dict[str, list[tuple[str, str, Origin]]] = {}
        self.broken_intents: set[str] = set()
        self.groups: dict[str, list[Located]] = {}  # the agent's route groups
        self.escalations: set[str] = set()  # the END_FLOW_WITH_HUMAN_ESCALATION steps
        self.session_end: Step | None = None
        self.entry_intents: dict[str, str] = {}  # intent id -> step: intents that open a chat
        self.phrases: dict[str, set[str]] = {}  # intent name -> its training phrases
        self.choices: dict[str, bool] = {}  # custom entity type -> does it enumerate choices
        # Generators (generative fulfillment), by id: their name and prompt per language.
        self.generators: dict[str, Generator] = {}


def read_intents(agent: Agent) -> None:
    project = agent.project
    folder = agent.root / "intents"
    for directory in sorted(p for p in folder.glob("*") if p.is_dir()):
        file = directory / f"{directory.name}.json"
        source = project.read(file, required=False) if file.is_file() else None
        name = unquote(directory.name)
        if source is None or not isinstance(source.data, dict):
            agent.broken_intents.add(name)
            continue
        raw = source.data
        name = as_str(raw.get("displayName")) or name
        ident = slug(name)
        while ident in agent.intents.values():
            ident += "_"
        agent.intents[name] = ident
        intent = agent.flow.intent(ident)
        intent.mark((), Origin(source))
        agent.intent_params[name] = [
            (as_str(p.get("id")), as_str(p.get("entityType")), Origin(source, ("parameters", i)))
            for i, p in enumerate(as_list(raw.get("parameters")))
            if isinstance(p, dict)
        ]
        examples: dict[str, list[str]] = {}
        for phrases_file in sorted((directory / "trainingPhrases").glob("*.json")):
            phrases = project.read(phrases_file, required=False)
            if phrases is None:
                continue
            for i, phrase in enumerate(as_list(as_map(phrases.data).get("trainingPhrases"))):
                phrase = as_map(phrase)
                text = text_of_parts(phrase.get("parts"))
                lang = language_of(phrase.get("languageCode")) or agent.languages[0]
                if not text.strip() or not agent.known_language(lang):
                    continue
                bucket = examples.setdefault(lang, [])
                at = ("trainingPhrases", i)
                intent.mark(
                    ("examples", lang, len(bucket)), Origin(phrases, (*at, "parts", 0, "text"))
                )
                if len(bucket) == 0:
                    intent.mark(("examples", lang), Origin(phrases, at))
                bucket.append(text)
                agent.phrases.setdefault(name, set()).add(text)
        if examples:
            intent.data["examples"] = examples


def read_groups(agent: Agent, folder: Path, groups: dict[str, list[Located]]) -> None:
    """The route groups in ``folder`` (``<group>.json``, or ``<group>/<group>.json``)."""
    files = sorted(folder.glob("*.json"))
    files += [d / f"{d.name}.json" for d in sorted(folder.glob("*")) if d.is_dir()]
    for file in files:
        source = agent.project.read(file, required=False) if file.is_file() else None
        if source is None:
            continue
        raw = as_map(source.data)
        name = as_str(raw.get("displayName")) or unquote(file.stem)
        groups[name] = [
            (route, Origin(source, ("transitionRoutes", i)))
            for i, route in enumerate(as_list(raw.get("transitionRoutes")))
            if isinstance(route, dict)
        ]


def read_flows(agent: Agent) -> None:
    project = agent.project
    folder = agent.root / "flows"
    for directory in sorted(p for p in folder.glob("*") if p.is_dir()):
        file = directory / f"{directory.name}.json"
        if not file.is_file():
            candidates = sorted(directory.glob("*.json"))
            if not candidates:
                project.unsupported("unreadable-flow-folder", folder=project.show(directory))
                continue
            file = candidates[0]
        source = project.read(file)
        assert source is not None
        if not isinstance(source.data, dict):
            raise project.fail("a flow file is a JSON object", Origin(source))
        name = as_str(source.data.get("displayName")) or unquote(directory.name)
        flow = CxFlow(name, source, source.data)
        read_groups(agent, directory / "transitionRouteGroups", flow.groups)
        for page_file in sorted((directory / "pages").glob("*.json")):
            page_source = project.read(page_file, required=False)
            fallback_name = unquote(page_file.stem)
            if page_source is not None and not isinstance(page_source.data, dict):
                project.note("file-not-a-map", None, Origin(page_source), file=page_source.display)
                page_source = None
            if page_source is None:
                flow.unreadable.add(fallback_name)
                continue
            page_name = as_str(page_source.data.get("displayName")) or fallback_name
            if page_name in flow.pages:
                raise project.fail(
                    f"a second page named '{page_name}' in flow '{name}'",
                    Origin(page_source, ("displayName",)),
                )
            flow.pages[page_name] = Page(page_name, page_source, page_source.data)
        agent.flows[name] = flow


def read_generators(agent: Agent) -> None:
    """``generators/<name>/<name>.json`` (its id, ``name``) and ``phrases/<lang>.json`` (its
    prompt, ``promptTexts``)."""
    folder = agent.root / "generators"
    for directory in sorted(folder.glob("*")) if folder.is_dir() else ():
        if not directory.is_dir():
            continue
        source = agent.project.read(directory / f"{directory.name}.json", required=False)
        if source is None or not isinstance(source.data, dict):
            continue
        ident = as_str(source.data.get("name"))
        generator = Generator(as_str(source.data.get("displayName")) or unquote(directory.name))
        for file in sorted((directory / "phrases").glob("*.json")):
            phrases = agent.project.read(file, required=False)
            if phrases is None:
                continue
            for i, prompt in enumerate(as_list(as_map(phrases.data).get("promptTexts"))):
                text = as_str(as_map(prompt).get("text")).strip()
                lang = language_of(as_map(prompt).get("languageCode")) or language_of(file.stem)
                if text and agent.known_language(lang) and lang not in generator.prompts:
                    generator.prompts[lang] = (text, Origin(phrases, ("promptTexts", i, "text")))
        if ident:
            agent.generators[ident] = generator


def read_playbooks(agent: Agent) -> None:
    folder = agent.root / "playbooks"
    files = [d / f"{d.name}.json" for d in sorted(folder.glob("*")) if d.is_dir()] + sorted(
        folder.glob("*.json")
    )
    for file in files:
        if not file.is_file():
            continue
        source = agent.project.read(file, required=False)
        if source is None or not isinstance(source.data, dict):
            continue
        name = as_str(source.data.get("displayName")) or unquote(file.stem)
        playbook = CxFlow(name, None, source.data)
        playbook.pages[""] = Page(name, source, source.data)
        agent.playbooks[name] = playbook


def assign_ids(agent: Agent) -> None:
    """Ids for flows, playbooks and pages, in one namespace with every other step."""
    for flow in [*agent.flows.values(), *agent.playbooks.values()]:
        flow.id = agent.claim(slug(flow.name))
    counts: dict[str, int] = {}
    for flow in agent.flows.values():
        for page in flow.pages.values():
            counts[slug(page.name)] = counts.get(slug(page.name), 0) + 1
    for flow in agent.flows.values():
        flow.start = agent.claim(f"{flow.id}.start")
        for page in flow.pages.values():
            base = slug(page.name)
            if counts[base] > 1 or base in agent.taken:
                base = f"{flow.id}.{base}"
            page.id = agent.claim(base)


def is_choice(agent: Agent, entity: str) -> bool:
    """Does a custom entity type enumerate choices (``day``, ``month``, ``year``; ``debit
    card``, ``credit card``) rather than hold the customer's own data? Its file says: a
    ``KIND_MAP`` or ``KIND_LIST`` of at most ``_MAX_CHOICES`` values, each a word or phrase
    (no digits, no ``@other_entity`` parts), not expanded automatically. System entity types
    are never read here."""
    name = entity.lstrip("@")
    if not name or name.startswith("sys."):
        return False
    if name not in agent.choices:
        agent.choices[name] = _read_choice(agent, name)
    return agent.choices[name]


def _read_choice(agent: Agent, name: str) -> bool:
    folder = agent.root / "entityTypes"
    directory = next(
        (folder / d for d in (name, quote(name, safe=" ")) if (folder / d).is_dir()), None
    )
    if directory is None:
        return False
    file = directory / f"{directory.name}.json"
    source = agent.project.read(file, required=False) if file.is_file() else None
    raw = as_map(source.data if source is not None else None)
    if as_str(raw.get("kind")) not in _CHOICE_KINDS:
        return False
    if as_str(raw.get("autoExpansionMode")) not in ("", "AUTO_EXPANSION_MODE_UNSPECIFIED"):
        return False  # the list grows with what customers say: not a closed set
    files = sorted((directory / "entities").glob("*.json"))
    preferred = [f for f in files if language_of(f.stem) == agent.languages[0]]
    entities = agent.project.read((preferred or files)[0], required=False) if files else None
    values = [
        as_str(as_map(e).get("value"))
        for e in as_list(as_map(entities and entities.data).get("entities"))
    ]
    return 0 < len(values) <= _MAX_CHOICES and all(
        re.search(r"[^\W\d_]", v) and not re.search(r"[\d@]", v) for v in values
    )
