"""Dialogflow ES exports (``agent.json`` and ``intents/``) as flow data, format version 1.

An ES agent is a set of intents; after each response the bot listens, and the next intent is
chosen by what the customer says and which contexts are active. How that maps onto a flow file:

- every intent is a step named after it (``general.call_me.yes``); its text is its response in
  each language of ``agent.json`` (all variants, one per line); platform-specific texts
  (``simple_response``, ``telephony_synthesize_speech``) count only when the intent has no
  default-platform text;
- the bot listens after every response, so each step is a customer turn (its text is
  ``ask``; a webhook's words are code, noted in an ``x-dialogflow`` key); where no follow-up
  intent waits, the conversation may also end there (``end: true``, as the Rasa importer does
  where a rule ends: the customer may just leave, or say any global intent);
  ``endInteraction`` makes it a ``say`` step that ends the chat;
- the intent with the ``WELCOME`` event (else ``GOOGLE_ASSISTANT_WELCOME``, else the
  "Default Welcome Intent") is the start;
- intents without input contexts can match at any turn: global intents whose examples are the
  training phrases (``<intent>_usersays_<lang>.json``) and whose ``goto`` is their step; an
  intent reached only by an event leads to its step without being global;
- intents with input contexts (follow-up intents among them) are ``on`` edges from every step
  whose output contexts (``affectedContexts`` with a lifespan) cover them; when none does, from
  the step of the ``parentId`` intent. Contexts outlive one turn (their lifespan); the flow
  keeps only the turn right after the step that sets them;
- a required parameter with prompts is an ``ask`` step before the intent's step
  (``<intent>.<parameter>``); Dialogflow prompts again until it is filled, so its fallback is
  itself. A parameter whose name or entity type says it holds personal data (judged as the
  Dialogflow CX importer does, except for custom entities that are a fixed list of values such
  as account types) is ``collect``-ed there, or at the intent's step when the customer gives it
  in the utterance; each field is a ``privacy.data`` entry with ``basis: undeclared``;
- a fallback intent without input contexts is ``escalation.fallback``; one with input contexts
  is the fallback of the steps that set those contexts;
- a ``telephony_transfer_call`` message is a handoff to ``telephony_transfer`` (phone), a live
  agent handoff (``liveAgentHandoff`` on the intent or as a message, a custom payload naming a
  handoff) one to ``live_agent`` (live chat); a text that promises a transfer no step makes is a
  ``says-transfer-without-handoff`` note;
- what a webhook says and decides is code outside the export: those steps get ``action`` (the
  intent's action name, with an ``agreement`` when it names a payment, cancellation, refund or
  booking) and an ``unsupported`` note lists them;
- the Actions-on-Google privacy policy URL in ``agent.json`` is ``privacy.policy_url``; what
  the export cannot say (the human team's hours and waits, what an agent receives at a handoff,
  the privacy policy otherwise, written confirmations, upset routing, the sector) are
  ``not-in-export`` notes for ``cxaudit.overlay.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxaudit.importers.base import Project, Source
from cxaudit.importers.dialogflow import (
    SSML_TAG,
    WELCOME_INTENT,
    Importer,
    Said,
    Step,
    Texts,
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
from cxaudit.importers.load import es_agent
from cxaudit.lexicon import find
from cxaudit.locations import DataPath

_USERSAYS = re.compile(r"^(?P<intent>.+)_usersays_(?P<lang>[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)$")
_WELCOME_EVENTS = ("WELCOME", "GOOGLE_ASSISTANT_WELCOME")
_HUMANS = {  # kind of transfer -> (humans id, channel)
    "live_agent": ("live_agent", "live_chat"),
    "telephony_transfer": ("telephony_transfer", "phone"),
}
_HANDOFF_PAYLOAD = re.compile(r"live.?agent|hand.?off|hand.?over|human.?agent", re.IGNORECASE)
# Message types that show or play something without words cxaudit checks (cards, chips,
# images, audio); type numbers are the default platform's: 1 card, 3 image.
_SILENT = frozenset(
    {
        "1",
        "3",
        "basic_card",
        "browse_carousel_card",
        "carousel_card",
        "image",
        "link_out_chip",
        "list_card",
        "media_content",
        "suggestion_chips",
        "table_card",
        "telephony_play_audio",
    }
)
_WEBHOOK_TEXT = "the webhook answers, in code the export does not hold"


def build(project: Project) -> None:
    """Fill ``project.data`` from the Dialogflow ES export at ``project.root``."""
    _Importer(project).run()


def _strings(value: Any) -> Iterator[tuple[str, DataPath]]:
    """The non-empty strings of a ``speech`` value (one string or a list), with their paths."""
    if isinstance(value, str):
        if value.strip():
            yield value, ()
    else:
        for i, item in enumerate(as_list(value)):
            if isinstance(item, str) and item.strip():
                yield item, (i,)


@dataclass
class _Said(Said):
    """What a response does that the rules care about."""

    platform: Texts = field(default_factory=dict)

    def chosen(self) -> Texts:
        """The default platform's texts; a platform's only when there are none."""
        return self.texts or self.platform


@dataclass
class _Intent:
    name: str
    source: Source
    raw: dict[str, Any]
    id: str = ""
    inputs: frozenset[str] = frozenset()  # input context names, lower case
    outputs: dict[str, DataPath] = field(default_factory=dict)  # output context -> where set
    examples: dict[str, list[tuple[str, Source, DataPath]]] = field(default_factory=dict)
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


class _Importer(Importer):
    def __init__(self, project: Project) -> None:
        super().__init__(project)
        self.intents: list[_Intent] = []
        self.steps: list[Step] = []
        self.webhooks: list[str] = []
        self.entities: Path = project.root / "entities"
        self.lists: dict[str, bool] = {}  # custom entity -> is it a fixed list of values

    # -- reading -----------------------------------------------------------------------------

    def run(self) -> None:
        project = self.project
        folder = es_agent(project.root) or project.root
        agent = project.read(folder / "agent.json")
        assert agent is not None  # required files raise instead
        if not isinstance(agent.data, dict):
            raise project.fail("agent.json is not a JSON object", agent)
        data = agent.data
        self.languages = languages_of(data.get("language"), data.get("supportedLanguages"))
        # Most exports keep intents/ beside agent.json; some templates keep it one level up.
        intents = folder / "intents"
        if not intents.is_dir() and (project.root / "intents").is_dir():
            intents = project.root / "intents"
        entities = folder / "entities"
        self.entities = entities if entities.is_dir() else project.root / "entities"
        self.read_intents(intents)
        if not any(not i.fallback for i in self.intents):
            raise project.fail("the export has no intents (intents/<intent>.json)", agent)
        for intent in self.intents:
            intent.id = self.claim(slug(intent.name))
        # Steps in reading order, the start first and the fallbacks last.
        start = self.start()
        order = [start, *(i for i in self.intents if i is not start and not i.fallback)]
        for intent in [*order, *(i for i in self.intents if i.fallback)]:
            self.build_intent(intent)
        self.wire_contexts()
        for intent in self.intents:
            self.finish(intent)
        self.assemble(agent, data, start)

    def read_intents(self, folder: Path) -> None:
        files = sorted(folder.glob("*.json"))
        stems = {file.stem for file in files}
        phrases: dict[str, list[tuple[str, Path]]] = {}
        for file in files:
            found = _USERSAYS.match(file.stem)
            if found and found.group("intent") in stems:
                phrases.setdefault(found.group("intent"), []).append((found.group("lang"), file))
        for file in files:
            found = _USERSAYS.match(file.stem)
            if found and found.group("intent") in stems:
                continue
            source = self.project.read(file, required=False)
            if source is None:
                continue
            if not isinstance(source.data, dict):
                self.project.note(
                    "unreadable-file",
                    None,
                    source,
                    file=source.display,
                    problem="an intent is a JSON object",
                )
                continue
            intent = _Intent(as_str(source.data.get("name")) or file.stem, source, source.data)
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
                self.read_phrases(intent, language_of(lang), phrases_file)
            self.intents.append(intent)

    def read_phrases(self, intent: _Intent, lang: str, file: Path) -> None:
        source = self.project.read(file, required=False)
        if source is None or not self.known_language(lang):
            return
        if intent.phrases is None:
            intent.phrases = source
        for i, phrase in enumerate(as_list(source.data)):
            text = text_of_parts(as_map(phrase).get("data"))
            if text.strip():
                intent.examples.setdefault(lang, []).append((text, source, (i, "data")))

    # -- responses ---------------------------------------------------------------------------

    def said(self, intent: _Intent) -> _Said:
        said = _Said()
        source = intent.source
        response, at = intent.response
        for i, raw in enumerate(as_list(response.get("messages"))):
            self.message(as_map(raw), source, (*at, "messages", i), said)
        if intent.raw.get("liveAgentHandoff") is True and said.handoff is None:
            said.handoff = ("live_agent", ("liveAgentHandoff",))
        if said.handoff is not None:
            self.humans.setdefault(said.handoff[0], (source, said.handoff[1]))
        return said

    def message(self, message: dict[str, Any], source: Source, at: DataPath, said: _Said) -> None:
        kind = str(message.get("type") if message.get("type") is not None else 0)
        lang = language_of(message.get("lang")) or self.languages[0]
        platform = as_str(message.get("platform"))
        texts = said.platform if platform else said.texts
        found: list[tuple[str, DataPath]] = []
        if kind == "0":
            found = [(t, (*at, "speech", *p)) for t, p in _strings(message.get("speech"))]
        elif kind == "2":  # quick replies: the title is said, the replies are suggestions
            found = [(t, (*at, "title")) for t, _ in _strings(message.get("title"))]
        elif kind == "simple_response":
            key = "displayText" if as_str(message.get("displayText")).strip() else "textToSpeech"
            found = [(t, (*at, key)) for t, _ in _strings(message.get(key))]
        elif kind == "simple_responses":
            for i, item in enumerate(as_list(message.get("items"))):
                item = as_map(item)
                key = "displayText" if as_str(item.get("displayText")).strip() else "textToSpeech"
                found += [(t, (*at, "items", i, key)) for t, _ in _strings(item.get(key))]
        elif kind == "telephony_synthesize_speech":
            key = "text" if as_str(message.get("text")).strip() else "ssml"
            text = " ".join(SSML_TAG.sub(" ", as_str(message.get(key))).split())
            found = [(text, (*at, key))] if text else []
        elif kind in ("telephony_transfer_call", "telephonyTransferCall") or (
            "telephonyTransferCall" in message
        ):
            said.handoff = ("telephony_transfer", at)
        elif kind == "liveAgentHandoff" or "liveAgentHandoff" in message:
            said.handoff = ("live_agent", at)
        elif kind in ("4", "custom_payload"):
            if _names_handoff(message.get("payload")):
                said.handoff = ("live_agent", (*at, "payload"))
            else:
                self.project.note(
                    "unsupported", None, source, (*at, "type"), what="a custom payload message"
                )
        elif kind not in _SILENT:
            self.project.note(
                "unsupported", None, source, (*at, "type"), what=f"a '{kind}' message"
            )
        if found and self.known_language(lang):
            texts.setdefault(lang, []).extend(found)

    # -- building steps ----------------------------------------------------------------------

    def new_step(self, ident: str, source: Source, at: DataPath) -> Step:
        step = Step({"id": ident})
        step.mark((), source, at)
        self.steps.append(step)
        return step

    def put_text(self, step: Step, key: str, texts: Texts, source: Source) -> None:
        if not texts:
            return
        step.data[key] = {lang: "\n".join(t for t, _ in found) for lang, found in texts.items()}
        first = next(iter(texts.values()))[0][1]
        step.mark((key,), source, first)
        for lang, found in texts.items():
            step.mark((key, lang), source, found[0][1])

    def build_intent(self, intent: _Intent) -> None:
        source = intent.source
        response, at = intent.response
        parameters = [
            (p, (*at, "parameters", j))
            for j, p in enumerate(as_list(response.get("parameters")))
            if isinstance(p, dict)
        ]
        chain: list[Step] = []
        spoken: list[tuple[dict[str, Any], DataPath]] = []
        for parameter, where in parameters:
            prompts: Texts = {}
            for k, prompt in enumerate(as_list(parameter.get("prompts"))):
                prompt = as_map(prompt)
                lang = language_of(prompt.get("lang")) or self.languages[0]
                value = as_str(prompt.get("value"))
                if value.strip() and self.known_language(lang):
                    prompts.setdefault(lang, []).append((value, (*where, "prompts", k, "value")))
            if parameter.get("required") is not True or not prompts:
                spoken.append((parameter, where))
                continue
            name = as_str(parameter.get("name")) or f"parameter{len(chain) + 1}"
            step = self.new_step(self.claim(f"{intent.id}.{slug(name)}"), source, where)
            self.put_text(step, "ask", prompts, source)
            self.collect(step, parameter, source, where)
            # Dialogflow prompts again until the parameter is filled.
            step.data["fallback"] = step.id
            step.mark(("fallback",), source, where)
            if chain:
                chain[-1].data["next"] = step.id
                chain[-1].mark(("next",), source, where)
            chain.append(step)
        main = self.new_step(intent.id, source, ())
        intent.step = main
        if chain:
            chain[-1].data["next"] = main.id
            chain[-1].mark(("next",), source, at)
        intent.entry = chain[0].id if chain else main.id
        for parameter, where in spoken:  # said with the intent: collected where it matches
            self.collect(main, parameter, source, where, at_most_one=True)

    def collect(
        self,
        step: Step,
        parameter: dict[str, Any],
        source: Source,
        at: DataPath,
        *,
        at_most_one: bool = False,
    ) -> bool:
        """Mark ``step`` as collecting a parameter when it is personal data (one per step)."""
        if not as_str(parameter.get("name")).strip():
            return False
        name = slug(as_str(parameter.get("name")))
        entity = as_str(parameter.get("dataType"))
        category = category_of(name, entity)
        if category is None or (category_of(name, "") is None and self.closed_list(entity)):
            return False
        if name not in self.undeclared:
            entry = {"field": name, "category": category, "basis": "undeclared"}
            if entity:
                entry["x-entity-type"] = entity
            self.undeclared[name] = (entry, source, (*at, "name"))
        if at_most_one and "collect" in step.data:
            return True
        step.data["collect"] = name
        step.mark(("collect",), source, (*at, "name"))
        return True

    def closed_list(self, entity: str) -> bool:
        """Is a custom entity a fixed list of values (a kind of product, not the customer's
        own data), rather than a pattern or free text?"""
        name = entity.lstrip("@")
        if not name or name.startswith("sys."):
            return False
        if name in self.lists:
            return self.lists[name]
        file = self.entities / f"{name}.json"
        source = self.project.read(file, required=False) if file.is_file() else None
        raw = as_map(source.data if source is not None else None)
        self.lists[name] = bool(raw) and raw.get("isRegexp") is not True
        return self.lists[name]

    def wire_contexts(self) -> None:
        """Intents with input contexts are edges from the steps whose output contexts they need."""
        by_id = {as_str(i.raw.get("id")): i for i in self.intents if as_str(i.raw.get("id"))}
        for gated in self.intents:
            if not gated.inputs:
                continue
            providers = [i for i in self.intents if gated.inputs <= set(i.outputs)]
            parent = by_id.get(as_str(gated.raw.get("parentId")))
            if not providers and parent is not None:
                providers = [parent]
            for provider in providers:
                step = provider.step
                if step is None:
                    continue
                needed = sorted(gated.inputs & set(provider.outputs))
                where = provider.outputs[needed[0]] if needed else ("parentId",)
                source = provider.source if needed else gated.source
                if gated.fallback:
                    step.data.setdefault("fallback", gated.entry)
                    step.mark(("fallback",), gated.source, ("fallbackIntent",))
                else:
                    step.data.setdefault("on", {})[gated.id] = gated.entry
                    step.mark(("on", gated.id), source, where)

    def finish(self, intent: _Intent) -> None:
        """Give the intent's step its text, and say whether the customer must answer."""
        step = intent.step
        assert step is not None
        source, raw = intent.source, intent.raw
        response, at = intent.response
        said = self.said(intent)
        texts = said.chosen()
        ends = raw.get("endInteraction") is True or response.get("endInteraction") is True
        if said.handoff is not None:
            kind, where = said.handoff
            self.put_text(step, "say", texts, source)
            step.data["handoff"] = _HUMANS[kind][0]
            step.mark(("handoff",), source, where)
            step.data.pop("on", None)
            step.data.pop("fallback", None)
        elif ends:
            self.put_text(step, "say", texts, source)
            if not texts and raw.get("webhookUsed") is True:
                step.data["say"] = {"x-dialogflow": _WEBHOOK_TEXT}
            step.data["end"] = True
            where = ("endInteraction",) if "endInteraction" in raw else (*at, "endInteraction")
            step.mark(("end",), source, where)
            step.data.pop("on", None)
            step.data.pop("fallback", None)
        else:
            self.put_text(step, "ask", texts, source)
            if not texts:
                webhook = raw.get("webhookUsed") is True
                step.data["ask"] = {"x-dialogflow": _WEBHOOK_TEXT} if webhook else ""
                step.mark(("ask",), source, ("webhookUsed",) if webhook else at)
            if "on" not in step.data:
                step.data["end"] = True  # no follow-up waits: the chat may end here
        if raw.get("webhookUsed") is True:
            action = as_str(response.get("action")) or intent.name
            step.data["action"] = action
            step.mark(("action",), source, ("webhookUsed",))
            self.webhooks.append(intent.name)
            self.mark_agreement(step, (action, intent.name), source, ("webhookUsed",))
        if said.handoff is None:
            self.warn_transfer(step, texts, source)

    def warn_transfer(self, step: Step, texts: Texts, source: Source) -> None:
        """A text that tells the customer they are being transferred, on a step that is not a
        handoff (an ES response never transfers by itself)."""
        for lang, found in texts.items():
            for text, at in found:
                if text.rstrip().endswith("?"):
                    continue
                if any(m.entry.attrs.get("kind") == "transfer" for m in find("CX04", lang, text)):
                    self.project.note(
                        "says-transfer-without-handoff", "CX02", source, at, name=step.id
                    )
                    return

    # -- the flow ----------------------------------------------------------------------------

    def start(self) -> _Intent:
        for event in _WELCOME_EVENTS:
            for intent in self.intents:
                names = {
                    as_str(as_map(e).get("name")).upper() for e in as_list(intent.raw.get("events"))
                }
                if event in names and not intent.fallback:
                    return intent
        named = [i for i in self.intents if i.name == WELCOME_INTENT]
        openers = [i for i in self.intents if not i.fallback and not i.inputs]
        return (named or openers or [i for i in self.intents if not i.fallback])[0]

    def assemble(self, agent: Source, data: dict[str, Any], start: _Intent) -> None:
        project = self.project
        name = as_str(data.get("displayName")) or as_str(data.get("name"))
        shown = Path(project.display.rstrip("/")).name
        bot: dict[str, Any] = {
            "name": name
            or (Path(shown).stem if Path(shown).suffix in (".zip", ".blob") else shown)
            or "Dialogflow ES agent",
            "languages": self.languages,
        }
        bot["start"] = start.entry
        doc: dict[str, Any] = {"cxaudit": 1, "bot": bot}
        project.origin(("bot",), agent, ())
        project.origin(("bot", "name"), agent, ("displayName",) if name else ())
        project.origin(("bot", "languages"), agent, ("language",))
        project.origin(("bot", "start"), start.source, ())
        humans = self.humans_entries(_HUMANS)
        if humans:
            doc["humans"] = humans
        defaults = [i for i in self.intents if i.fallback and not i.inputs]
        if defaults:
            doc["escalation"] = {"fallback": {"retries": 0, "then": defaults[0].entry}}
            project.origin(("escalation", "fallback"), defaults[0].source, ("fallbackIntent",))
        privacy: dict[str, Any] = {}
        policy = as_str(
            as_map(as_map(data.get("googleAssistant")).get("oAuthLinking")).get("privacyPolicyUrl")
        )
        if policy.strip():
            privacy["policy_url"] = policy
            project.origin(
                ("privacy", "policy_url"),
                agent,
                ("googleAssistant", "oAuthLinking", "privacyPolicyUrl"),
            )
        data_entries = self.privacy_entries()
        if data_entries:
            privacy["data"] = data_entries
        if privacy:
            doc["privacy"] = privacy
        doc["intents"] = self.intent_entries()
        flow_id = self.claim(slug(bot["name"]))
        doc["flows"] = [{"id": flow_id, "steps": [s.data for s in self.steps]}]
        project.origin(("flows", 0), agent, ())
        record_steps(project, 0, self.steps)
        self.notes(agent, humans, "policy_url" in privacy)
        project.data = doc

    def intent_entries(self) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        for intent in self.intents:
            if intent.fallback:
                continue
            entry: dict[str, Any] = {"id": intent.id}
            target = ("intents", len(entries))
            self.project.origin(target, intent.source, ())
            if intent.examples:
                entry["examples"] = {}
                for lang, found in intent.examples.items():
                    entry["examples"][lang] = [text for text, _, _ in found]
                    self.project.origin((*target, "examples", lang), found[0][1], ())
                    for k, (_, source, at) in enumerate(found):
                        self.project.origin((*target, "examples", lang, k), source, at)
            events = as_list(intent.raw.get("events"))
            if not intent.inputs and (intent.examples or events):
                entry["goto"] = intent.entry
                if intent.examples:
                    entry["global"] = True
            entries.append(entry)
        return entries

    def notes(self, agent: Source, humans: list[dict[str, Any]], has_policy: bool) -> None:
        project = self.project
        if self.webhooks:
            listed = ", ".join(self.webhooks[:8])
            more = len(self.webhooks) - 8
            project.note(
                "unsupported",
                None,
                agent,
                ("webhook",) if "webhook" in as_map(agent.data) else (),
                what=f"what the fulfilment webhook says and decides ({listed}"
                f"{f', and {more} more' if more > 0 else ''}: code outside the export)",
            )
        self.note_not_in_export(humans, without_humans=True, has_policy=has_policy)
        if self.agreements:
            project.note(
                "not-in-export",
                "CX08",
                what="whether a back end confirms in writing what was agreed in "
                + ", ".join(self.agreements),
                section="waivers (rule CX08, with the step and the reason)",
            )
        project.note(
            "not-in-export",
            "CX06",
            what="the sector the bot works in (finance, insurance, healthcare, ...)",
            section="bot.sector",
        )


def _names_handoff(payload: Any) -> bool:
    """Does a custom payload ask for a live agent (a key or a value naming a handoff)?"""
    if isinstance(payload, dict):
        return any(
            bool(_HANDOFF_PAYLOAD.search(str(key))) or _names_handoff(value)
            for key, value in payload.items()
        )
    if isinstance(payload, list):
        return any(_names_handoff(item) for item in payload)
    return isinstance(payload, str) and bool(_HANDOFF_PAYLOAD.search(payload))
