"""The flow as a graph: edges by kind, reachability, customer turns to a handoff, traps.

Everything here is computed once per file and shared by the rules, in time linear in the
number of steps and edges (a bank or telecom bot has thousands of steps). Global intents work
in every customer turn; they are kept as one implicit edge set instead of a copy per step.
"""

from __future__ import annotations

import enum
import math
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from cxaudit.locations import DataPath
from cxaudit.model import Bot, Step


class EdgeKind(enum.Enum):
    NEXT = "next"
    OPTION = "option"
    ON = "on"
    FALLBACK = "fallback"

    @property
    def customer_chosen(self) -> bool:
        """Edges a customer can take on purpose; a fallback is what happens to them."""
        return self is not EdgeKind.FALLBACK


@dataclass(frozen=True)
class Edge:
    source: int
    target: int
    kind: EdgeKind
    path: DataPath


INF = math.inf


class FlowGraph:
    """Steps as nodes (by index in ``bot.steps``) and the edges between them."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self.steps: Sequence[Step] = bot.steps
        index = bot.step_index
        n = len(self.steps)
        self.out: list[list[Edge]] = [[] for _ in range(n)]
        for i, step in enumerate(self.steps):
            for target, kind, path in _edges(step, bot):
                self.out[i].append(Edge(i, index[bot.resolve(target)], kind, path))
        #: Where each intent leads (step ids).
        self.intent_targets = intent_targets(bot)
        #: Steps a global intent leads to, reachable from every customer turn.
        self.global_targets: tuple[int, ...] = tuple(
            sorted(
                {index[t] for i in bot.intents if i.is_global for t in self.intent_targets[i.id]}
            )
        )
        #: Steps the bot can jump to from any customer turn: the global intents, and the
        #: escalation.upset route (emotion routing is the bot's move, not the customer's choice).
        upset = [index[bot.resolve(bot.upset)]] if bot.upset is not None else []
        self.turn_targets: tuple[int, ...] = tuple(sorted({*self.global_targets, *upset}))
        # A conversation may begin at the start or with any intent that leads somewhere.
        entries = {index[bot.resolve(start)] for start in bot.starts}
        entries.update(index[t] for targets in self.intent_targets.values() for t in targets)
        self.entries: frozenset[int] = frozenset(entries)

    def is_handoff(self, i: int) -> bool:
        """Does step ``i`` hand the customer over to a person (not to another bot)?"""
        return self._to_people[i]

    @cached_property
    def _to_people(self) -> list[bool]:
        return [self.bot.hands_to_a_person(step) for step in self.steps]

    def is_turn(self, i: int) -> bool:
        return self.steps[i].is_turn

    def successors(self, i: int) -> Iterator[int]:
        """Steps one edge away, global intents included for customer turns."""
        for edge in self.out[i]:
            yield edge.target
        if self.is_turn(i):
            yield from self.global_targets

    @cached_property
    def turn_steps(self) -> list[int]:
        """The customer turns: where global intents and the upset route can be taken."""
        return [i for i in range(len(self.steps)) if self.is_turn(i)]

    @cached_property
    def predecessors(self) -> list[list[Edge]]:
        """Explicit edges into each step (global intent edges are implicit; see callers)."""
        into: list[list[Edge]] = [[] for _ in self.steps]
        for edges in self.out:
            for edge in edges:
                into[edge.target].append(edge)
        return into

    @cached_property
    def reachable(self) -> list[bool]:
        """Steps some conversation can arrive at, from the start or an intent."""
        return self.reach()

    def reach(self, onward: Callable[[int], list[int]] | None = None) -> list[bool]:
        """Steps reachable from the entries; ``onward(i)`` may narrow the edges out of a step.

        Global intents and the upset route are reachable once any customer turn is.
        """
        seen = [False] * len(self.steps)
        queue = deque(sorted(self.entries))
        for i in queue:
            seen[i] = True
        turn_edges_added = False
        while queue:
            i = queue.popleft()
            nexts = onward(i) if onward is not None else [edge.target for edge in self.out[i]]
            if not turn_edges_added and self.is_turn(i):
                turn_edges_added = True
                nexts.extend(self.turn_targets)
            for j in nexts:
                if not seen[j]:
                    seen[j] = True
                    queue.append(j)
        return seen

    def reach_back(self, seeds: Iterable[int], blocked: Callable[[int], bool]) -> list[bool]:
        """Steps from which some explicit path leads to a seed without passing a blocked step.

        The backwards twin of :meth:`reach`, without global intents (the rules that use it ask
        what the flow itself does). Blocked steps are never marked, seeds included.
        """
        marked = [False] * len(self.steps)
        queue: deque[int] = deque()
        for i in seeds:
            if not blocked(i) and not marked[i]:
                marked[i] = True
                queue.append(i)
        while queue:
            v = queue.popleft()
            for edge in self.predecessors[v]:
                u = edge.source
                if not marked[u] and not blocked(u):
                    marked[u] = True
                    queue.append(u)
        return marked

    @cached_property
    def turns_to_handoff(self) -> list[float]:
        """For each step, the fewest customer turns to a handoff along customer-chosen edges.

        A turn is counted at each ask step passed, the starting step included; a handoff step
        is 0 away. Global intents count: a customer can say "a person, please" at any turn.
        """
        return self._turns(include_global=True)

    @cached_property
    def turns_to_handoff_in_flow(self) -> list[float]:
        """As :attr:`turns_to_handoff`, but along the flow's own edges only, as the bot leads.

        This is what the bot itself offers: a sensitive matter should be routed to a person by
        the flow, not left to the customer to ask for one.
        """
        return self._turns(include_global=False)

    def _turns(self, *, include_global: bool) -> list[float]:
        # A 0-1 breadth-first search backwards from every handoff: leaving a turn costs 1.
        n = len(self.steps)
        dist: list[float] = [INF] * n
        queue: deque[int] = deque()
        for i in range(n):
            if self.is_handoff(i):
                dist[i] = 0
                queue.append(i)
        global_set = set(self.global_targets) if include_global else set()
        globals_done = False
        done = [False] * n
        while queue:
            v = queue.popleft()
            if done[v]:
                continue
            done[v] = True
            candidates = [e.source for e in self.predecessors[v] if e.kind.customer_chosen]
            if v in global_set and not globals_done:
                # The first global target settled is the nearest: every turn can use it.
                globals_done = True
                candidates.extend(self.turn_steps)
            for u in candidates:
                if self.is_handoff(u):
                    continue
                cost = 1 if self.is_turn(u) else 0
                if dist[v] + cost < dist[u]:
                    dist[u] = dist[v] + cost
                    if cost:
                        queue.append(u)
                    else:
                        queue.appendleft(u)
        return dist

    @cached_property
    def can_finish(self) -> list[bool]:
        """Steps from which some path (any edge) reaches a handoff or an end."""
        n = len(self.steps)
        ok = [False] * n
        queue: deque[int] = deque()
        for i, step in enumerate(self.steps):
            if step.handoff is not None or step.end:
                ok[i] = True
                queue.append(i)
        global_set = set(self.global_targets)
        globals_done = False
        while queue:
            v = queue.popleft()
            sources = [e.source for e in self.predecessors[v]]
            if v in global_set and not globals_done:
                globals_done = True
                sources.extend(self.turn_steps)
            for u in sources:
                if not ok[u]:
                    ok[u] = True
                    queue.append(u)
        return ok

    def cyclic_components(self, nodes: Sequence[int]) -> list[list[int]]:
        """Strongly connected components of the subgraph on ``nodes`` that contain a cycle.

        Iterative Tarjan, so a cycle of thousands of steps does not hit Python's recursion limit.
        """
        member = set(nodes)
        index_of: dict[int, int] = {}
        low: dict[int, int] = {}
        on_stack: set[int] = set()
        stack: list[int] = []
        result: list[list[int]] = []
        counter = 0
        for root in sorted(nodes):
            if root in index_of:
                continue
            work: list[tuple[int, Iterator[int]]] = [
                (root, iter(self._sub_successors(root, member)))
            ]
            index_of[root] = low[root] = counter
            counter += 1
            stack.append(root)
            on_stack.add(root)
            while work:
                v, children = work[-1]
                advanced = False
                for w in children:
                    if w not in index_of:
                        index_of[w] = low[w] = counter
                        counter += 1
                        stack.append(w)
                        on_stack.add(w)
                        work.append((w, iter(self._sub_successors(w, member))))
                        advanced = True
                        break
                    if w in on_stack:
                        low[v] = min(low[v], index_of[w])
                if advanced:
                    continue
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                if low[v] == index_of[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1 or v in self._sub_successors(v, member):
                        result.append(sorted(component))
        return sorted(result)

    def _sub_successors(self, i: int, member: set[int]) -> list[int]:
        return [t for t in dict.fromkeys(self.successors(i)) if t in member]


def _edges(step: Step, bot: Bot) -> Iterator[tuple[str, EdgeKind, DataPath]]:
    if step.next is not None:
        yield step.next, EdgeKind.NEXT, (*step.path, "next")
    for option in step.options:
        yield option.goto, EdgeKind.OPTION, (*option.path, "goto")
    for intent_id, target in step.on:
        yield target, EdgeKind.ON, (*step.path, "on", intent_id)
    fallback = bot.fallback_of(step)
    if fallback is not None:
        yield fallback.then, EdgeKind.FALLBACK, fallback.then_path


def intent_targets(bot: Bot) -> dict[str, tuple[str, ...]]:
    """Where each intent leads: its goto, else the first step of every flow it triggers."""
    triggered: dict[str, list[str]] = {}
    for flow in bot.flows:
        for trigger in flow.triggers:
            triggered.setdefault(trigger, []).append(flow.steps[0].id)
    return {
        intent.id: (bot.resolve(intent.goto),)
        if intent.goto is not None
        else tuple(triggered.get(intent.id, ()))
        for intent in bot.intents
    }
