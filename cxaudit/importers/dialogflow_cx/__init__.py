"""Dialogflow CX exports (an unpacked agent folder) as flow data, format version 1.

How the export maps onto a flow file (each module holds the details of its part):

- a CX flow is a flow; its start page is a step ``<flow>.start``; every page is a step named
  after the page (qualified with its flow when several flows have a page of that name)
  (:mod:`.read`);
- intent routes are ``on`` edges; condition routes and targeted events are the bot's own
  branches, written as ``options`` whose label holds only an ``x-condition`` (no text);
- a route or handler that says something, transfers or calls a webhook on the way becomes a
  step of its own (``<page>.<intent>``, ``<page>.route3``, ``<page>.no-match-3``), also without
  a target page when it hands over;
- ``sys.no-match-N`` handlers are fallbacks: the first one that leaves the page (or hands over)
  is ``then``, the ones before it are retries; handlers that only re-prompt for ever are a
  fallback to the step itself, a loop CX03 reports (:mod:`.routes`);
- form parameters and personal intent parameters are ``collect`` steps (judged by the evidence
  layer from the name and the question that asks for them); their fields are ``privacy.data``
  entries with ``basis: undeclared`` (the export gives no purpose or legal basis, so CX09
  reports them until ``cxaudit.overlay.yaml`` declares them);
- ``liveAgentHandoff``, ``telephonyTransferCall``, ``END_FLOW_WITH_HUMAN_ESCALATION``, a
  parameter preset that asks the integration to hand over, and End Session right after a text
  that transfers are handoffs to a ``humans`` entry each, in any fulfilment; what they pass to
  the agent is ``handoff.context`` (``undeclared`` where an integration decides, left out where
  nothing can pass); a flow that ends returns to the pages that called it;
- a webhook whose name makes an agreement, or a text that reports one as made, marks its step
  with it; a webhook's written confirmation is ``undeclared``;
- a playbook is a flow with one ``generate`` step whose prompt is its goal and instructions
  (:mod:`.assemble`);
- SSML tags are removed from texts; a text that is only a parameter reference
  (``$flow.failure_msg``) is kept under an ``x-dialogflow`` key, not as words;
- rich-content chips are options of the page that waits, where the intent route they name leads
  (:mod:`.messages`);
- a custom entity type that enumerates a few choices (``day``/``month``/``year``) is not
  personal data, and a date is personal data only as a birth date.
"""

from __future__ import annotations

from cxaudit.importers.base import Origin, Project
from cxaudit.importers.dialogflow import as_map, as_str, languages_of
from cxaudit.importers.dialogflow_cx.assemble import (
    assemble,
    build_flow,
    build_playbook,
    close_flows,
)
from cxaudit.importers.dialogflow_cx.read import (
    Agent,
    assign_ids,
    read_flows,
    read_generators,
    read_groups,
    read_intents,
    read_playbooks,
)

#: The file an export cannot do without (see :mod:`cxaudit.importers.load`).
MARKERS = ("agent.json",)


def build(project: Project) -> None:
    """Fill ``project.data`` from the Dialogflow CX export at ``project.root``."""
    agent = Agent(project)
    source = project.read(project.root / "agent.json")
    assert source is not None  # required files raise instead
    if not isinstance(source.data, dict):
        raise project.fail("agent.json is not a JSON object", Origin(source))
    data = as_map(source.data)
    agent.languages = languages_of(
        data.get("defaultLanguageCode"), data.get("supportedLanguageCodes")
    )
    read_intents(agent)
    read_groups(agent, project.root / "transitionRouteGroups", agent.groups)
    read_flows(agent)
    read_playbooks(agent)
    read_generators(agent)
    if not agent.flows:
        raise project.fail("the export has no flows (flows/<flow>/<flow>.json)", Origin(source))
    assign_ids(agent)
    start_name = as_str(data.get("startFlow")) or "Default Start Flow"
    start_flow = agent.flows.get(start_name) or next(iter(agent.flows.values()))
    for flow in agent.flows.values():
        build_flow(agent, flow, start_flow is flow)
    for playbook in agent.playbooks.values():
        build_playbook(agent, playbook)
    close_flows(agent, start_flow)
    assemble(agent, source, data, start_flow)
