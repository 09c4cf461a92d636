"""What the text rules share: walking a bot's texts, and saying which languages a rule cannot read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cxaudit.checks.base import Collector
from cxaudit.lexicon import available_languages, can_read, find, load_lexicon
from cxaudit.locations import DataPath
from cxaudit.model import Bot, Step, Text


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
