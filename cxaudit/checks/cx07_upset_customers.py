"""CX07: an upset customer is offered a person (emotion routing)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome

RULE = "CX07"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    limit = int(options["max_turns"])
    out = Collector()
    out.checked("upset")
    if bot.upset is None:
        out.add(
            "no-upset-route", ("escalation",), subject="escalation.upset", unit="upset", key=True
        )
        return out.outcome()
    target = bot.resolve(bot.upset)
    turns = graph.turns_to_handoff_in_flow[bot.step_index[target]]
    if turns > limit:
        out.add(
            "upset-not-human",
            ("escalation", "upset"),
            subject="escalation.upset",
            step=target,
            unit="upset",
            target=target,
            limit=str(limit),
        )
    return out.outcome()
