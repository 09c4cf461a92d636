"""What every rule shares: its input (the context) and its output (issues and units checked).

A rule is a pure function ``check(ctx, options) -> Outcome``. It never prints, never picks a
severity (the catalogue and configuration do) and never knows the output format. It reports
*issues*: a check id from the rule's catalogue entry, the data path that is wrong, the item
that fails, and parameters for the message. It also counts the *units* it checked per check,
which is what the score is the share of.

This module is only that contract; what several rules share besides lives beside it
(``_texts`` for walking texts, ``_answers`` for reading yes and no).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from cxaudit.graph import FlowGraph
from cxaudit.locations import DataPath
from cxaudit.model import Bot

#: Message parameters are plain strings, or a string per report language.
Param = str | Mapping[str, str]


@dataclass(frozen=True)
class Issue:
    """One thing a rule found wrong, before the engine gives it a severity and a position.

    ``path`` is where the fix goes (where the finding points); ``at`` the place the problem shows
    (a step that cannot reach a person), when that is elsewhere. Issues of one check with the same
    ``cause`` are one cause: the engine reports them as one finding that lists every place, while
    the score still counts each unit. Without a cause, issues whose fix goes in the same place are
    one finding too.
    """

    check: str
    path: DataPath
    subject: str
    step: str | None = None
    params: Mapping[str, Param] = field(default_factory=dict)
    key: bool = False  # point at the mapping key instead of its value
    unit: str | None = None  # the unit group it counts against; default: the check id
    covers: int = 1  # how many checked units this one issue stands for
    cause: str | None = None  # issues of this check with the same cause are one finding
    at: DataPath | None = None  # where the problem shows, when not where the fix goes

    @property
    def group(self) -> str:
        return self.unit or self.check

    @property
    def place(self) -> DataPath:
        return self.path if self.at is None else self.at


@dataclass(frozen=True)
class Outcome:
    issues: tuple[Issue, ...]
    units: Mapping[str, int]
    # The rule does not apply because the bot lacks what it is about (CX04 without any handoff):
    # skipped, but scored 0, so that lacking it never scores better than doing it badly.
    blocked: bool = False


@dataclass(frozen=True)
class Context:
    """What a rule may look at: the model, its graph (computed once) and the profile."""

    bot: Bot
    graph: FlowGraph
    strict: bool = False  # the strict profile (by default: finance, insurance, health, government)


class Collector:
    """Accumulates a rule's issues and unit counts."""

    def __init__(self) -> None:
        self._issues: list[Issue] = []
        self._units: Counter[str] = Counter()

    def checked(self, unit: str, count: int = 1) -> None:
        self._units[unit] += count

    def add(
        self,
        check: str,
        path: DataPath,
        *,
        subject: str,
        step: str | None = None,
        key: bool = False,
        unit: str | None = None,
        covers: int = 1,
        cause: str | None = None,
        at: DataPath | None = None,
        **params: Param,
    ) -> None:
        self._issues.append(Issue(check, path, subject, step, params, key, unit, covers, cause, at))

    def outcome(self, *, blocked: bool = False) -> Outcome:
        return Outcome(tuple(self._issues), dict(self._units), blocked)
