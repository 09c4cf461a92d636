"""What every rule shares: its input (the context) and its output (issues and units checked).

A rule is a pure function ``check(ctx, options) -> Outcome``. It never prints, never picks a
severity (the catalogue and configuration do) and never knows the output format. It reports
*issues*: a check id from the rule's catalogue entry, the data path that is wrong, the item
that fails, and parameters for the message. It also counts the *units* it checked per check,
which is what the score is the share of.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal

from cxaudit.evidence.words import words_of
from cxaudit.graph import FlowGraph
from cxaudit.lexicon import ANY_LANGUAGE, available_languages, can_read, find, load_lexicon
from cxaudit.locations import DataPath
from cxaudit.model import Bot, Step, Text

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


@dataclass(frozen=True)
class TextItem:
    """One language variant of one bot text, with the step it belongs to."""

    step: Step
    kind: str  # say | ask | option | prompt
    language: str
    text: str
    path: DataPath


def text_items(bot: Bot, *, prompts: bool = True) -> Iterator[TextItem]:
    """Every say, ask, option label (and generate prompt) in every language, in file order."""
    for step in bot.steps:
        for kind, text in _step_texts(step, prompts=prompts):
            for language, value, path in text.variants:
                yield TextItem(step, kind, language, value, path)


def _step_texts(step: Step, *, prompts: bool) -> Iterator[tuple[str, Text]]:
    if step.say is not None:
        yield "say", step.say
    if step.ask is not None:
        yield "ask", step.ask
    for option in step.options:
        yield "option", option.label
    if prompts and step.generate is not None:
        yield "prompt", step.generate.prompt


def lacks_phrase(rule: str, kind: str, step: Step) -> DataPath | None:
    """Where the step's message (its say and ask, per language) has no phrase of ``kind``.

    The first variant in a readable language without one, or None when every readable variant
    has one; a step that says nothing lacks it at the step itself.
    """
    messages = step.messages()
    if not messages:
        return step.path
    for language, (text, path) in messages.items():
        if can_read(rule, language) and not any(
            m.entry.attrs.get("kind") == kind for m in find(rule, language, text)
        ):
            return path
    return None


def report_missing_lexicons(collector: Collector, bot: Bot, rule: str) -> None:
    """One info issue naming every bot language whose texts this rule cannot read."""
    if not bot.declared_languages:
        return
    missing = [
        (i, language)
        for i, language in enumerate(bot.languages)
        if load_lexicon(rule, language) is None
    ]
    for i, language in missing:
        collector.add(
            "no-lexicon",
            ("bot", "languages", i),
            subject=f"language:{language}",
            cause="no-lexicon",
            language=", ".join(lang for _, lang in missing),
            available=", ".join(available_languages(rule)),
        )


Answer = Literal["yes", "no"] | None


def answers(graph: FlowGraph, i: int) -> list[tuple[int, Answer]]:
    """The choices of a question: (target, "yes" / "no" / None when unclear).

    Options are read by their labels and ``on`` answers by their intent ids (affirm / deny,
    ja / nee), with the yes/no phrase lists of CX09, in every language cxaudit reads.
    """
    step, bot = graph.steps[i], graph.bot
    choices: list[tuple[int, Answer]] = []
    for option in step.options:
        label = tuple((lang, text) for lang, text, _ in option.label.variants)
        choices.append((bot.step_index[bot.resolve(option.goto)], _label_answer(label)))
    for intent_id, target in step.on:
        choices.append((bot.step_index[bot.resolve(target)], _intent_answer(intent_id)))
    return choices


# Bots repeat their answer labels ("Ja", "Nee") and intents on every question: each is read once.
@lru_cache(maxsize=4096)
def _label_answer(label: tuple[tuple[str, str], ...]) -> Answer:
    """What an option's label answers, read in each of its languages."""
    return _verdict(
        {m.entry.attrs.get("kind") for lang, text in label for m in find(YES_NO_RULE, lang, text)}
    )


@lru_cache(maxsize=4096)
def _intent_answer(intent_id: str) -> Answer:
    """What an ``on`` answer's intent answers, read off its id in any language."""
    return _verdict(
        {
            m.entry.attrs.get("kind")
            for words in _id_phrases(intent_id)
            for m in find(YES_NO_RULE, ANY_LANGUAGE, words)
        }
    )


YES_NO_RULE = "CX09"  # whose lexicons hold the yes and no answers


def _id_phrases(intent_id: str) -> list[str]:
    """An intent's id as the answers it may name: the id, and its words from each word on
    ("prebuilt_components_confirmation_yes" names "yes"; "denyRequest" "deny request")."""
    words = words_of(intent_id)[:8]
    return [intent_id, *(" ".join(words[k:]) for k in range(len(words)))]


def _verdict(kinds: set[str | None]) -> Answer:
    if "no" in kinds:
        return "no"
    return "yes" if "yes" in kinds else None
