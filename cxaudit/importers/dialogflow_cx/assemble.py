"""Building the flow of a Dialogflow CX export: a step per flow start and page (its entry
fulfilment, form parameters, routes and fallback), a ``generate`` step per playbook, flows that
end going back to where they were called, and the flow file's other sections.

* a page waits for the customer when it has intent routes or form parameters, or no routes
  at all in a flow with intent routes (the flow's are in scope there): its text is
  then asked, and its fallback comes from the no-match handlers; form parameters and personal
  parameters of the intents a page waits for are ``collect``, each field a ``privacy.data``
  entry (``basis: undeclared``) whose category is judged from the system entity, then the
  parameter name and the question that asks for it, then the entity type's name
  (:func:`~cxaudit.importers.dialogflow.category_of`);
* a flow's start page that has condition routes goes on at once when one of them always holds;
  otherwise it waits for the customer, with the flow's intent routes, as a page does;
* the intents the start flow routes can open a conversation (``goto``);
* a page whose only way on is the human escalation is itself the handoff, so its text is the
  announcement; a text that tells the customer they are transferred right before End Session
  is a handoff the integration carries out (``integration_transfer``);
* a text that reports an agreement as made ("Your appointment is booked") marks its step with
  that agreement (:func:`cxaudit.evidence.agreement_of_text`), unless a webhook of the bot makes
  that kind of agreement (then the text reports it);
* a text that promises a transfer (:func:`cxaudit.evidence.promises_transfer`) no step along
  the way makes is a ``says-transfer-without-handoff`` note.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from cxaudit.evidence import promises_transfer
from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Flow, Step
from cxaudit.importers.dialogflow import (
    HUMANS,
    UNDECLARED,
    WELCOME_INTENT,
    as_list,
    as_map,
    as_str,
    category_of,
    slug,
)
from cxaudit.importers.dialogflow_cx.messages import (
    CxSaid,
    fulfilment,
    hands_off,
    place_chips,
    put_effects,
    put_text,
    unplaced,
)
from cxaudit.importers.dialogflow_cx.read import Agent, CxFlow, Located, Page, is_choice
from cxaudit.importers.dialogflow_cx.routes import (
    ESCALATION,
    fallback,
    routes_of,
    target,
    via,
    wire,
)
from cxaudit.locations import DataPath

_TURN_KEYS = {"ask", "options", "on", "handoff", "generate"}


def _events(raw: dict[str, Any], source: Source) -> list[Located]:
    return [
        (h, Origin(source, ("eventHandlers", i)))
        for i, h in enumerate(as_list(raw.get("eventHandlers")))
        if isinstance(h, dict)
    ]


def build_flow(agent: Agent, flow: CxFlow, is_start: bool) -> None:
    assert flow.source is not None
    source, raw = flow.source, flow.data
    flow_routes = routes_of(agent, flow, raw, source)
    flow_events = _events(raw, source)
    intent_routes = [r for r in flow_routes if as_str(r[0].get("intent"))]
    condition_routes = [r for r in flow_routes if not as_str(r[0].get("intent"))]
    start = flow.new_step(flow.start, Origin(source))
    if is_start:
        welcome = [r for r in intent_routes if r[0].get("intent") == WELCOME_INTENT]
        others = [r for r in intent_routes if r[0].get("intent") != WELCOME_INTENT]
        if welcome:
            route, origin = welcome[0]
            goal, _ = target(agent, flow, start.id, route, origin)
            fulfil = route.get("triggerFulfillment")
            goto = via(agent, flow, start.id, "welcome", fulfil, origin, goal)
            if goto is not None:
                start.set("next", goto, origin)
        wire(agent, flow, start, start.id, [*others, *condition_routes], [])
        agent.entry_intents = {
            intent: goto for intent, goto in as_map(start.data.get("on")).items()
        }
        if WELCOME_INTENT in agent.intents and "next" in start.data:
            agent.entry_intents[agent.intents[WELCOME_INTENT]] = start.data["next"]
    elif condition_routes and (not intent_routes or any(map(_goes_on, condition_routes))):
        wire(agent, flow, start, start.id, condition_routes, [])
    else:  # the start page waits for the customer (when no condition holds)
        if intent_routes:
            start.set("ask", "", Origin(source, ("transitionRoutes",)))
            fallback(agent, flow, start, [flow_events])
        wire(agent, flow, start, start.id, [*intent_routes, *condition_routes], [])
    for page in flow.pages.values():
        _build_page(agent, flow, page, intent_routes, flow_events)


def _goes_on(route: Located) -> bool:
    """Does a condition route always hold and lead on (``condition: true`` with a target)?"""
    raw = route[0]
    always = as_str(raw.get("condition")).strip().lower() in ("true", "")
    return always and any(key in raw for key in ("targetPage", "targetFlow", "targetPlaybook"))


def _branches(events: list[Located], *, handoffs_only: bool = False) -> list[Located]:
    """The event handlers that are branches of a page: those that are no ``sys.no-*`` handler
    (no-match handlers are the fallback, no-input ones prompt again), unless ``handoffs_only``,
    and every other one that hands the customer over."""
    found = []
    for handler, origin in events:
        event = as_str(handler.get("event"))
        if event.startswith("sys.no-match"):
            continue
        if (not handoffs_only and not event.startswith("sys.no-")) or hands_off(
            handler.get("triggerFulfillment")
        ):
            found.append((handler, origin))
    return found


def _question(said: CxSaid, lang: str) -> tuple[str | None, str]:
    """What a prompt asks, in the bot's first language if it has it, and that language."""
    texts = said.texts.get(lang) or next(iter(said.texts.values()), None)
    lang = lang if lang in said.texts else next(iter(said.texts), lang)
    return ("\n".join(text for text, _ in texts) if texts else None), lang


