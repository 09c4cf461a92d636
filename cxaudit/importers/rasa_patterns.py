"""Rasa Pro's patterns where a CALM project leaves them to Rasa, and where a request for a person
goes (the flows themselves: rasa_calm.py).

* ``pattern_human_handoff`` and ``pattern_cannot_handle`` not overridden: Rasa's default flows
  (``rasa/dialogue_understanding/patterns/default_flows_for_patterns.yml``), whose responses
  say that no human is available and that the bot cannot help;
* a customer who asks for a person gets the command generator's ``HumanHandoff`` command, which
  runs ``pattern_human_handoff`` (a global intent of that name). Where that pattern hands over
  to nobody, such a request never starts the project's own handoff flows, whatever their
  description: they stay intents that can open a conversation, not global ones (the project's
  handoff is still there, for CX04 and CX05), and where Rasa's default stands, a
  ``default-handoff-pattern`` note (CX02) says what the customer gets instead;
* without ``pattern_session_start`` (Rasa's default one says nothing) the customer speaks first.
"""

from __future__ import annotations

from collections.abc import Mapping

from cxaudit.importers.base import Origin, Source
from cxaudit.importers.build import Flow, Step
from cxaudit.importers.rasa_common import Builder
from cxaudit.importers.rasa_steps import targets
from cxaudit.locations import DataPath

HANDOFF = "pattern_human_handoff"
CANNOT_HANDLE = "pattern_cannot_handle"
#: Rasa Pro's own patterns when a project does not override them: the two that decide whether
#: a person is reachable, with the response they send and its texts (Rasa's reference of the
#: default patterns: pattern_cannot_handle asks to rephrase, or says it cannot help with what
#: is not supported).
DEFAULTS: dict[str, tuple[str, tuple[str, ...]]] = {
    HANDOFF: (
        "utter_human_handoff_not_available",
        (
            "I understand you want to be connected to a human agent, but that's something I "
            "cannot help you with at the moment. Is there something else I can help you with?",
        ),
    ),
    CANNOT_HANDLE: (
        "utter_ask_rephrase",
        (
            "I\u2019m sorry I am unable to understand you, could you please rephrase?",
            "I'm sorry, I'm not trained to help with that.",
        ),
    ),
}
_ASKS_FOR_A_PERSON = "the command generator's HumanHandoff command: the customer asks for a person"
_NOT_ON_REQUEST = (
    "a request for a person runs pattern_human_handoff, which does not start this flow"
)


def default_pattern(b: Builder, name: str) -> Flow:
    """Rasa's default flow for pattern ``name`` (one of :data:`DEFAULTS`)."""
    response, texts = DEFAULTS[name]
    flow = Flow(b.ids.claim(name), None)
    step = Step(b.ids.claim(response))
    say = {b.language: "\n".join(texts)}
    step.data = {"say": say, "x-rasa": "Rasa's default, not overridden", "end": True}
    flow.steps.append(step)
    b.flows.append(flow)
    return flow


def default_entries(b: Builder, overridden: Mapping[str, tuple[Source, DataPath]]) -> None:
    """The entries of the default patterns, and a customer-first start placed with the
    project's patterns (``overridden``: the project's flows, where each is written)."""
    for name in DEFAULTS:
        if name in overridden:
            continue
        if name == CANNOT_HANDLE:
            b.fallback = (name, None)
        else:
            b.make_global(name, name, None)
            b.intent(name).data["x-rasa"] = _ASKS_FOR_A_PERSON
    if b.start is None:
        places = [where for flow_id, where in overridden.items() if flow_id.startswith("pattern_")]
        places += list(overridden.values())
        if places:
            b.start_origin = Origin(places[0][0], ("flows",))


def person_requests(
    b: Builder, built: Mapping[str, Flow], project: Mapping[str, tuple[Source, DataPath]]
) -> None:
    """Where a request for a person does not reach the project's handoff flows (see above)."""
    steps = {s.id: s for flow in built.values() for s in flow.steps}
    firsts = {flow_id: f.steps[0].id for flow_id, f in built.items() if f.steps}
    if _reaches_handoff(firsts.get(HANDOFF), steps, firsts):
        return
    flows = [
        flow_id
        for flow_id, flow in built.items()
        if flow_id in project
        and not flow_id.startswith("pattern_")
        and any("handoff" in s.data for s in flow.steps)
    ]
    for flow_id in flows:
        intent = b.flow.intents.get(flow_id)
        if intent is not None and intent.data.get("global") is True:
            intent.data["global"] = False
            intent.data["x-rasa"] = _NOT_ON_REQUEST
    if flows and HANDOFF not in project:
        source, at = project[flows[0]]
        b.project.note("default-handoff-pattern", "CX02", Origin(source, at), flows=flows)


def _reaches_handoff(start: str | None, steps: dict[str, Step], firsts: dict[str, str]) -> bool:
    """Does the bot's way on from ``start`` (its own edges, links and calls) reach a handoff?"""
    queue = [start] if start is not None else []
    seen: set[str] = set()
    while queue:
        name = queue.pop()
        step = steps.get(firsts.get(name, name))
        if step is None or step.id in seen:
            continue
        if "handoff" in step.data:
            return True
        seen.add(step.id)
        queue.extend(targets(step.data))
    return False
