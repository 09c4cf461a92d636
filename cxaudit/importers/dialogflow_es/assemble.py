"""Building the flow of a Dialogflow ES export: a step per intent (after the prompts of its
required parameters), the edges its contexts make, and the flow file's other sections.

See the package's docstring for the mapping; this module holds it, intent by intent.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import Any

from cxaudit.evidence import words_of
from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Flow, Step
from cxaudit.importers.dialogflow import (
    HUMANS,
    NOTHING,
    WELCOME_INTENT,
    Texts,
    as_list,
    as_map,
    as_str,
    category_of,
    language_of,
    slug,
)
from cxaudit.importers.dialogflow_es.messages import put_text, said_by, warn_transfer
from cxaudit.importers.dialogflow_es.read import Agent, EsIntent, closed_list

_WELCOME_EVENTS = ("WELCOME", "GOOGLE_ASSISTANT_WELCOME")
# Who a customer asks to call them back, for it to be a person (a bot may ring back too).
_CALLERS = frozenset(
    {"someone", "somebody", "person", "human", "agent", "broker", "advisor", "adviser",
     "consultant", "representative", "banker", "specialist", "expert", "staff", "employee"}
)  # fmt: skip
_WEBHOOK_TEXT = "the webhook answers, in code the export does not hold"


def build_intent(agent: Agent, intent: EsIntent) -> None:
    """The intent's step, after one ``ask`` step per required parameter with prompts."""
    source = intent.source
    response, at = intent.response
    parameters = [
        (p, Origin(source, (*at, "parameters", j)))
        for j, p in enumerate(as_list(response.get("parameters")))
        if isinstance(p, dict)
    ]
    chain: list[Step] = []
    spoken: list[tuple[dict[str, Any], Origin]] = []
    for parameter, where in parameters:
        prompts: Texts = {}
        for k, prompt in enumerate(as_list(parameter.get("prompts"))):
            prompt = as_map(prompt)
            lang = language_of(prompt.get("lang")) or agent.languages[0]
            value = as_str(prompt.get("value"))
            if value.strip() and agent.known_language(lang):
                prompts.setdefault(lang, []).append((value, (*where.at, "prompts", k, "value")))
        if parameter.get("required") is not True or not prompts:
            spoken.append((parameter, where))
            continue
        name = as_str(parameter.get("name")) or f"parameter{len(chain) + 1}"
        step = agent.new_step(agent.claim(f"{intent.id}.{slug(name)}"), where)
        put_text(step, "ask", prompts, source)
        lang = agent.languages[0] if agent.languages[0] in prompts else next(iter(prompts))
        question = "\n".join(text for text, _ in prompts[lang])
        _collect(agent, step, parameter, where, (question, lang))
        # Dialogflow prompts again until the parameter is filled.
        step.set("fallback", step.id, where)
        if chain:
            chain[-1].set("next", step.id, where)
        chain.append(step)
    main = agent.new_step(intent.id, Origin(source))
    intent.step = main
    if chain:
        chain[-1].set("next", main.id, Origin(source, at))
    intent.entry = chain[0].id if chain else main.id
    for parameter, where in spoken:  # said with the intent: collected where it matches
        _collect(agent, main, parameter, where, (None, agent.languages[0]), at_most_one=True)


def _collect(
    agent: Agent,
    step: Step,
    parameter: dict[str, Any],
    origin: Origin,
    question: tuple[str | None, str],
    *,
    at_most_one: bool = False,
) -> bool:
    """Mark ``step`` as collecting a parameter when it is personal data (one per step), judged
    by its name and entity type and the ``question`` that asks for it (and its language); a
    custom entity that is a fixed list of values is a choice, not the customer's data."""
    if not as_str(parameter.get("name")).strip():
        return False
    name = slug(as_str(parameter.get("name")))
    entity = as_str(parameter.get("dataType"))
    asked, lang = question
    choices = closed_list(agent, entity)
    category = category_of(name, entity, question=asked, language=lang, choices=choices)
    if category is None:
        return False
    agent.flow.personal(name, category, origin.below("name"), entity)
    if at_most_one and "collect" in step.data:
        return True
    step.set("collect", name, origin.below("name"))
    return True


