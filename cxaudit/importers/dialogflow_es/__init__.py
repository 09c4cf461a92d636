"""Dialogflow ES exports (``agent.json`` and ``intents/``) as flow data, format version 1.

An export without ``agent.json`` (``package.json`` and ``intents/`` with training phrase files)
is read the same way: its languages are those of the training phrase files (the most used
first), its name is ``package.json``'s ``name``, else the folder's.

An ES agent is a set of intents; after each response the bot listens, and the next intent is
chosen by what the customer says and which contexts are active. How that maps onto a flow file
(:mod:`.read` reads the export, :mod:`.messages` the responses, :mod:`.assemble` builds):

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
  "Default Welcome Intent") is the start; every other intent a welcome event triggers
  (``WELCOME-WEB``, ``WELCOME_SMS``: a channel or campaign with its own greeting) opens a
  conversation too, so ``bot.start`` lists them all and CX01 checks each greeting;
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
  in the utterance (judged by the evidence layer from the name and the prompt); each field is a
  ``privacy.data`` entry with ``basis: undeclared``;
- a fallback intent without input contexts is ``escalation.fallback``; one with input contexts
  is the fallback of the steps that set those contexts;
- a ``telephony_transfer_call`` message is a handoff to ``telephony_transfer`` (phone), a live
  agent handoff (``liveAgentHandoff`` on the intent or as a message, a custom payload naming a
  handoff) one to ``live_agent`` (live chat), an action or parameter preset naming a handoff
  (``HANDOVER``) one to ``integration_transfer`` that the client carries out, and a call back a
  person makes (``general.call_me`` with a webhook) one to ``callback``; what each passes is
  ``handoff.context``; a text that promises a transfer no step makes is a
  ``says-transfer-without-handoff`` note;
- what a webhook says and decides is code outside the export: those steps get ``action`` (the
  intent's action name, with an ``agreement`` when it or the intent's name makes one, whose
  written confirmation is ``undeclared``) and a ``webhook-code`` note lists them; a response
  that reports an agreement as made marks its step too;
- the Actions-on-Google privacy policy URL in ``agent.json`` is ``privacy.policy_url``; what
  the export cannot say (the human team's hours and waits, the privacy policy otherwise, upset
  routing) the rules report in Dialogflow's words, naming the ``cxaudit.overlay.yaml`` section.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from cxaudit.importers.base import Origin, Project, Source
from cxaudit.importers.dialogflow import as_map, language_of, languages_of, slug
from cxaudit.importers.dialogflow_es.assemble import (
    assemble,
    build_intent,
    callbacks,
    finish,
    start_of,
    wire_contexts,
)
from cxaudit.importers.dialogflow_es.read import Agent, phrase_files, read_intents
from cxaudit.importers.load import es_agent

#: The file an export cannot do without (see :mod:`cxaudit.importers.load`; the agent may also
#: sit one folder down, which detection finds).
MARKERS = ("agent.json",)


def build(project: Project) -> None:
    """Fill ``project.data`` from the Dialogflow ES export at ``project.root``."""
    agent = Agent(project)
    folder = es_agent(project.root) or project.root
    # Most exports keep intents/ beside agent.json; some templates keep it one level up.
    intents = folder / "intents"
    if not intents.is_dir() and (project.root / "intents").is_dir():
        intents = project.root / "intents"
    source, data = _agent_file(agent, folder, intents)
    entities = folder / "entities"
    agent.entities = entities if entities.is_dir() else project.root / "entities"
    read_intents(agent, intents)
    if not any(not i.fallback for i in agent.intents):
        message = "the export has no intents (intents/<intent>.json)"
        raise project.fail(message, Origin(source) if source is not None else None)
    for intent in agent.intents:
        intent.id = agent.claim(slug(intent.name))
    # Steps in reading order, the start first and the fallbacks last.
    start = start_of(agent)
    order = [start, *(i for i in agent.intents if i is not start and not i.fallback)]
    for intent in [*order, *(i for i in agent.intents if i.fallback)]:
        build_intent(agent, intent)
    wire_contexts(agent)
    for intent in agent.intents:
        finish(agent, intent)
    callbacks(agent)
    assemble(agent, source or start.source, data, start)


def _agent_file(agent: Agent, folder: Path, intents: Path) -> tuple[Source | None, dict[str, Any]]:
    """``agent.json`` and the bot's languages from it; for an export without one, its
    ``package.json`` (if any) and the languages of the training phrase files, the most used
    first (``<intent>_usersays_<lang>.json``)."""
    project = agent.project
    if (folder / "agent.json").is_file():
        source = project.read(folder / "agent.json")
        assert source is not None  # required files raise instead
        if not isinstance(source.data, dict):
            raise project.fail("agent.json is not a JSON object", Origin(source))
        data: dict[str, Any] = source.data
        agent.languages = languages_of(data.get("language"), data.get("supportedLanguages"))
        return source, data
    package = folder / "package.json"
    source = project.read(package, required=False) if package.is_file() else None
    counts = Counter(language_of(lang) for _, lang in phrase_files(intents))
    ranked = sorted(counts, key=lambda lang: (-counts[lang], lang))
    agent.languages = languages_of(ranked[0] if ranked else "en", ranked)
    return source, as_map(source.data if source is not None else None)
