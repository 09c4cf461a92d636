"""CX03: the bot never gets stuck: fallbacks that reach a person, no traps, no dead ends.

Findings are causes, not steps: fallbacks that loop are one finding that lists every question
they fail, and so are fallbacks that end without a person, fallbacks that take too many tries,
the questions without a fallback, the dead ends and the parts no conversation reaches; each
finding is where the first of them is (the default fallback where it is written). The score still
counts every question and step.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cxaudit.checks.base import Collector, Context, Outcome
from cxaudit.graph import INF, FlowGraph
from cxaudit.i18n import translated
from cxaudit.model import Bot, Step

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
            out.add(
                "no-fallback",
                step.path,
                subject=step.id,
                step=step.id,
                unit="fallback",
                cause="no-fallback",
            )
            continue
        where = fallback.path  # its own, or escalation.fallback: where the fix goes
        count, why, _ = misses[i]
        target = bot.resolve(fallback.then)
        # Every question whose fallback fails the same way is one cause: the bot's fallbacks
        # loop (or end without a person, or take too many tries), listed place by place.
        shown = translated("same-question") if target == step.id else f"'{target}'"
        if count == INF:
            check_id = "fallback-loops" if why == "loop" else "fallback-no-human"
            out.add(
                check_id,
                where,
                subject=step.id,
                step=step.id,
                unit="fallback",
                cause=check_id,
                at=step.path,
                target=shown,
            )
        elif count > limit:
            out.add(
                "too-many-misses",
                where,
                subject=step.id,
                step=step.id,
                unit="fallback",
                cause="too-many-misses",
                at=step.path,
                count_misses=str(int(count)),
                limit=str(limit),
                target=shown,
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
            out.add(
                "dead-end",
                step.path,
                subject=step.id,
                step=step.id,
                unit="way-on",
                cause="dead-end",
            )
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
            steps_in_trap=", ".join([first.id, *others[:4]]) + (", …" if len(others) > 4 else ""),
            size=str(len(component)),
        )

    out.checked("reachable", len(bot.steps))
    _unreachable(bot, graph, out)
    return out.outcome()


def _unreachable(bot: Bot, graph: FlowGraph, out: Collector) -> None:
    """The parts no conversation reaches, as one finding: each part (a whole flow, or the steps
    of a flow that hang together) is named once, with how many steps it has."""
    dead = [i for i in range(len(bot.steps)) if not graph.reachable[i]]
    if not dead:
        return
    parts = _parts(bot, graph, dead)
    names: list[str] = []
    for flow_id, members, whole in parts:
        label = f"'{flow_id}'" if whole else f"'{bot.steps[members[0]].id}'"
        names.append(f"{label} ({len(members)})")
    shown = ", ".join(names[:5]) + (f", … (+{len(names) - 5})" if len(names) > 5 else "")
    whole_flows = sum(1 for _, _, whole in parts if whole)
    for flow_id, members, whole in parts:
        first: Step = bot.steps[members[0]]
        flow = next(f for f in bot.flows if f.id == flow_id)
        out.add(
            "unreachable",
            flow.path if whole else first.path,
            subject=first.id,
            step=first.id,
            unit="reachable",
            covers=len(members),
            cause="unreachable",
            parts=shown,
            size=str(len(dead)),
            flows=str(whole_flows),
        )


def _parts(bot: Bot, graph: FlowGraph, dead: list[int]) -> list[tuple[str, list[int], bool]]:
    """Unreachable steps in parts: per flow, the steps joined by edges among themselves; a part
    that is the whole flow is named by the flow."""
    parent = {i: i for i in dead}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in dead:
        for edge in graph.out[i]:
            j = edge.target
            if j in parent and bot.steps[j].flow == bot.steps[i].flow:
                a, b = root(i), root(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in dead:
        groups.setdefault(root(i), []).append(i)
    sizes: dict[str, int] = {}
    for step in bot.steps:
        sizes[step.flow] = sizes.get(step.flow, 0) + 1
    parts = []
    for members in sorted(groups.values()):
        flow_id = bot.steps[members[0]].flow
        whole = len(members) == sizes[flow_id]
        parts.append((flow_id, members, whole))
    # Several parts of one flow that together are the whole flow: the flow is the part.
    merged: dict[str, list[int]] = {}
    for flow_id, members, _ in parts:
        merged.setdefault(flow_id, []).extend(members)
    result = []
    done: set[str] = set()
    for flow_id, members, whole in parts:
        if len(merged[flow_id]) == sizes[flow_id]:
            if flow_id not in done:
                done.add(flow_id)
                result.append((flow_id, sorted(merged[flow_id]), True))
            continue
        result.append((flow_id, members, whole))
    return result


def _misunderstood_turns(bot: Bot, graph: FlowGraph) -> list[tuple[float, str, int]]:
    """For each step: misunderstood turns in a row before a human, how the chain ends, and the
    step where it ends (the handoff, the end or dead step, or where it loops back).

    At a customer turn with fallback {retries: N, then: T} the customer can be misunderstood
    N + 1 times before the bot goes to T; T adds its own count if it is a turn too, passes on
    along `next` if it only talks, and ends the chain at a handoff (0) or anywhere else
    (never: infinite). Each step has at most one successor in this chain, so a walk with
    colouring finds every value, and every loop, in linear time.
    """
    n = len(bot.steps)
    result: list[tuple[float, str, int] | None] = [None] * n
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
        ending: tuple[float, str, int]
        while True:
            if i is None:
                ending = (INF, "stuck", walk[-1][0] if walk else start)
                break
            cached = result[i]
            if cached is not None:
                ending = cached
                break
            if in_walk[i]:
                ending = (INF, "loop", i)
                break
            if graph.is_handoff(i):
                ending = (0, "handoff", i)
                result[i] = ending
                break
            in_walk[i] = True
            j, cost = successor(i)
            if cost == INF:
                ending = (INF, "end" if bot.steps[i].end else "stuck", i)
                result[i] = ending
                in_walk[i] = False
                break
            walk.append((i, cost))
            i = j
        total, why, last = ending
        for k, cost in reversed(walk):
            total = total + cost
            result[k] = (total, why, last)
            in_walk[k] = False
    return [r if r is not None else (INF, "stuck", k) for k, r in enumerate(result)]