def wire_contexts(agent: Agent) -> None:
    """Intents with input contexts are edges from the steps whose output contexts they need."""
    intents = agent.intents
    by_id = {as_str(i.raw.get("id")): i for i in intents if as_str(i.raw.get("id"))}
    for gated in intents:
        if not gated.inputs:
            continue
        providers = [i for i in intents if gated.inputs <= set(i.outputs)]
        parent = by_id.get(as_str(gated.raw.get("parentId")))
        if not providers and parent is not None:
            providers = [parent]
        for provider in providers:
            step = provider.step
            if step is None:
                continue
            needed = sorted(gated.inputs & set(provider.outputs))
            if needed:
                where = Origin(provider.source, provider.outputs[needed[0]])
            else:
                where = Origin(gated.source, ("parentId",))
            if gated.fallback:
                step.data.setdefault("fallback", gated.entry)
                step.mark(("fallback",), Origin(gated.source, ("fallbackIntent",)))
            else:
                step.data.setdefault("on", {})[gated.id] = gated.entry
                step.mark(("on", gated.id), where)


def finish(agent: Agent, intent: EsIntent) -> None:
    """Give the intent's step its text, and say whether the customer must answer."""
    step = intent.step
    assert step is not None
    source, raw = intent.source, intent.raw
    response, at = intent.response
    said = said_by(agent, intent)
    texts = said.chosen()
    ends = raw.get("endInteraction") is True or response.get("endInteraction") is True
    if said.handoff is not None:
        kind, where = said.handoff
        put_text(step, "say", texts, source)
        step.set("handoff", HUMANS[kind][0], Origin(source, where))
        step.data.pop("on", None)
        step.data.pop("fallback", None)
    elif ends:
        put_text(step, "say", texts, source)
        if not texts and raw.get("webhookUsed") is True:
            step.data["say"] = {"x-dialogflow": _WEBHOOK_TEXT}
        end_at = ("endInteraction",) if "endInteraction" in raw else (*at, "endInteraction")
        step.set("end", True, Origin(source, end_at))
        step.data.pop("on", None)
        step.data.pop("fallback", None)
    else:
        put_text(step, "ask", texts, source)
        if not texts:
            webhook = raw.get("webhookUsed") is True
            asked: Any = {"x-dialogflow": _WEBHOOK_TEXT} if webhook else ""
            step.set("ask", asked, Origin(source, ("webhookUsed",) if webhook else at))
        if "on" not in step.data:
            step.data["end"] = True  # no follow-up waits: the chat may end here
    if raw.get("webhookUsed") is True:
        action = as_str(response.get("action")) or intent.name
        step.set("action", action, Origin(source, ("webhookUsed",)))
        agent.webhooks.append(intent.name)
        called = Origin(source, ("webhookUsed",))
        agent.mark_agreement(step, (action, intent.name), called, webhook=True)
    agent.mark_text_agreement(step, texts, source)
    if said.handoff is None:
        warn_transfer(agent, step, texts, source)


def callbacks(agent: Agent) -> None:
    """A call back by a person that a webhook arranges is a way to a person: an intent without
    input contexts whose name asks for a call (``general.call_me``, ``request_callback``),
    whose training phrases ask a person to call (``Have a broker call me``) and whose chain of
    follow-up intents calls a webhook. The handoff is where that chain ends (the last webhook
    step that waits for nothing but a retry); the agent receives what the chain collects."""
    by_step = {i.step.id: i for i in agent.intents if i.step is not None}
    for root in agent.intents:
        if root.inputs or root.step is None or not _asks_callback(root.name):
            continue
        phrases = {w for found in root.examples.values() for t, _ in found for w in words_of(t)}
        if not phrases & _CALLERS:
            continue
        chain, todo = [root], [root]
        while todo:
            step = todo.pop().step
            for goto in as_map(step.data.get("on") if step else None).values():
                nxt = by_step.get(goto)
                if nxt is not None and nxt not in chain and _asks_callback(nxt.name):
                    chain.append(nxt)
                    todo.append(nxt)
        collected = any("collect" in i.step.data for i in chain if i.step is not None)
        for intent in chain:
            step = intent.step
            onward = set(as_map(step.data.get("on")).values()) - {step.id} if step else {""}
            if step is None or onward or intent.raw.get("webhookUsed") is not True:
                continue
            where = Origin(intent.source, ("webhookUsed",))
            step.set("handoff", HUMANS["callback"][0], where)
            for key in ("on", "fallback", "end"):
                step.data.pop(key, None)
            agent.met_handoff(
                "callback", where, frozenset({"collected_data"}) if collected else NOTHING
            )


def _asks_callback(name: str) -> bool:
    """Does a name ask for a call back (``call_me``, ``callback``, ``call back``)?"""
    words = words_of(name)
    pairs = set(pairwise(words))
    return "callback" in words or bool(pairs & {("call", "me"), ("call", "back")})