def _build_page(
    agent: Agent,
    flow: CxFlow,
    page: Page,
    flow_intent_routes: list[Located],
    flow_events: list[Located],
) -> None:
    source, raw = page.source, page.data
    step = flow.new_step(page.id, Origin(source))
    page.step = step
    entry = fulfilment(
        agent, raw.get("entryFulfillment"), Origin(source, ("entryFulfillment",)), chips=True
    )
    routes = routes_of(agent, flow, raw, source)
    events = _events(raw, source)
    other_events = _branches(events)
    parameters = [
        (p, ("form", "parameters", i))
        for i, p in enumerate(as_list(as_map(raw.get("form")).get("parameters")))
        if isinstance(p, dict)
    ]
    own_intents = {as_str(r[0].get("intent")) for r in routes if as_str(r[0].get("intent"))}
    # A page with no routes of its own waits too, when the flow's intent routes are in scope.
    waits = bool(own_intents or parameters or (flow_intent_routes and not routes))
    # Flow-level intent routes work on every page of the flow that waits for the customer.
    # Flow-level event handlers that hand over work there too.
    if waits:
        routes += [r for r in flow_intent_routes if r[0].get("intent") not in own_intents]
        other_events += _branches(flow_events, handoffs_only=True)
    put_effects(agent, step, entry, source)
    agent.mark_text_agreement(step, entry.texts, source)
    last = step
    if not parameters:
        put_text(step, "ask" if waits else "say", entry, source, agent)
        if waits:
            step.data.setdefault("ask", "")
            where = ("transitionRoutes",) if "transitionRoutes" in raw else ("entryFulfillment",)
            step.mark(("ask",), Origin(source, where))
            fallback(agent, flow, step, [events, flow_events])
            question = _question(entry, agent.languages[0])
            for intent in sorted(own_intents):
                for name, entity, origin in agent.intent_params.get(intent, []):
                    if _collect(agent, step, (name, entity), origin, question):
                        break
                if "collect" in step.data:
                    break
    for n, (parameter, at) in enumerate(parameters):
        here = Origin(source, at)
        behaviour = as_map(parameter.get("fillBehavior"))
        prompt = fulfilment(
            agent,
            behaviour.get("initialPromptFulfillment"),
            here.below("fillBehavior", "initialPromptFulfillment"),
        )
        if n == 0:
            current = step
            put_text(
                step, "say" if prompt.texts or prompt.references else "ask", entry, source, agent
            )
        else:
            name = slug(as_str(parameter.get("displayName")) or f"parameter{n + 1}")
            current = flow.new_step(agent.claim(f"{page.id}.{name}"), here)
            last.set("next", current.id, here)
        put_text(current, "ask", prompt, source, agent)
        put_effects(agent, current, prompt, source)
        current.data.setdefault("ask", "")
        current.mark(("ask",), here)
        named = (as_str(parameter.get("displayName")), as_str(parameter.get("entityType")))
        _collect(
            agent, current, named, here.below("displayName"), _question(prompt, agent.languages[0])
        )
        reprompts: list[Located] = [
            (h, here.below("fillBehavior", "repromptEventHandlers", i))
            for i, h in enumerate(as_list(behaviour.get("repromptEventHandlers")))
            if isinstance(h, dict)
        ]
        fallback(agent, flow, current, [reprompts, events, flow_events])
        last = current
    wire(agent, flow, last, page.id, routes, other_events)
    if entry.chips:
        if last is step and waits:
            place_chips(agent, step, entry, routes, source)
        else:  # the customer answers a form's question first: where chips lead is unclear
            for payload_at, chips in entry.chips:
                unplaced(agent, Origin(source, payload_at), [text for _, text, _ in chips])


def _collect(
    agent: Agent,
    step: Step,
    parameter: tuple[str, str],
    origin: Origin,
    question: tuple[str | None, str],
) -> bool:
    """Mark ``step`` as collecting a parameter (its name and entity type) when it is personal
    data, judged with the ``question`` that asks for it (and its language)."""
    name, entity = parameter
    field_name = slug(re.sub(r"^\$(flow|session|page\.params)\.", "", name))
    asked, lang = question
    choices = is_choice(agent, entity)
    category = category_of(field_name, entity, question=asked, language=lang, choices=choices)
    if category is None:
        return False
    step.set("collect", field_name, origin)
    agent.flow.personal(field_name, category, origin, entity)
    return True


