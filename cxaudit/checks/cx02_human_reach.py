"""CX02: a human is always within reach, along paths the customer can choose.

One cause, one finding: a bot with no person at all (no handoff any conversation reaches) gets
one ``no-human-anywhere`` finding; a bot whose people are out of reach from some turns gets one ``no-global-human``
finding that lists those turns (a global "talk to a person" intent is what fixes all of them at
once). The score still counts every customer turn.
"""

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
    turns = [i for i in graph.turn_steps if graph.reachable[i]]
    # Every customer turn is a unit, and so is the bot as a whole: is there a person at all.
    out.checked("too-far", len(turns) + 1)
    out.checked("global-human")
    far = [i for i in turns if distance[i] > limit]
    people = [i for i in range(len(bot.steps)) if graph.is_handoff(i) and graph.reachable[i]]
    if not people:
        # Nobody at all: one cause, found at the start, that every turn, the global intent and
        # the bot as a whole fail by.
        start = bot.steps[bot.step_index[bot.resolve(bot.start)]]
        for unit, covers in (("too-far", len(turns) + 1), ("global-human", 1)):
            out.add(
                "no-human-anywhere",
                ("humans",),
                subject="no-human",
                unit=unit,
                covers=covers,
                cause="no-human",
                key=True,
                at=start.path,
                count_turns=str(len(turns)),
            )
        return out.outcome()
    has_global = any(distance[t] == 0 for t in graph.global_targets) or _everywhere(ctx, turns)
    if not has_global:
        out.add(
            "no-global-human",
            ("intents",),
            subject="intents",
            unit="global-human",
            key=True,
            cause="global",
            far=_far_text([bot.steps[i].id for i in far], limit),
        )
    for i in far:
        step = bot.steps[i]
        out.add(
            "no-global-human" if not has_global else "too-far",
            ("intents",) if not has_global else step.path,
            subject=step.id,
            step=step.id,
            unit="too-far",
            key=not has_global,
            cause="global" if not has_global else "too-far",
            at=step.path,
            far=_far_text([bot.steps[i].id for i in far], limit),
            turns=str(int(distance[i])) if distance[i] != INF else "∞",
            limit=str(limit),
        )
    return out.outcome()


def _everywhere(ctx: Context, turns: list[int]) -> bool:
    """Is one intent, though not declared global, routed to a person from every customer turn?
    (A Dialogflow CX agent routes "talk to a person" from every page, flow by flow.)"""
    bot, to_person = ctx.bot, ctx.graph.turns_to_handoff_in_flow
    common: set[str] | None = None
    for i in turns:
        here = {
            name
            for name, target in bot.steps[i].on
            if to_person[bot.step_index[bot.resolve(target)]] == 0
        }
        common = here if common is None else common & here
        if not common:
            return False
    return bool(common)


def _far_text(far: list[str], limit: int) -> Mapping[str, str]:
    """What the missing global intent costs, in the report languages: the turns it leaves too
    far from a person (at most five named)."""
    if not far:
        return {"en": "", "nl": ""}
    named = ", ".join(f"'{step}'" for step in far[:5]) + (
        f" (+{len(far) - 5})" if len(far) > 5 else ""
    )
    return {
        "en": f" From {len(far)} customer turn(s) a person is more than {limit} turn(s) away or "
        f"out of reach: {named}.",
        "nl": f" Vanaf {len(far)} klantbeurt(en) is een medewerker meer dan {limit} beurt(en) "
        f"ver of onbereikbaar: {named}.",
    }