def start_of(agent: Agent) -> EsIntent:
    """The intent a conversation starts with."""
    for event in _WELCOME_EVENTS:
        for intent in agent.intents:
            names = {
                as_str(as_map(e).get("name")).upper() for e in as_list(intent.raw.get("events"))
            }
            if event in names and not intent.fallback:
                return intent
    named = [i for i in agent.intents if i.name == WELCOME_INTENT]
    openers = [i for i in agent.intents if not i.fallback and not i.inputs]
    return (named or openers or [i for i in agent.intents if not i.fallback])[0]


def openers_of(agent: Agent, start: EsIntent) -> list[EsIntent]:
    """Every intent a conversation opens with, the bot speaking first: the start, and each
    other intent a welcome event triggers (``WELCOME-WEB``, ``WELCOME_SMS``: a channel or a
    campaign that opens with its own greeting) or marked ``input.welcome``, that says
    something of its own."""
    found = [start]
    for intent in agent.intents:
        if intent is start or intent.fallback or intent.inputs:
            continue
        events = [as_str(as_map(e).get("name")).upper() for e in as_list(intent.raw.get("events"))]
        welcome = any("WELCOME" in event for event in events) or (
            as_str(intent.response[0].get("action")) == "input.welcome" and bool(events)
        )
        speaks = intent.step is not None and any(
            _says(intent.step.data.get(key)) for key in ("say", "ask")
        )
        if welcome and speaks:
            found.append(intent)
    return found


def _says(text: object) -> bool:
    """Is there a text for the customer (not only an ``x-`` note on the webhook's words)?"""
    if isinstance(text, dict):
        return any(not str(key).startswith("x-") for key in text)
    return isinstance(text, str) and bool(text)


def assemble(agent: Agent, source: Source, data: dict[str, Any], start: EsIntent) -> None:
    """The flow file: the bot, its humans, fallback, privacy, intents and one flow, and the
    notes on what the export cannot say."""
    project, built = agent.project, agent.flow
    name = as_str(data.get("displayName")) or as_str(data.get("name"))
    shown = Path(project.display.rstrip("/")).name
    built.bot = {
        "name": name
        or (Path(shown).stem if Path(shown).suffix in (".zip", ".blob") else shown)
        or "Dialogflow ES agent",
        "languages": agent.languages,
    }
    openers = openers_of(agent, start)
    built.bot["start"] = start.entry if len(openers) == 1 else [i.entry for i in openers]
    built.mark(("bot",), Origin(source))
    named = next((key for key in ("displayName", "name") if as_str(data.get(key))), None)
    built.mark(("bot", "name"), Origin(source, (named,) if named else ()))
    built.mark(("bot", "languages"), Origin(source, ("language",) if "language" in data else ()))
    built.mark(("bot", "start"), Origin(start.source))
    if len(openers) > 1:
        for k, intent in enumerate(openers):
            built.mark(("bot", "start", k), Origin(intent.source, ("events",)))
    agent.settle_agreements()
    agent.add_humans()
    defaults = [i for i in agent.intents if i.fallback and not i.inputs]
    if defaults:
        built.escalation = {"fallback": {"retries": 0, "then": defaults[0].entry}}
        built.mark(("escalation", "fallback"), Origin(defaults[0].source, ("fallbackIntent",)))
    assistant = as_map(as_map(data.get("googleAssistant")).get("oAuthLinking"))
    policy = as_str(assistant.get("privacyPolicyUrl"))
    if policy.strip():
        built.policy_url = policy
        where = ("googleAssistant", "oAuthLinking", "privacyPolicyUrl")
        built.mark(("privacy", "policy_url"), Origin(source, where))
    _intents(agent)
    flow_id = agent.claim(slug(built.bot["name"]))
    built.flows.append(Flow(flow_id, Origin(source), agent.steps))
    built.emit()
    agent.declare_handoff()
    _notes(agent, source)


def _intents(agent: Agent) -> None:
    """Every intent but the fallbacks; those without input contexts open a conversation."""
    for intent in agent.intents:
        if intent.fallback:
            continue
        entry = agent.flow.intent(intent.id)
        entry.mark((), Origin(intent.source))
        if intent.examples:
            entry.data["examples"] = {}
            for lang, found in intent.examples.items():
                entry.data["examples"][lang] = [text for text, _ in found]
                entry.mark(("examples", lang), Origin(found[0][1].source))
                for k, (_, origin) in enumerate(found):
                    entry.mark(("examples", lang, k), origin)
        events = as_list(intent.raw.get("events"))
        if not intent.inputs and (intent.examples or events):
            entry.data["goto"] = intent.entry
            if intent.examples:
                entry.data["global"] = True


def _notes(agent: Agent, source: Source) -> None:
    project = agent.project
    if agent.webhooks:
        at = ("webhook",) if "webhook" in as_map(source.data) else ()
        project.unsupported("webhook-code", Origin(source, at), names=agent.webhooks)