def build_playbook(agent: Agent, playbook: CxFlow) -> None:
    page = playbook.pages[""]
    source, raw = page.source, page.data
    lines = [f"Goal: {as_str(raw.get('goal'))}"] if as_str(raw.get("goal")) else []
    lines += [f"- {text}" for text in _instructions(as_map(raw.get("instruction")).get("steps"))]
    step = playbook.new_step(agent.claim(f"{playbook.id}.generate"), Origin(source))
    lang = agent.languages[0]
    step.set("generate", {"prompt": {lang: "\n".join(lines) or playbook.name}}, Origin(source))
    at: DataPath = ("instruction",) if "instruction" in raw else ("goal",) if "goal" in raw else ()
    step.mark(("generate", "prompt", lang), Origin(source, at))
    agent.project.note("generated-text", None, Origin(source), name=[playbook.name])


def close_flows(agent: Agent, start_flow: CxFlow) -> None:
    """A flow that ends returns to the steps that called it (the start flow ends the chat).

    A page whose only way on is the escalation becomes the handoff itself, so that what it
    says is what the customer hears as the handoff.
    """
    for flow in agent.flows.values():
        escalation = flow.ends.get(ESCALATION)
        if escalation is not None:
            for step in flow.steps:
                if step.data.get("next") == escalation.id and not _TURN_KEYS & set(step.data):
                    del step.data["next"]
                    step.set("handoff", HUMANS["escalation"][0], escalation.origins.get(()))
            referenced = {ref for step in flow.steps for ref in _references(step.data)}
            if escalation.id not in referenced:
                flow.steps.remove(escalation)
        for kind, step in flow.ends.items():
            if kind == ESCALATION:
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


def assemble(agent: Agent, source: Source, data: dict[str, Any], start_flow: CxFlow) -> None:
    """The flow file: the bot, its humans, personal data, intents and flows, and the notes on
    what the export cannot say."""
    project, built = agent.project, agent.flow
    built.bot = {
        "name": as_str(data.get("displayName")) or project.display,
        "languages": agent.languages,
        "start": start_flow.start,
    }
    built.mark(("bot",), Origin(source))
    built.mark(("bot", "name"), Origin(source, ("displayName",)))
    built.mark(("bot", "languages"), Origin(source, ("defaultLanguageCode",)))
    _transfers(agent)
    agent.settle_agreements()
    agent.add_humans()
    for intent in built.intents.values():
        goto = agent.entry_intents.get(intent.id)
        if goto is not None:
            intent.data["goto"] = goto
    for flow in [*agent.flows.values(), *agent.playbooks.values()]:
        first = flow.source or flow.pages[""].source
        built.flows.append(Flow(flow.id, Origin(first), flow.steps))
    built.emit()
    agent.declare_handoff()


def _transfers(agent: Agent) -> None:
    """Texts that promise a transfer (:func:`cxaudit.evidence.promises_transfer`): right
    before the session ends, a handoff the integration carries out; where no step along the
    way hands over, a ``says-transfer-without-handoff`` note."""
    flows = [*agent.flows.values(), *agent.playbooks.values()]
    steps = {s.id: s for flow in flows for s in flow.steps}
    first = {flow.id: flow.steps[0].id for flow in flows if flow.steps}
    for step in steps.values():
        key = "say" if "say" in step.data else "ask"
        said = as_map(step.data.get(key))
        promising = [
            lang
            for lang, text in said.items()
            if not lang.startswith("x-") and isinstance(text, str) and promises_transfer(text, lang)
        ]
        if "handoff" in step.data or not promising:
            continue
        seen: list[str] = []
        current: str | None = step.id
        while current in steps and current not in seen and "handoff" not in steps[current].data:
            seen.append(current)
            onward = steps[current].data.get("next")
            current = first.get(onward, onward) if isinstance(onward, str) else None
        if current in steps and "handoff" in steps[current].data:
            continue
        origin = step.origins.get((key, promising[0]), step.origins.get((key,)))
        on_the_way = [steps[s].data for s in seen]
        ends = current is None and len(on_the_way) > 1 and on_the_way[-1].get("end") is True
        if ends and not any(_TURN_KEYS & set(d) for d in on_the_way) and origin is not None:
            # Said, then the session ends: the integration puts the customer through.
            step.set("handoff", HUMANS["integration"][0], origin)
            agent.met_handoff("integration", origin, UNDECLARED)
            continue
        agent.project.note("says-transfer-without-handoff", "CX02", origin, name=step.id)


def _references(step: dict[str, Any]) -> Iterator[str]:
    """The step ids a built step leads to."""
    if isinstance(step.get("next"), str):
        yield step["next"]
    for option in as_list(step.get("options")):
        yield as_str(as_map(option).get("goto"))
    yield from (v for v in as_map(step.get("on")).values() if isinstance(v, str))
    fallback = step.get("fallback")
    yield fallback if isinstance(fallback, str) else as_str(as_map(fallback).get("then"))


def _instructions(raw: Any) -> Iterator[str]:
    for step in as_list(raw):
        step = as_map(step)
        if as_str(step.get("text")):
            yield as_str(step["text"])
        yield from _instructions(step.get("steps"))
