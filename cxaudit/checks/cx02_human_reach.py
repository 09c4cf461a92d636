"""CX02: a human is always within reach, along paths the customer can choose."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.graph import INF

RULE = "CX02"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    limit = int(options["max_turns"])
    out = Collector()
    distance = graph.turns_to_handoff
    reachable = graph.reachable
    for i, step in enumerate(bot.steps):
        if not (reachable[i] and step.is_turn):
            continue
        out.checked("too-far")
        turns = distance[i]
        if turns == INF:
            out.add("no-way-to-human", step.path, subject=step.id, step=step.id, unit="too-far")
        elif turns > limit:
            out.add(
                "too-far",
                step.path,
                subject=step.id,
                step=step.id,
                turns=str(int(turns)),
                limit=str(limit),
            )
    out.checked("global-human")
    if not any(distance[t] == 0 for t in graph.global_targets):
        out.add("no-global-human", ("intents",), subject="intents", unit="global-human", key=True)
    return out.outcome()
