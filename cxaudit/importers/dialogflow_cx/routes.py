"""Where a Dialogflow CX page goes on: its routes, event handlers and no-match handlers.

* intent routes are ``on`` edges (a flow's own intent routes work on each of its pages that
  wait for the customer; route groups, the flow's own before the agent's, give their routes to
  each page that uses them);
* condition routes and targeted events are the bot's own branches: ``next`` when there is
  one, else ``options`` whose label holds only the condition (an ``x-condition`` or ``x-event``
  key, no text);
* a route or handler that says something, transfers or calls a webhook on the way becomes a
  step of its own (``<page>.<intent>``, ``<page>.route3``, ``<page>.no-match-3``); one without
  a target is kept when it hands the customer over (a ``sys.no-match-3`` with a
  ``liveAgentHandoff``), and dropped otherwise (it only says something and stays);
* ``sys.no-match-N`` handlers (parameter, page, then flow) are the fallback: the first one that
  leaves the page is ``then``, the ones before it are retries; handlers that only prompt again
  make the step its own fallback, a loop CX03 reports; other event handlers that hand over
  (``sys.no-input-3``, ``webhook.error``, the flow's too) are branches of the page;
* symbolic targets: End Flow (and its failure and cancellation) goes back to the pages that
  called the flow, ``END_FLOW_WITH_HUMAN_ESCALATION`` is a handoff the integration carries
  out (what the route to it passes, or ``undeclared``; nothing when it clears the customer's
  data), End Session one ``END_SESSION`` end, Previous Page the pages that lead here.

A route to a page, flow, playbook, intent or route group that does not exist is an input error
at its file, line and column; one to a page whose file could not be read is left out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Step
from cxaudit.importers.dialogflow import HUMANS, as_list, as_map, as_str, slug
from cxaudit.importers.dialogflow_cx.messages import fulfilment, hands_off, put_effects, put_text
from cxaudit.importers.dialogflow_cx.read import Agent, CxFlow, Located

# Symbolic targets, as the export writes them (display form) and as the API does.
_END_FLOW = {"End Flow": "END_FLOW", "END_FLOW": "END_FLOW"}
_END_FLOW |= {
    "END_FLOW_WITH_FAILURE": "END_FLOW_WITH_FAILURE",
    "End Flow With Failure": "END_FLOW_WITH_FAILURE",
    "END_FLOW_WITH_CANCELLATION": "END_FLOW_WITH_CANCELLATION",
    "End Flow With Cancellation": "END_FLOW_WITH_CANCELLATION",
}
ESCALATION = "END_FLOW_WITH_HUMAN_ESCALATION"
_ESCALATION = {ESCALATION, "End Flow With Human Escalation"}
_END_SESSION = {"End Session", "END_SESSION"}
_CURRENT = {"Current Page", "CURRENT_PAGE"}
_PREVIOUS = {"Previous Page", "PREVIOUS_PAGE"}
_START = {"Start Page", "START_PAGE"}
_TARGETS = {"targetPage": "a page", "targetFlow": "a flow", "targetPlaybook": "a playbook"}
_NO_MATCH = re.compile(r"^sys\.no-match-(\d+)$")

Branch = tuple[dict[str, str], str, Origin]  # label, where it goes, where it was read


def via(
    agent: Agent,
    flow: CxFlow,
    owner: str,
    suffix: str,
    raw: Any,
    origin: Origin,
    target: str | None,
) -> str | None:
    """Where a route or handler leads: its target, or a step of its own when its fulfilment
    ``raw`` says or does something on the way (a route without a target stays on ``owner``)."""
    said = fulfilment(agent, raw, origin.below("triggerFulfillment"))
    if target is not None and target in agent.escalations:
        agent.met_handoff("escalation", origin.below("targetPage"), said.context("escalation"))
    if said.empty:
        return target
    step = flow.new_step(agent.claim(f"{owner}.{suffix}"), origin)
    put_text(step, "say", said, origin.source, agent)
    put_effects(agent, step, said, origin.source)
    agent.mark_text_agreement(step, said.texts, origin.source)
    if target is not None or "handoff" not in step.data:
        step.set("next", target if target is not None else owner, origin)
    return step.id


def target(
    agent: Agent, flow: CxFlow, owner: str, route: dict[str, Any], origin: Origin
) -> tuple[str | None, bool]:
    """The step a route or handler names (None: it stays), and whether it names one that
    exists (False for a page whose file could not be read)."""
    project = agent.project
    for key, what in _TARGETS.items():
        if key in route and not isinstance(route[key], str):
            raise project.fail(
                f"{key} must be {what} name, got {_kind(route[key])}", origin.below(key)
            )
    if "targetPage" in route:
        name = as_str(route["targetPage"])
        where = origin.below("targetPage")
        if name in flow.pages:
            return flow.pages[name].id, True
        if name in _END_FLOW:
            return flow_end(agent, flow, _END_FLOW[name], where).id, True
        if name in _ESCALATION:
            return flow_end(agent, flow, ESCALATION, where).id, True
        if name in _END_SESSION:
            return _end_session(agent, flow, where), True
        if name in _CURRENT:
            return owner, True
        if name in _START:
            return flow.start, True
        if name in _PREVIOUS:
            return _previous(agent, flow, owner, where), True
        if name in flow.unreadable:
            return None, False
        raise project.fail(f"'{name}' names no page of flow '{flow.name}'", where)
    if "targetFlow" in route:
        name = as_str(route["targetFlow"])
        if name not in agent.flows:
            raise project.fail(f"'{name}' names no flow of this agent", origin.below("targetFlow"))
        agent.flows[name].callers.add(owner)
        return agent.flows[name].id, True
    if "targetPlaybook" in route:
        name = as_str(route["targetPlaybook"])
        if name not in agent.playbooks:
            raise project.fail(
                f"'{name}' names no playbook of this agent", origin.below("targetPlaybook")
            )
        return agent.playbooks[name].id, True
    return None, True


def flow_end(agent: Agent, flow: CxFlow, kind: str, origin: Origin) -> Step:
    if kind not in flow.ends:
        step = flow.new_step(agent.claim(f"{flow.id}.{kind}"), origin)
        if kind == ESCALATION:
            step.set("handoff", HUMANS["escalation"][0], origin)
            agent.escalations.add(step.id)
        flow.ends[kind] = step
    return flow.ends[kind]


def _end_session(agent: Agent, flow: CxFlow, origin: Origin) -> str:
    if agent.session_end is None:
        agent.session_end = flow.new_step(agent.claim("END_SESSION"), origin)
        agent.session_end.data["end"] = True
    return agent.session_end.id


def _previous(agent: Agent, flow: CxFlow, owner: str, origin: Origin) -> str:
    """PREVIOUS_PAGE: back to the pages of the flow that lead to this one."""
    page_name = next((p.name for p in flow.pages.values() if owner.startswith(p.id)), None)
    sources = sorted(
        page.id
        for page in flow.pages.values()
        if any(
            as_str(as_map(route).get("targetPage")) == page_name
            for route, _ in routes_of(agent, flow, page.data, page.source)
        )
    )
    if len(sources) == 1:
        return sources[0]
    step = flow.new_step(agent.claim(f"{owner}.previous"), origin)
    if sources:
        step.data["options"] = [
            {"label": {"x-condition": f"came from {s}"}, "goto": s} for s in sources
        ]
    return step.id


def routes_of(agent: Agent, flow: CxFlow, raw: dict[str, Any], source: Source) -> list[Located]:
    """A page's or flow's transition routes, with those of the route groups it uses (the
    flow's own groups, else the agent's)."""
    routes: list[Located] = [
        (route, Origin(source, ("transitionRoutes", i)))
        for i, route in enumerate(as_list(raw.get("transitionRoutes")))
        if isinstance(route, dict)
    ]
    for i, name in enumerate(as_list(raw.get("transitionRouteGroups"))):
        group = unquote(as_str(name).rsplit("/", 1)[-1])
        found = flow.groups.get(group, agent.groups.get(group))
        if found is None:
            raise agent.project.fail(
                f"'{group}' names no transition route group of this agent",
                Origin(source, ("transitionRouteGroups", i)),
            )
        routes += found
    return routes


def wire(
    agent: Agent,
    flow: CxFlow,
    step: Step,
    owner: str,
    routes: list[Located],
    events: list[Located],
) -> None:
    """Give ``step`` the edges of a page's routes and targeted event handlers."""
    on: dict[str, list[tuple[str, str, Origin]]] = {}
    branches: list[Branch] = []
    for n, (route, origin) in enumerate(routes, start=1):
        intent_name = as_str(route.get("intent"))
        if intent_name and intent_name not in agent.intents:
            if intent_name in agent.broken_intents:
                continue
            raise agent.project.fail(
                f"'{intent_name}' names no intent of this agent", origin.below("intent")
            )
        goal, exists = target(agent, flow, owner, route, origin)
        if not exists:
            continue
        suffix = agent.intents[intent_name] if intent_name else f"route{n}"
        goto = via(agent, flow, owner, suffix, route.get("triggerFulfillment"), origin, goal)
        if goto is None:
            continue
        condition = as_str(route.get("condition")) or "true"
        if intent_name:
            on.setdefault(agent.intents[intent_name], []).append((goto, condition, origin))
        else:
            branches.append(({"x-condition": condition}, goto, origin))
    for handler, origin in events:
        goal, exists = target(agent, flow, owner, handler, origin)
        fulfil = handler.get("triggerFulfillment")
        if not exists or (goal is None and not hands_off(fulfil)):
            continue
        event = as_str(handler.get("event"))
        goto = via(agent, flow, owner, slug(event), fulfil, origin, goal)
        if goto is not None:
            branches.append(({"x-event": event}, goto, origin))
    if on:
        step.data["on"] = {}
        for intent, choices in on.items():
            goto, _, origin = choices[0]
            if len({c[0] for c in choices}) > 1:
                branch = flow.new_step(agent.claim(f"{owner}.{intent}"), origin)
                branch.data["options"] = [
                    {"label": {"x-condition": cond}, "goto": g} for g, cond, _ in choices
                ]
                for i, (_, _, where) in enumerate(choices):
                    branch.mark(("options", i), where)
                goto = branch.id
            step.data["on"][intent] = goto
            step.mark(("on", intent), origin.below("intent"))
    if len(branches) == 1 and "next" not in step.data:
        _, goto, origin = branches[0]
        step.set("next", goto, origin)
    elif branches:
        step.data["options"] = [{"label": label, "goto": goto} for label, goto, _ in branches]
        for i, (_, _, origin) in enumerate(branches):
            step.mark(("options", i), origin)


def fallback(agent: Agent, flow: CxFlow, step: Step, scopes: list[list[Located]]) -> None:
    """The no-match handlers of a customer turn as its fallback (innermost scope first)."""
    tables: list[dict[str, Located]] = []
    highest = 0
    for scope in scopes:
        table: dict[str, Located] = {}
        for handler, origin in scope:
            event = as_str(handler.get("event"))
            table.setdefault(event, (handler, origin))
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
        handler, origin = chosen
        goal, exists = target(agent, flow, step.id, handler, origin)
        fulfil = handler.get("triggerFulfillment")
        if not exists or (goal is None and not hands_off(fulfil)):
            continue  # a handler that only prompts again
        event = as_str(handler.get("event"))
        goto = via(agent, flow, step.id, slug(event), fulfil, origin, goal)
        step.set("fallback", {"retries": k - 1, "then": goto}, origin)
        return
    # No handler ever leaves: the bot asks again for as long as the customer tries.
    step.data["fallback"] = step.id
    last = next((t for table in tables for t in table.values()), None)
    if last is not None:
        step.mark(("fallback",), last[1])


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
