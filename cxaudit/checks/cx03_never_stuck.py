"""CX03: the bot never gets stuck: fallbacks that reach a person, no traps, no dead ends."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.graph import INF, FlowGraph
from cxaudit.model import Bot

RULE = "CX03"


def check(ctx: Context, options: Mapping[str, Any]) -> Outcome:
    bot, graph = ctx.bot, ctx.graph
    limit = int(options["max_misunderstood"])
    out = Collector()
    reachable = graph.reachable
    misses = _misunderstood_turns(bot, graph)
    for i, step in enumerate(bot.steps):
        if not (reachable[i] and step.is_turn):
            continue
        out.checked("fallback")
        fallback = bot.fallback_of(step)
        if fallback is None:
            out.add("no-fallback", step.path, subject=step.id, step=step.id, unit="fallback")
            continue
        where = fallback.path if step.fallback is not None else step.path
        count, why = misses[i]
        if count == INF:
            check_id = "fallback-loops" if why == "loop" else "fallback-no-human"
            out.add(
                check_id,
                where,
                subject=step.id,
                step=step.id,
                unit="fallback",
                target=fallback.then,
            )
        elif count > limit:
            out.add(
                "too-many-misses",
                where,
                subject=step.id,
                step=step.id,
                unit="fallback",
                count=str(int(count)),
                limit=str(limit),
            )

    live = [
        i
        for i, step in enumerate(bot.steps)
        if reachable[i] and step.handoff is None and not step.end
    ]
    out.checked("way-on", len(live))
    for i in live:
        step = bot.steps[i]
        if not any(edge.kind.customer_chosen for edge in graph.out[i]):
            out.add("dead-end", step.path, subject=step.id, step=step.id, unit="way-on")
    can_finish = graph.can_finish
    trapped = [i for i in live if not can_finish[i]]
    for component in graph.cyclic_components(trapped):
        first = bot.steps[component[0]]
        others = [bot.steps[j].id for j in component[1:]]
        out.add(
            "trap",
            first.path,
            subject=first.id,
            step=first.id,
            unit="way-on",
            covers=len(component),
            steps=", ".join([first.id, *others[:4]]) + (", …" if len(others) > 4 else ""),
            size=str(len(component)),
        )

    out.checked("reachable", len(bot.steps))
    for i, step in enumerate(bot.steps):
        if not reachable[i]:
            out.add("unreachable", step.path, subject=step.id, step=step.id, unit="reachable")
    return out.outcome()


def _misunderstood_turns(bot: Bot, graph: FlowGraph) -> list[tuple[float, str]]:
    """For each step: misunderstood turns in a row before a human, and how the chain ends.

    At a customer turn with fallback {retries: N, then: T} the customer can be misunderstood
    N + 1 times before the bot goes to T; T adds its own count if it is a turn too, passes on
    along `next` if it only talks, and ends the chain at a handoff (0) or anywhere else
    (never: infinite). Each step has at most one successor in this chain, so a walk with
    colouring finds every value, and every loop, in linear time.
    """
    n = len(bot.steps)
    result: list[tuple[float, str] | None] = [None] * n
    in_walk = [False] * n

    def successor(i: int) -> tuple[int | None, float]:
        step = bot.steps[i]
        if step.is_turn:
            fallback = bot.fallback_of(step)
            if fallback is None:
                return None, INF
            return bot.step_index[bot.resolve(fallback.then)], fallback.retries + 1
        if step.next is not None and not step.end:
            return bot.step_index[bot.resolve(step.next)], 0
        return None, INF

    for start in range(n):
        walk: list[tuple[int, float]] = []
        i: int | None = start
        ending: tuple[float, str]
        while True:
            if i is None:
                ending = (INF, "stuck")
                break
            if result[i] is not None:
                ending = result[i]  # type: ignore[assignment]
                break
            if in_walk[i]:
                ending = (INF, "loop")
                break
            if bot.steps[i].handoff is not None:
                ending = (0, "handoff")
                result[i] = ending
                break
            in_walk[i] = True
            j, cost = successor(i)
            if cost == INF:
                ending = (INF, "end" if bot.steps[i].end else "stuck")
                result[i] = ending
                in_walk[i] = False
                break
            walk.append((i, cost))
            i = j
        total, why = ending
        for k, cost in reversed(walk):
            total = total + cost
            result[k] = (total, why)
            in_walk[k] = False
    return [r if r is not None else (INF, "stuck") for r in result]
