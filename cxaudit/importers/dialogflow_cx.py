"""Dialogflow CX exports (an unpacked agent folder) as flow data, format version 1.

How the export maps onto a flow file:

- a CX flow is a flow; its start page is a step ``<flow>.start``; every page is a step named
  after the page (qualified with its flow when several flows have a page of that name);
- intent routes are ``on`` edges; condition routes and targeted events are the bot's own
  branches, written as ``options`` whose label holds only an ``x-condition`` (no text);
- a route or handler that says something, transfers or calls a webhook on the way becomes a
  step of its own (``<page>.<intent>``, ``<page>.route3``, ``<page>.no-match-3``);
- form parameters and personal intent parameters are ``collect`` steps; their fields are
  ``privacy.data`` entries with ``basis: undeclared`` (the export gives no purpose or legal
  basis, so CX09 reports them until ``cxaudit.overlay.yaml`` declares them);
- ``sys.no-match-N`` handlers are fallbacks: the first one that leaves the page is ``then``, the
  ones before it are retries; handlers that only re-prompt for ever are a fallback to the step
  itself, a loop CX03 reports;
- ``liveAgentHandoff``, ``telephonyTransferCall`` and ``END_FLOW_WITH_HUMAN_ESCALATION`` are
  handoffs to a ``humans`` entry each; a flow that ends returns to the pages that called it;
- a playbook is a flow with one ``generate`` step whose prompt is its goal and instructions;
- SSML tags are removed from texts; a text that is only a parameter reference
  (``$flow.failure_msg``) is kept under an ``x-dialogflow`` key, not as words;
- rich-content chips are options of the page that waits, where the intent route they name leads;
- a custom entity type that enumerates a few choices (``day``/``month``/``year``) is not
  personal data, and a date is personal data only as a birth date.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from cxaudit.importers.base import Project, Source
from cxaudit.importers.dialogflow import (
    SSML_TAG,
    WELCOME_INTENT,
    Importer,
    Origin,
    Said,
    Step,
    as_list,
    as_map,
    as_str,
    category_of,
    language_of,
    languages_of,
    record_steps,
    slug,
    text_of_parts,
)
from cxaudit.locations import DataPath

# Symbolic targets, as the export writes them (display form) and as the API does.
_END_FLOW = {"End Flow": "END_FLOW", "END_FLOW": "END_FLOW"}
_END_FLOW |= {
    "END_FLOW_WITH_FAILURE": "END_FLOW_WITH_FAILURE",
    "End Flow With Failure": "END_FLOW_WITH_FAILURE",
    "END_FLOW_WITH_CANCELLATION": "END_FLOW_WITH_CANCELLATION",
    "End Flow With Cancellation": "END_FLOW_WITH_CANCELLATION",
}
_ESCALATION = {"END_FLOW_WITH_HUMAN_ESCALATION", "End Flow With Human Escalation"}
_END_SESSION = {"End Session", "END_SESSION"}
_CURRENT = {"Current Page", "CURRENT_PAGE"}
_PREVIOUS = {"Previous Page", "PREVIOUS_PAGE"}
_START = {"Start Page", "START_PAGE"}

_HUMANS = {  # fulfilment kind -> (humans id, channel)
    "liveAgentHandoff": ("live_agent", "live_chat"),
    "telephonyTransferCall": ("telephony_transfer", "phone"),
    "escalation": ("human_escalation", "live_chat"),
}
_SILENT_MESSAGES = {"conversationSuccess", "endInteraction", "languageCode", "channel"}
_NO_MATCH = re.compile(r"^sys\.no-match-(\d+)$")

_CHOICE_KINDS = {"KIND_MAP", "KIND_LIST"}
_MAX_CHOICES = 20  # more values than this are a dictionary of data (names, cities), not a menu
_TRANSFER = re.compile(r"\b(transfer|connect)(ing)? (you|your call)\b", re.IGNORECASE)
_SSML_IN_TEXT = re.compile(  # the SSML tags a text message may hold (not any "<...>")
    r"</?(?:speak|say-as|break|prosody|emphasis|sub|audio|p|s|phoneme|mark|voice|lang|par|seq"
    r"|media|desc)\b[^>]*>",
    re.IGNORECASE,
)
# A parameter reference ($flow.x, $session.params.x, $page.params.x.status, $sys.func.X(...)).
_REFERENCE = re.compile(r"\$(?:flow|session|page|intent|request|sys)(?:\.[\w-]+)+(?:\([^)]*\))?")
_REFERENCE_KEY = "x-dialogflow"
_TURN_KEYS = {"ask", "options", "on", "handoff", "generate"}
_TARGETS = {"targetPage": "a page", "targetFlow": "a flow", "targetPlaybook": "a playbook"}

Located = tuple[Any, Source, DataPath]  # a raw item, its file and its path there


def build(project: Project) -> None:
    """Fill ``project.data`` from the Dialogflow CX export at ``project.root``."""
    _Importer(project).run()


@dataclass
class _Said(Said):
    """What a fulfilment does that the rules care about."""

    # Texts that are only parameter references ("$flow.failure_message"): what they say is set
    # at run time, so they are kept under an x- key where no text rule reads them as words.
    references: list[tuple[str, DataPath]] = field(default_factory=list)
    webhook: tuple[str, DataPath] | None = None
    # Rich-content chips, per payload message: (where the payload is, [(lang, text, where)]).
    # Only a page's entry fulfilment keeps them (``keep_chips``) to place them as options.
    chips: list[tuple[DataPath, list[tuple[str, str, DataPath]]]] = field(default_factory=list)
    keep_chips: bool = False

    @property
    def empty(self) -> bool:
        return (
            not self.texts and not self.references and self.handoff is None and self.webhook is None
        )

    def add(self, lang: str, text: str, at: DataPath) -> None:
        text = text.strip()
        if not text:
            return
        if re.search(r"\w", _REFERENCE.sub("", text)):
            self.texts.setdefault(lang, []).append((text, at))
        elif text not in {t for t, _ in self.references}:
            self.references.append((text, at))


@dataclass
class _Page:
    name: str
    source: Source
    data: dict[str, Any]
    id: str = ""
    step: Step | None = None


@dataclass
class _Flow:
    name: str
    source: Source | None  # None: a playbook (its source is in ``playbook``)
    data: dict[str, Any]
    id: str = ""
    start: str = ""
    pages: dict[str, _Page] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)  # page names whose file could not be read
    steps: list[Step] = field(default_factory=list)
    ends: dict[str, Step] = field(default_factory=dict)  # symbolic target -> its step
    callers: set[str] = field(default_factory=set)  # steps that return here after the flow ends


class _Importer(Importer):
    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.root = project.root
        self.flows: dict[str, _Flow] = {}
        self.playbooks: dict[str, _Flow] = {}
        self.intents: dict[str, str] = {}  # display name -> id
        self.intent_params: dict[str, list[tuple[str, str, Source, DataPath]]] = {}
        self.broken_intents: set[str] = set()
        self.intent_data: list[tuple[dict[str, Any], list[Origin]]] = []
        self.groups: dict[str, list[Located]] = {}
        self.session_end: Step | None = None
        self.entry_intents: dict[str, str] = {}  # intent id -> step: intents that open a chat
        self.phrases: dict[str, set[str]] = {}  # intent name -> its training phrases
        self.choices: dict[str, bool] = {}  # custom entity type -> does it enumerate choices

    # -- reading -----------------------------------------------------------------------------

    def run(self) -> None:
        project = self.project
        agent = project.read(self.root / "agent.json")
        assert agent is not None  # required files raise instead
        data = as_map(agent.data)
        if not isinstance(agent.data, dict):
            raise project.fail("agent.json is not a JSON object", agent)
        self.languages = languages_of(
            data.get("defaultLanguageCode"), data.get("supportedLanguageCodes")
        )
        self.read_intents()
        self.read_groups(self.root / "transitionRouteGroups")
        self.read_flows()
        self.read_playbooks()
        if not self.flows:
            raise project.fail("the export has no flows (flows/<flow>/<flow>.json)", agent)
        self.assign_ids()
        start_name = as_str(data.get("startFlow")) or "Default Start Flow"
        start_flow = self.flows.get(start_name) or next(iter(self.flows.values()))
        for flow in self.flows.values():
            self.build_flow(flow, start_flow is flow)
        for playbook in self.playbooks.values():
            self.build_playbook(playbook)
        self.close_flows(start_flow)
        self.assemble(agent, data, start_flow)

    def read_intents(self) -> None:
        folder = self.root / "intents"
        for directory in sorted(p for p in folder.glob("*") if p.is_dir()):
            file = directory / f"{directory.name}.json"
            source = self.project.read(file, required=False) if file.is_file() else None
            name = unquote(directory.name)
            if source is None or not isinstance(source.data, dict):
                self.broken_intents.add(name)
                continue
            raw = source.data
            name = as_str(raw.get("displayName")) or name
            ident = slug(name)
            while ident in self.intents.values():
                ident += "_"
            self.intents[name] = ident
            entry: dict[str, Any] = {"id": ident}
            origins: list[Origin] = [((), source, ())]
            self.intent_params[name] = [
                (as_str(p.get("id")), as_str(p.get("entityType")), source, ("parameters", i))
                for i, p in enumerate(as_list(raw.get("parameters")))
                if isinstance(p, dict)
            ]
            examples: dict[str, list[str]] = {}
            for phrases_file in sorted((directory / "trainingPhrases").glob("*.json")):
                phrases = self.project.read(phrases_file, required=False)
                if phrases is None:
                    continue
                for i, phrase in enumerate(as_list(as_map(phrases.data).get("trainingPhrases"))):
                    phrase = as_map(phrase)
                    text = text_of_parts(phrase.get("parts"))
                    lang = language_of(phrase.get("languageCode")) or self.languages[0]
                    if not text.strip() or not self.known_language(lang):
                        continue
                    bucket = examples.setdefault(lang, [])
                    path = ("examples", lang, len(bucket))
                    origins.append((path, phrases, ("trainingPhrases", i, "parts", 0, "text")))
                    if len(bucket) == 0:
                        origins.append((("examples", lang), phrases, ("trainingPhrases", i)))
                    bucket.append(text)
                    self.phrases.setdefault(name, set()).add(text)
            if examples:
                entry["examples"] = examples
            self.intent_data.append((entry, origins))

    def read_groups(self, folder: Path) -> None:
        for file in sorted(folder.glob("*.json")):
            source = self.project.read(file, required=False)
            if source is None:
                continue
            raw = as_map(source.data)
            name = as_str(raw.get("displayName")) or unquote(file.stem)
            self.groups[name] = [
                (route, source, ("transitionRoutes", i))
                for i, route in enumerate(as_list(raw.get("transitionRoutes")))
                if isinstance(route, dict)
            ]

    def read_flows(self) -> None:
        folder = self.root / "flows"
        for directory in sorted(p for p in folder.glob("*") if p.is_dir()):
            file = directory / f"{directory.name}.json"
            if not file.is_file():
                candidates = sorted(directory.glob("*.json"))
                if not candidates:
                    self.project.note(
                        "unsupported", None, what=f"the flow folder {self.project.show(directory)}"
                    )
                    continue
                file = candidates[0]
            source = self.project.read(file)
            assert source is not None
            if not isinstance(source.data, dict):
                raise self.project.fail("a flow file is a JSON object", source)
            name = as_str(source.data.get("displayName")) or unquote(directory.name)
            flow = _Flow(name, source, source.data)
            self.read_groups(directory / "transitionRouteGroups")
            for page_file in sorted((directory / "pages").glob("*.json")):
                page_source = self.project.read(page_file, required=False)
                fallback_name = unquote(page_file.stem)
                if page_source is not None and not isinstance(page_source.data, dict):
                    self.project.note(
                        "unreadable-file",
                        None,
                        page_source,
                        file=page_source.display,
                        problem="a page is a JSON object",
                    )
                    page_source = None
                if page_source is None:
                    flow.unreadable.add(fallback_name)
                    continue
                page_name = as_str(page_source.data.get("displayName")) or fallback_name
                if page_name in flow.pages:
                    raise self.project.fail(
                        f"a second page named '{page_name}' in flow '{name}'",
                        page_source,
                        ("displayName",),
                    )
                flow.pages[page_name] = _Page(page_name, page_source, page_source.data)
            self.flows[name] = flow

    def read_playbooks(self) -> None:
        folder = self.root / "playbooks"
        files = [d / f"{d.name}.json" for d in sorted(folder.glob("*")) if d.is_dir()] + sorted(
            folder.glob("*.json")
        )
        for file in files:
            if not file.is_file():
                continue
            source = self.project.read(file, required=False)
            if source is None or not isinstance(source.data, dict):
                continue
            name = as_str(source.data.get("displayName")) or unquote(file.stem)
            playbook = _Flow(name, None, source.data)
            playbook.pages[""] = _Page(name, source, source.data)
            self.playbooks[name] = playbook

    # -- ids for flows and pages -----------------------------------------------------------

    def assign_ids(self) -> None:
        for flow in [*self.flows.values(), *self.playbooks.values()]:
            flow.id = self.claim(slug(flow.name))
        counts: dict[str, int] = {}
        for flow in self.flows.values():
            for page in flow.pages.values():
                counts[slug(page.name)] = counts.get(slug(page.name), 0) + 1
        for flow in self.flows.values():
            flow.start = self.claim(f"{flow.id}.start")
            for page in flow.pages.values():
                base = slug(page.name)
                if counts[base] > 1 or base in self.taken:
                    base = f"{flow.id}.{base}"
                page.id = self.claim(base)

    # -- fulfilments -------------------------------------------------------------------------

    def fulfilment(self, raw: Any, source: Source, at: DataPath, *, chips: bool = False) -> _Said:
        """What a fulfilment says and does; with ``chips`` its rich-content chips are kept for
        the caller to place (else they are an ``unsupported`` note)."""
        said = _Said(keep_chips=chips)
        raw = as_map(raw)
        for i, message in enumerate(as_list(raw.get("messages"))):
            self.message(message, source, (*at, "messages", i), said)
        for i, conditional in enumerate(as_list(raw.get("conditionalCases"))):
            self.cases(conditional, source, (*at, "conditionalCases", i), said)
        webhook = as_str(raw.get("webhook"))
        if webhook:
            tag = as_str(raw.get("tag"))
            said.webhook = (f"{webhook} {tag}".strip(), (*at, "webhook"))
        return said

    def cases(self, raw: Any, source: Source, at: DataPath, said: _Said) -> None:
        for i, case in enumerate(as_list(as_map(raw).get("cases"))):
            for j, content in enumerate(as_list(as_map(case).get("caseContent"))):
                content = as_map(content)
                here = (*at, "cases", i, "caseContent", j)
                if "message" in content:
                    self.message(content["message"], source, (*here, "message"), said)
                if "additionalCases" in content:
                    self.cases(content["additionalCases"], source, (*here, "additionalCases"), said)

    def message(self, raw: Any, source: Source, at: DataPath, said: _Said) -> None:
        message = as_map(raw)
        lang = language_of(message.get("languageCode")) or self.languages[0]
        for kind, value in message.items():
            if kind == "text":
                for i, text in enumerate(as_list(as_map(value).get("text"))):
                    if isinstance(text, str) and text.strip() and self.known_language(lang):
                        if _SSML_IN_TEXT.search(text):  # texts may be SSML for voice channels
                            text = _words_of(_SSML_IN_TEXT.sub(" ", text))
                        said.add(lang, text, (*at, "text", "text", i))
            elif kind == "outputAudioText":
                audio = as_map(value)
                key = "ssml" if "ssml" in audio else "text"
                text = _words_of(SSML_TAG.sub(" ", as_str(audio.get(key))))
                if text and self.known_language(lang):
                    said.add(lang, text, (*at, kind, key))
            elif kind in ("liveAgentHandoff", "telephonyTransferCall"):
                said.handoff = (kind, (*at, kind))
                self.humans.setdefault(kind, (source, (*at, kind)))
            elif kind == "payload":
                if self.known_language(lang):
                    self.payload(value, lang, source, (*at, kind), said)
            elif kind not in _SILENT_MESSAGES:
                self.project.note(
                    "unsupported", None, source, (*at, kind), what=f"a '{kind}' message"
                )

    def payload(self, raw: Any, lang: str, source: Source, at: DataPath, said: _Said) -> None:
        """A custom payload: its ``richContent`` chips are the customer's choices; anything else
        in it is an ``unsupported`` note."""
        payload = as_map(raw)
        chips: list[tuple[str, str, DataPath]] = []
        other = set(payload) != {"richContent"}
        for i, row in enumerate(as_list(payload.get("richContent"))):
            for j, item in enumerate(as_list(row)):
                item = as_map(item)
                if as_str(item.get("type")) != "chips":
                    other = True
                    continue
                for k, chip in enumerate(as_list(item.get("options"))):
                    text = as_str(as_map(chip).get("text")).strip()
                    if text:
                        chips.append((lang, text, ("richContent", i, j, "options", k, "text")))
        chips = [(lang, text, (*at, *where)) for lang, text, where in chips]
        if other or not chips:
            self.project.note("unsupported", None, source, at, what="a 'payload' message")
        if chips and said.keep_chips:
            said.chips.append((at, chips))
        elif chips:
            self.unplaced(source, at, [text for _, text, _ in chips])

    def unplaced(self, source: Source, at: DataPath, texts: list[str]) -> None:
        names = ", ".join(f"'{t}'" for t in texts)
        what = (
            f"where the chip {names} leads" if len(texts) == 1 else f"where the chips {names} lead"
        )
        self.project.note("unsupported", None, source, at, what=what)

    def place_chips(self, step: Step, said: _Said, routes: list[Located], source: Source) -> None:
        """Chips as options of the step that waits for the answer: a chip goes where the route
        of the intent it names leads, when its text is (up to case, spaces and punctuation) one
        of the intent's training phrases, the intent's name or the name of the route's target
        page, and that points at one route only. Other chips are an ``unsupported`` note."""
        on = as_map(step.data.get("on"))
        keys: dict[str, set[str]] = {}  # a normalised chip text -> the steps it may lead to
        for route, _, _ in routes:
            intent = as_str(route.get("intent"))
            goto = on.get(self.intents.get(intent, ""))
            if not isinstance(goto, str):
                continue
            names = {intent, as_str(route.get("targetPage")), *self.phrases.get(intent, ())}
            for name in names:
                if _normal(name):
                    keys.setdefault(_normal(name), set()).add(goto)
        options: list[dict[str, Any]] = as_list(step.data.get("options"))
        first = len(options)  # the chips' options come after the routes' own branches
        placeable = "next" not in step.data and bool(on)
        for payload_at, chips in said.chips:
            left: list[str] = []
            for lang, text, where in chips:
                targets = keys.get(_normal(text), set()) if placeable else set()
                if len(targets) != 1:
                    left.append(text)
                    continue
                goto = next(iter(targets))
                i = next(  # the same chip in another language is the same option
                    (
                        n
                        for n in range(first, len(options))
                        if options[n]["goto"] == goto and lang not in options[n]["label"]
                    ),
                    len(options),
                )
                if i == len(options):
                    options.append({"label": {}, "goto": goto})
                    step.mark(("options", i), source, where)
                    step.mark(("options", i, "goto"), source, where)
                options[i]["label"][lang] = text
                step.mark(("options", i, "label", lang), source, where)
            if left:
                self.unplaced(source, payload_at, left)
        if options:
            step.data["options"] = options

    # -- building steps ----------------------------------------------------------------------

    def new_step(self, flow: _Flow, ident: str, source: Source, at: DataPath) -> Step:
        step = Step({"id": ident})
        step.mark((), source, at)
        flow.steps.append(step)
        return step

    def put_text(self, step: Step, key: str, said: _Said, source: Source) -> None:
        if not said.texts and not said.references:
            return
        text: dict[str, str] = {
            lang: "\n".join(t for t, _ in texts) for lang, texts in said.texts.items()
        }
        first = next(iter(said.texts.values()))[0][1] if said.texts else said.references[0][1]
        step.mark((key,), source, first)
        for lang, texts in said.texts.items():
            step.mark((key, lang), source, texts[0][1])
        if said.references:
            text[_REFERENCE_KEY] = "\n".join(t for t, _ in said.references)
            step.mark((key, _REFERENCE_KEY), source, said.references[0][1])
        step.data[key] = text

    def put_effects(self, step: Step, said: _Said, source: Source) -> None:
        if said.handoff is not None:
            kind, at = said.handoff
            step.data["handoff"] = _HUMANS[kind][0]
            step.mark(("handoff",), source, at)
        if said.webhook is not None:
            action, at = said.webhook
            step.data["action"] = action
            step.mark(("action",), source, at)
            self.mark_agreement(step, (action,), source, at)

    def via(
        self,
        flow: _Flow,
        owner: str,
        suffix: str,
        fulfilment: Any,
        source: Source,
        at: DataPath,
        target: str | None,
    ) -> str | None:
        """Where a route or handler leads: its target, or a step of its own when it says or
        does something on the way (a route without a target stays on ``owner``)."""
        said = self.fulfilment(fulfilment, source, (*at, "triggerFulfillment"))
        if said.empty:
            return target
        step = self.new_step(flow, self.claim(f"{owner}.{suffix}"), source, at)
        self.put_text(step, "say", said, source)
        self.put_effects(step, said, source)
        if target is not None or "handoff" not in step.data:
            step.data["next"] = target if target is not None else owner
            step.mark(("next",), source, at)
        return step.id

    def target(
        self, flow: _Flow, owner: str, route: dict[str, Any], source: Source, at: DataPath
    ) -> tuple[str | None, bool]:
        """The step a route or handler names (None: it stays), and whether it names one that
        exists (False for a page whose file could not be read)."""
        for key, what in _TARGETS.items():
            if key in route and not isinstance(route[key], str):
                raise self.project.fail(
                    f"{key} must be {what} name, got {_kind(route[key])}", source, (*at, key)
                )
        if "targetPage" in route:
            name = as_str(route["targetPage"])
            where = (*at, "targetPage")
            if name in flow.pages:
                return flow.pages[name].id, True
            if name in _END_FLOW:
                return self.flow_end(flow, _END_FLOW[name], source, where).id, True
            if name in _ESCALATION:
                return self.flow_end(flow, "END_FLOW_WITH_HUMAN_ESCALATION", source, where).id, True
            if name in _END_SESSION:
                return self.end_session(flow, source, where), True
            if name in _CURRENT:
                return owner, True
            if name in _START:
                return flow.start, True
            if name in _PREVIOUS:
                return self.previous(flow, owner, source, where), True
            if name in flow.unreadable:
                return None, False
            raise self.project.fail(f"'{name}' names no page of flow '{flow.name}'", source, where)
        if "targetFlow" in route:
            name = as_str(route["targetFlow"])
            if name not in self.flows:
                raise self.project.fail(
                    f"'{name}' names no flow of this agent", source, (*at, "targetFlow")
                )
            self.flows[name].callers.add(owner)
            return self.flows[name].id, True
        if "targetPlaybook" in route:
            name = as_str(route["targetPlaybook"])
            if name not in self.playbooks:
                raise self.project.fail(
                    f"'{name}' names no playbook of this agent", source, (*at, "targetPlaybook")
                )
            return self.playbooks[name].id, True
        return None, True

    def flow_end(self, flow: _Flow, kind: str, source: Source, at: DataPath) -> Step:
        if kind not in flow.ends:
            step = self.new_step(flow, self.claim(f"{flow.id}.{kind}"), source, at)
            if kind == "END_FLOW_WITH_HUMAN_ESCALATION":
                step.data["handoff"] = _HUMANS["escalation"][0]
                step.mark(("handoff",), source, at)
                self.humans.setdefault("escalation", (source, at))
            flow.ends[kind] = step
        return flow.ends[kind]

    def end_session(self, flow: _Flow, source: Source, at: DataPath) -> str:
        if self.session_end is None:
            self.session_end = self.new_step(flow, self.claim("END_SESSION"), source, at)
            self.session_end.data["end"] = True
        return self.session_end.id

    def previous(self, flow: _Flow, owner: str, source: Source, at: DataPath) -> str:
        """PREVIOUS_PAGE: back to the pages of the flow that lead to this one."""
        page_name = next((p.name for p in flow.pages.values() if owner.startswith(p.id)), None)
        sources = sorted(
            page.id
            for page in flow.pages.values()
            if any(
                as_str(as_map(route).get("targetPage")) == page_name
                for route, _, _ in self.routes_of(page.data, page.source)
            )
        )
        if len(sources) == 1:
            return sources[0]
        step = self.new_step(flow, self.claim(f"{owner}.previous"), source, at)
        if sources:
            step.data["options"] = [
                {"label": {"x-condition": f"came from {s}"}, "goto": s} for s in sources
            ]
        return step.id

    def routes_of(self, raw: dict[str, Any], source: Source) -> list[Located]:
        routes: list[Located] = [
            (route, source, ("transitionRoutes", i))
            for i, route in enumerate(as_list(raw.get("transitionRoutes")))
            if isinstance(route, dict)
        ]
        for i, name in enumerate(as_list(raw.get("transitionRouteGroups"))):
            group = unquote(as_str(name).rsplit("/", 1)[-1])
            if group not in self.groups:
                raise self.project.fail(
                    f"'{group}' names no transition route group of this agent",
                    source,
                    ("transitionRouteGroups", i),
                )
            routes += self.groups[group]
        return routes

    def wire(
        self,
        flow: _Flow,
        step: Step,
        owner: str,
        routes: list[Located],
        events: list[Located],
    ) -> None:
        """Give ``step`` the edges of a page's routes and targeted event handlers."""
        on: dict[str, list[tuple[str, str, Source, DataPath]]] = {}
        branches: list[tuple[dict[str, str], str, Source, DataPath]] = []
        for n, (route, source, at) in enumerate(routes, start=1):
            intent_name = as_str(route.get("intent"))
            if intent_name and intent_name not in self.intents:
                if intent_name in self.broken_intents:
                    continue
                raise self.project.fail(
                    f"'{intent_name}' names no intent of this agent", source, (*at, "intent")
                )
            target, exists = self.target(flow, owner, route, source, at)
            if not exists:
                continue
            suffix = self.intents[intent_name] if intent_name else f"route{n}"
            goto = self.via(
                flow, owner, suffix, route.get("triggerFulfillment"), source, at, target
            )
            if goto is None:
                continue
            condition = as_str(route.get("condition")) or "true"
            if intent_name:
                on.setdefault(self.intents[intent_name], []).append((goto, condition, source, at))
            else:
                branches.append(({"x-condition": condition}, goto, source, at))
        for handler, source, at in events:
            target, exists = self.target(flow, owner, handler, source, at)
            if target is None or not exists:
                continue
            event = as_str(handler.get("event"))
            goto = self.via(
                flow, owner, slug(event), handler.get("triggerFulfillment"), source, at, target
            )
            if goto is not None:
                branches.append(({"x-event": event}, goto, source, at))
        if on:
            step.data["on"] = {}
            for intent, choices in on.items():
                goto, _, source, at = choices[0]
                if len({c[0] for c in choices}) > 1:
                    branch = self.new_step(flow, self.claim(f"{owner}.{intent}"), source, at)
                    branch.data["options"] = [
                        {"label": {"x-condition": cond}, "goto": g} for g, cond, _, _ in choices
                    ]
                    for i, (_, _, src, where) in enumerate(choices):
                        branch.mark(("options", i), src, where)
                    goto = branch.id
                step.data["on"][intent] = goto
                step.mark(("on", intent), source, (*at, "intent"))
        if len(branches) == 1 and "next" not in step.data:
            _, goto, source, at = branches[0]
            step.data["next"] = goto
            step.mark(("next",), source, at)
        elif branches:
            step.data["options"] = [
                {"label": label, "goto": goto} for label, goto, _, _ in branches
            ]
            for i, (_, _, source, at) in enumerate(branches):
                step.mark(("options", i), source, at)

    def fallback(self, flow: _Flow, step: Step, scopes: list[list[Located]]) -> None:
        """The no-match handlers of a customer turn as its fallback (innermost scope first)."""
        tables: list[dict[str, Located]] = []
        highest = 0
        for scope in scopes:
            table: dict[str, Located] = {}
            for handler, source, at in scope:
                event = as_str(handler.get("event"))
                table.setdefault(event, (handler, source, at))
                found = _NO_MATCH.match(event)
                if found:
                    highest = max(highest, int(found.group(1)))
            tables.append(table)
        for k in range(1, highest + 2):
            chosen = next(
                (
                    table.get(f"sys.no-match-{k}") or table["sys.no-match-default"]
                    for table in tables
                    if f"sys.no-match-{k}" in table or "sys.no-match-default" in table
                ),
                None,
            )
            if chosen is None:
                continue
            handler, source, at = chosen
            target, exists = self.target(flow, step.id, handler, source, at)
            if target is None or not exists:
                continue
            event = as_str(handler.get("event"))
            goto = self.via(
                flow, step.id, slug(event), handler.get("triggerFulfillment"), source, at, target
            )
            step.data["fallback"] = {"retries": k - 1, "then": goto}
            step.mark(("fallback",), source, at)
            return
        # No handler ever leaves: the bot asks again for as long as the customer tries.
        step.data["fallback"] = step.id
        last = next((t for table in tables for t in table.values()), None)
        if last is not None:
            step.mark(("fallback",), last[1], last[2])

    def is_choice(self, entity: str) -> bool:
        """Does a custom entity type enumerate choices (``day``, ``month``, ``year``; ``debit
        card``, ``credit card``) rather than hold the customer's own data? Its file says: a
        ``KIND_MAP`` or ``KIND_LIST`` of at most ``_MAX_CHOICES`` values, each a word or phrase
        (no digits, no ``@other_entity`` parts), not expanded automatically. System entity types
        are never read here."""
        name = entity.lstrip("@")
        if not name or name.startswith("sys."):
            return False
        if name not in self.choices:
            self.choices[name] = self.read_choice(name)
        return self.choices[name]

    def read_choice(self, name: str) -> bool:
        folder = self.root / "entityTypes"
        directory = next(
            (folder / d for d in (name, quote(name, safe=" ")) if (folder / d).is_dir()), None
        )
        if directory is None:
            return False
        file = directory / f"{directory.name}.json"
        source = self.project.read(file, required=False) if file.is_file() else None
        raw = as_map(source.data if source is not None else None)
        if as_str(raw.get("kind")) not in _CHOICE_KINDS:
            return False
        if as_str(raw.get("autoExpansionMode")) not in ("", "AUTO_EXPANSION_MODE_UNSPECIFIED"):
            return False  # the list grows with what customers say: not a closed set
        files = sorted((directory / "entities").glob("*.json"))
        preferred = [f for f in files if language_of(f.stem) == self.languages[0]]
        entities = self.project.read((preferred or files)[0], required=False) if files else None
        values = [
            as_str(as_map(e).get("value"))
            for e in as_list(as_map(entities and entities.data).get("entities"))
        ]
        return 0 < len(values) <= _MAX_CHOICES and all(
            re.search(r"[^\W\d_]", v) and not re.search(r"[\d@]", v) for v in values
        )

    def collect(self, step: Step, name: str, entity: str, source: Source, at: DataPath) -> bool:
        """Mark ``step`` as collecting a parameter when it is personal data."""
        field_name = slug(re.sub(r"^\$(flow|session|page\.params)\.", "", name))
        category = category_of(field_name, entity, choices=self.is_choice(entity))
        if category is None:
            return False
        step.data["collect"] = field_name
        step.mark(("collect",), source, at)
        if field_name not in self.undeclared:
            entry = {"field": field_name, "category": category, "basis": "undeclared"}
            if entity:
                entry["x-entity-type"] = entity
            self.undeclared[field_name] = (entry, source, at)
        return True

    # -- flows, pages and playbooks ----------------------------------------------------------

    def build_flow(self, flow: _Flow, is_start: bool) -> None:
        assert flow.source is not None
        source, raw = flow.source, flow.data
        flow_routes = self.routes_of(raw, source)
        flow_events: list[Located] = [
            (h, source, ("eventHandlers", i))
            for i, h in enumerate(as_list(raw.get("eventHandlers")))
            if isinstance(h, dict)
        ]
        intent_routes = [r for r in flow_routes if as_str(r[0].get("intent"))]
        condition_routes = [r for r in flow_routes if not as_str(r[0].get("intent"))]
        start = self.new_step(flow, flow.start, source, ())
        if is_start:
            welcome = [r for r in intent_routes if r[0].get("intent") == WELCOME_INTENT]
            others = [r for r in intent_routes if r[0].get("intent") != WELCOME_INTENT]
            if welcome:
                route, src, at = welcome[0]
                target, _ = self.target(flow, start.id, route, src, at)
                goto = self.via(
                    flow, start.id, "welcome", route.get("triggerFulfillment"), src, at, target
                )
                if goto is not None:
                    start.data["next"] = goto
                    start.mark(("next",), src, at)
            self.wire(flow, start, start.id, [*others, *condition_routes], [])
            self.entry_intents = {
                intent: goto for intent, goto in as_map(start.data.get("on")).items()
            }
            for intent in (WELCOME_INTENT,):
                if intent in self.intents and "next" in start.data:
                    self.entry_intents[self.intents[intent]] = start.data["next"]
        elif condition_routes:
            self.wire(flow, start, start.id, condition_routes, [])
        else:  # the start page waits for the customer
            if intent_routes:
                start.data["ask"] = ""
                start.mark(("ask",), source, ("transitionRoutes",))
                self.fallback(flow, start, [flow_events])
            self.wire(flow, start, start.id, intent_routes, [])
        for page in flow.pages.values():
            self.build_page(flow, page, intent_routes, flow_events)

    def build_page(
        self,
        flow: _Flow,
        page: _Page,
        flow_intent_routes: list[Located],
        flow_events: list[Located],
    ) -> None:
        source, raw = page.source, page.data
        step = self.new_step(flow, page.id, source, ())
        page.step = step
        entry = self.fulfilment(
            raw.get("entryFulfillment"), source, ("entryFulfillment",), chips=True
        )
        routes = self.routes_of(raw, source)
        events: list[Located] = [
            (h, source, ("eventHandlers", i))
            for i, h in enumerate(as_list(raw.get("eventHandlers")))
            if isinstance(h, dict)
        ]
        other_events = [e for e in events if not as_str(e[0].get("event")).startswith("sys.no-")]
        parameters = [
            (p, ("form", "parameters", i))
            for i, p in enumerate(as_list(as_map(raw.get("form")).get("parameters")))
            if isinstance(p, dict)
        ]
        own_intents = {as_str(r[0].get("intent")) for r in routes if as_str(r[0].get("intent"))}
        waits = bool(own_intents or parameters)
        # Flow-level intent routes work on every page of the flow that waits for the customer.
        if waits:
            routes += [r for r in flow_intent_routes if r[0].get("intent") not in own_intents]
        self.put_effects(step, entry, source)
        last = step
        if not parameters:
            self.put_text(step, "ask" if waits else "say", entry, source)
            if waits:
                step.data.setdefault("ask", "")
                step.mark(("ask",), source, ("transitionRoutes",))
                self.fallback(flow, step, [events, flow_events])
                for intent in sorted(own_intents):
                    for name, entity, src, at in self.intent_params.get(intent, []):
                        if self.collect(step, name, entity, src, at):
                            break
                    if "collect" in step.data:
                        break
        for n, (parameter, at) in enumerate(parameters):
            behaviour = as_map(parameter.get("fillBehavior"))
            prompt = self.fulfilment(
                behaviour.get("initialPromptFulfillment"),
                source,
                (*at, "fillBehavior", "initialPromptFulfillment"),
            )
            if n == 0:
                current = step
                self.put_text(
                    step, "say" if prompt.texts or prompt.references else "ask", entry, source
                )
            else:
                name = slug(as_str(parameter.get("displayName")) or f"parameter{n + 1}")
                current = self.new_step(flow, self.claim(f"{page.id}.{name}"), source, at)
                last.data["next"] = current.id
                last.mark(("next",), source, at)
            self.put_text(current, "ask", prompt, source)
            current.data.setdefault("ask", "")
            current.mark(("ask",), source, at)
            self.collect(
                current,
                as_str(parameter.get("displayName")),
                as_str(parameter.get("entityType")),
                source,
                (*at, "displayName"),
            )
            reprompts: list[Located] = [
                (h, source, (*at, "fillBehavior", "repromptEventHandlers", i))
                for i, h in enumerate(as_list(behaviour.get("repromptEventHandlers")))
                if isinstance(h, dict)
            ]
            self.fallback(flow, current, [reprompts, events, flow_events])
            last = current
        self.wire(flow, last, page.id, routes, other_events)
        if entry.chips:
            if last is step and waits:
                self.place_chips(step, entry, routes, source)
            else:  # the customer answers a form's question first: where chips lead is unclear
                for payload_at, chips in entry.chips:
                    self.unplaced(source, payload_at, [text for _, text, _ in chips])

    def build_playbook(self, playbook: _Flow) -> None:
        page = playbook.pages[""]
        source, raw = page.source, page.data
        lines = [f"Goal: {as_str(raw.get('goal'))}"] if as_str(raw.get("goal")) else []
        lines += [
            f"- {text}" for text in _instructions(as_map(raw.get("instruction")).get("steps"))
        ]
        step = self.new_step(playbook, self.claim(f"{playbook.id}.generate"), source, ())
        lang = self.languages[0]
        step.data["generate"] = {"prompt": {lang: "\n".join(lines) or playbook.name}}
        step.mark(("generate",), source, ())
        at: DataPath = (
            ("instruction",) if "instruction" in raw else ("goal",) if "goal" in raw else ()
        )
        step.mark(("generate", "prompt", lang), source, at)
        self.project.note("generated-text", None, source, (), name=playbook.name)

    # -- after all flows ---------------------------------------------------------------------

    def close_flows(self, start_flow: _Flow) -> None:
        """A flow that ends returns to the steps that called it (the start flow ends the chat).

        A page whose only way on is the escalation becomes the handoff itself, so that what it
        says is what the customer hears as the handoff.
        """
        for flow in self.flows.values():
            escalation = flow.ends.get("END_FLOW_WITH_HUMAN_ESCALATION")
            if escalation is not None:
                for step in flow.steps:
                    if step.data.get("next") == escalation.id and not _TURN_KEYS & set(step.data):
                        del step.data["next"]
                        step.data["handoff"] = _HUMANS["escalation"][0]
                        step.origins += [
                            (("handoff",), source, at)
                            for relative, source, at in escalation.origins
                            if relative == ()
                        ]
                referenced = {ref for step in flow.steps for ref in _references(step.data)}
                if escalation.id not in referenced:
                    flow.steps.remove(escalation)
            for kind, step in flow.ends.items():
                if kind == "END_FLOW_WITH_HUMAN_ESCALATION":
                    continue
                callers = sorted(flow.callers)
                if flow is start_flow or not callers:
                    step.data["end"] = True
                elif len(callers) == 1:
                    step.data["next"] = callers[0]
                else:
                    step.data["options"] = [
                        {"label": {"x-condition": f"called from {c}"}, "goto": c} for c in callers
                    ]

    def assemble(self, agent: Source, data: dict[str, Any], start_flow: _Flow) -> None:
        project = self.project
        bot: dict[str, Any] = {
            "name": as_str(data.get("displayName")) or project.display,
            "languages": self.languages,
            "start": start_flow.start,
        }
        doc: dict[str, Any] = {"cxaudit": 1, "bot": bot}
        project.origin(("bot",), agent, ())
        project.origin(("bot", "name"), agent, ("displayName",))
        project.origin(("bot", "languages"), agent, ("defaultLanguageCode",))
        humans = self.humans_entries(_HUMANS)
        if humans:
            doc["humans"] = humans
        privacy: dict[str, Any] = {}
        data_entries = self.privacy_entries()
        if data_entries:
            privacy["data"] = data_entries
        # The export names no privacy policy, and no human team unless a handoff names one.
        self.note_not_in_export(humans, without_humans=False, has_policy=False)
        for step_id in self.agreements:
            project.note(
                "not-in-export",
                "CX08",
                what=f"whether the back end confirms '{step_id}' in writing",
                section="waivers",
            )
        if privacy:
            doc["privacy"] = privacy
        intents: list[dict[str, Any]] = []
        for entry, origins in self.intent_data:
            goto = self.entry_intents.get(entry["id"])
            if goto is not None:
                entry["goto"] = goto
            for relative, source, at in origins:
                project.origin(("intents", len(intents), *relative), source, at)
            intents.append(entry)
        if intents:
            doc["intents"] = intents
        flows: list[dict[str, Any]] = []
        for flow in [*self.flows.values(), *self.playbooks.values()]:
            if not flow.steps:
                continue
            fi = len(flows)
            flows.append({"id": flow.id, "steps": [s.data for s in flow.steps]})
            first = flow.source or flow.pages[""].source
            project.origin(("flows", fi), first, ())
            record_steps(project, fi, flow.steps)
        doc["flows"] = flows
        self.warn_transfers()
        project.data = doc

    def warn_transfers(self) -> None:
        """Texts that promise a transfer no step along the way makes."""
        flows = [*self.flows.values(), *self.playbooks.values()]
        steps = {s.id: s for flow in flows for s in flow.steps}
        first = {flow.id: flow.steps[0].id for flow in flows if flow.steps}
        for step in steps.values():
            say = as_map(step.data.get("say"))
            words = [t for k, t in say.items() if not k.startswith("x-") and isinstance(t, str)]
            if not any(_TRANSFER.search(t) for t in words):
                continue
            seen: set[str] = set()
            current: str | None = step.id
            while current in steps and current not in seen and "handoff" not in steps[current].data:
                seen.add(current)
                onward = steps[current].data.get("next")
                current = first.get(onward, onward) if isinstance(onward, str) else None
            if current in steps and "handoff" in steps[current].data:
                continue
            origin = next((o for o in step.origins if o[0] == ("say",)), None)
            source, at = (origin[1], origin[2]) if origin is not None else (None, ())
            self.project.note("says-transfer-without-handoff", "CX02", source, at, name=step.id)


def _references(step: dict[str, Any]) -> Iterator[str]:
    """The step ids a built step leads to."""
    if isinstance(step.get("next"), str):
        yield step["next"]
    for option in as_list(step.get("options")):
        yield as_str(as_map(option).get("goto"))
    yield from (v for v in as_map(step.get("on")).values() if isinstance(v, str))
    fallback = step.get("fallback")
    yield fallback if isinstance(fallback, str) else as_str(as_map(fallback).get("then"))


def _normal(text: str) -> str:
    """A name or phrase compared loosely: lower case, words only ("No_Signal" = "no signal")."""
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def _kind(value: Any) -> str:
    """What a JSON value is, for a message ("a list", "an object", "null")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _words_of(text: str) -> str:
    """A text with its tags already replaced by spaces, as one line of words (SSML tags and
    line breaks leave no space before a comma or a full stop, and entities are decoded)."""
    return re.sub(r"\s+([,.;:!?])", r"\1", " ".join(html.unescape(text).split()))


def _instructions(raw: Any) -> Iterator[str]:
    for step in as_list(raw):
        step = as_map(step)
        if as_str(step.get("text")):
            yield as_str(step["text"])
        yield from _instructions(step.get("steps"))
